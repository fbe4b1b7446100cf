/**
 * The session side of seed 03: a `Session.init` functions override that starts every first-factor
 * session with `2fa-completed: false` (and the enrolled phone, so the frontend knows where the
 * code goes), and the helpers that load a session for a route — with or without the second factor.
 */
import Session, { type RecipeInterface, type SessionClaimValidator, type SessionContainer, type VerifySessionOptions } from "supertokens-node/recipe/session";
import type { BooleanClaim } from "supertokens-node/recipe/session/claims";
import type { JSONObject } from "supertokens-node/types";
import { DEFAULT_DATA_CONTRACT, type DataContract } from "./data-contract.ts";
import type { Exchange } from "./node-http.ts";
import { SecondFactorClaim, createSecondFactorClaim } from "./second-factor-claim.ts";
import { readEnrollment } from "./second-factor-enrollment.ts";

export interface SecondFactorOptions {
  contract?: DataContract;
  /** The claim (default: `createSecondFactorClaim(contract)`). */
  claim?: BooleanClaim;
}

export function claimOf(options: SecondFactorOptions): BooleanClaim {
  if (options.claim) return options.claim;
  return options.contract ? createSecondFactorClaim(options.contract) : SecondFactorClaim;
}

export interface SecondFactorSessionOptions extends SecondFactorOptions {
  /** Add `claim.validators.isTrue()` to the global validators, so every `getSession` needs 2FA (default true). */
  requireEverywhere?: boolean;
}

/** `Session.init({ override: { functions: secondFactorSession() } })`. */
export function secondFactorSession(options: SecondFactorSessionOptions = {}): (original: RecipeInterface) => RecipeInterface {
  const contract = options.contract ?? DEFAULT_DATA_CONTRACT;
  const claim = claimOf(options);
  return (original) => {
    const createNewSession = original.createNewSession.bind(original);
    const getGlobalClaimValidators = original.getGlobalClaimValidators.bind(original);
    return {
      ...original,
      createNewSession: async (input) => {
        const enrollment = await readEnrollment(input.userId, contract, input.userContext);
        const payload: JSONObject = { ...(input.accessTokenPayload as JSONObject | undefined) };
        Object.assign(payload, await claim.build(input.userId, input.recipeUserId, input.tenantId, payload, input.userContext));
        if (enrollment.state === "enrolled") payload[contract.phoneNumberPayloadKey] = enrollment.phoneNumber;
        return createNewSession({ ...input, accessTokenPayload: payload });
      },
      getGlobalClaimValidators: async (input) => {
        const validators = await getGlobalClaimValidators(input);
        return options.requireEverywhere === false ? validators : [...validators, claim.validators.isTrue()];
      },
    };
  };
}

type RequestPair = Pick<Exchange, "request" | "response">;

/**
 * The session of someone who has done the first factor, whether or not the second is done (the
 * 2FA steps themselves need this). `undefined` when there is none. The Core is asked
 * (`checkDatabase`), so a session revoked by a reset is gone at once.
 */
export async function getFirstFactorSession(pair: RequestPair, userContext?: Record<string, unknown>): Promise<SessionContainer | undefined> {
  return Session.getSession(pair.request, pair.response, { sessionRequired: false, checkDatabase: true, overrideGlobalClaimValidators: () => [] }, userContext);
}

/**
 * For a route that needs 2FA: the session, which has `2fa-completed` true. Throws the SDK's
 * errors otherwise (no session → 401, claim missing or false → 403 INVALID_CLAIMS), which
 * `handleSuperTokensError` answers. The Core is asked (`checkDatabase`, default true).
 */
export async function requireSecondFactor(pair: RequestPair, options: SecondFactorOptions & { checkDatabase?: boolean } = {}): Promise<SessionContainer> {
  return Session.getSession(pair.request, pair.response, secondFactorVerifyOptions(options));
}

/** The same check as `verifySession(...)` / `getSession` options for other frameworks. */
export function secondFactorVerifyOptions(options: SecondFactorOptions & { checkDatabase?: boolean } = {}): VerifySessionOptions & { sessionRequired: true } {
  const isTrue = claimOf(options).validators.isTrue();
  return {
    sessionRequired: true,
    checkDatabase: options.checkDatabase ?? true,
    overrideGlobalClaimValidators: (globals: SessionClaimValidator[]) => (globals.some((v) => v.id === isTrue.id) ? globals : [...globals, isTrue]),
  };
}
