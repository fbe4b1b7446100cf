/**
 * Seed 03's Passwordless overrides for an SMS OTP second factor, on a Passwordless recipe that
 * only serves the second factor (`contactMethod: "PHONE"`, `flowType: "USER_INPUT_CODE"`):
 *
 * - `createCodePOST` needs a first-factor session. A user with a phone enrolled may only ask for
 *   a code to that phone: someone who knows the first factor cannot register their own (the
 *   seed's attack). A user not enrolled yet may enroll a phone no other account holds.
 * - `consumeCodePOST` keeps the first-factor session (no session is made for the Passwordless
 *   user): on the first OTP it links the Passwordless user (metadata `passwordlessUserId`), later
 *   it checks the code was for the linked one; then it sets `2fa-completed` true and puts
 *   `phoneNumber` in the access token payload.
 *
 * `consumeCodePOST` calls the recipe's `consumeCode` itself rather than the API below it (which
 * would make a session for the Passwordless user), so put other consume overrides above it.
 */
import supertokens from "supertokens-node";
import { DEFAULT_DATA_CONTRACT } from "./data-contract.ts";
import { linkSecondFactor, readEnrollment, type Enrollment } from "./second-factor-enrollment.ts";
import { claimOf, getFirstFactorSession, type SecondFactorOptions } from "./second-factor-session.ts";
import { extendAPIs, type PasswordlessAPIOverride } from "./types.ts";

export const SECOND_FACTOR_MESSAGES = Object.freeze({
  noSession: "Sign in with your first factor before asking for a code.",
  notEnrolledPhone: "This phone number is not the one enrolled for your account.",
  phoneTaken: "This phone number cannot be enrolled. Use another one or contact support.",
  broken: "Your second-factor phone cannot be used. Please contact support.",
  phoneOnly: "The second factor is a code by SMS: give a phone number.",
});

type GeneralError = { status: "GENERAL_ERROR"; message: string };
const refuse = (message: string): GeneralError => ({ status: "GENERAL_ERROR", message });

/** Why a user may not get a code to this phone; undefined when they may. */
async function refusal(enrollment: Enrollment, phoneNumber: string, tenantId: string, userContext: Record<string, unknown>): Promise<string | undefined> {
  if (enrollment.state === "broken") return SECOND_FACTOR_MESSAGES.broken;
  if (enrollment.state === "enrolled") return enrollment.phoneNumber === phoneNumber ? undefined : SECOND_FACTOR_MESSAGES.notEnrolledPhone;
  // Enrolling: a phone some account already has (someone's 2FA phone or own sign-in) is refused,
  // so two accounts never share a second factor.
  const holders = await supertokens.listUsersByAccountInfo(tenantId, { phoneNumber }, false, userContext);
  return holders.length > 0 ? SECOND_FACTOR_MESSAGES.phoneTaken : undefined;
}

export function secondFactorApis(options: SecondFactorOptions = {}): PasswordlessAPIOverride {
  const contract = options.contract ?? DEFAULT_DATA_CONTRACT;
  const claim = claimOf(options);
  return (original) => {
    const createCodePOST = original.createCodePOST?.bind(original);
    return extendAPIs(original, {
      ...(createCodePOST && {
        createCodePOST: async (input) => {
          const session = await getFirstFactorSession({ request: input.options.req as never, response: input.options.res as never }, input.userContext);
          if (session === undefined) return refuse(SECOND_FACTOR_MESSAGES.noSession);
          if (!("phoneNumber" in input)) return refuse(SECOND_FACTOR_MESSAGES.phoneOnly);
          const enrollment = await readEnrollment(session.getUserId(), contract, input.userContext);
          const refused = await refusal(enrollment, input.phoneNumber, input.tenantId, input.userContext);
          if (refused !== undefined) return refuse(refused);
          // Never a sign-in linked to the first-factor session: this Passwordless user stays separate.
          return createCodePOST({ ...input, session: undefined, shouldTryLinkingWithSessionUser: false });
        },
      }),
      consumeCodePOST: async (input) => {
        const session = await getFirstFactorSession({ request: input.options.req as never, response: input.options.res as never }, input.userContext);
        if (session === undefined) return refuse(SECOND_FACTOR_MESSAGES.noSession);
        const userId = session.getUserId();
        const before = await readEnrollment(userId, contract, input.userContext);
        if (before.state === "broken") return refuse(SECOND_FACTOR_MESSAGES.broken);
        const recipe = input.options.recipeImplementation;
        const device = await recipe.listCodesByPreAuthSessionId({ tenantId: input.tenantId, preAuthSessionId: input.preAuthSessionId, userContext: input.userContext });
        if (device === undefined) return { status: "RESTART_FLOW_ERROR" };
        if (device.phoneNumber === undefined) return refuse(SECOND_FACTOR_MESSAGES.phoneOnly);
        // Checked before the code is used: a code to another phone never completes this user's 2FA.
        const refused = await refusal(before, device.phoneNumber, input.tenantId, input.userContext);
        if (refused !== undefined) return refuse(refused);

        const common = { preAuthSessionId: input.preAuthSessionId, tenantId: input.tenantId, session: undefined, shouldTryLinkingWithSessionUser: false, userContext: input.userContext };
        const consumed = await recipe.consumeCode("linkCode" in input ? { ...common, linkCode: input.linkCode } : { ...common, deviceId: input.deviceId, userInputCode: input.userInputCode });
        if (consumed.status === "LINKING_TO_SESSION_USER_FAILED") return { status: "SIGN_IN_UP_NOT_ALLOWED", reason: `Cannot complete the second factor (${consumed.reason}).` };
        if (consumed.status !== "OK") return consumed;

        const phoneUserId = consumed.user.id;
        const phoneNumber = consumed.consumedDevice.phoneNumber ?? device.phoneNumber;
        const now = await readEnrollment(userId, contract, input.userContext); // re-read: a reset may have run meanwhile
        if (now.state === "broken") return refuse(SECOND_FACTOR_MESSAGES.broken);
        if (now.state === "enrolled" && (now.passwordlessUserId !== phoneUserId || now.phoneNumber !== phoneNumber)) return refuse(SECOND_FACTOR_MESSAGES.notEnrolledPhone);
        if (now.state === "none") await linkSecondFactor(userId, phoneUserId, contract, input.userContext);

        await session.setClaimValue(claim, true, input.userContext);
        await session.mergeIntoAccessTokenPayload({ [contract.phoneNumberPayloadKey]: phoneNumber }, input.userContext);
        return { status: "OK", createdNewRecipeUser: consumed.createdNewRecipeUser, user: consumed.user, session };
      },
    });
  };
}
