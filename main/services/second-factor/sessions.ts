/**
 * Ending the sessions that could still carry the old second factor: every session of the user
 * and of the phone user(s) created before the change was in place, and any later one whose
 * access token still names another phone or claims 2FA without the expected phone.
 */
import Passwordless from "supertokens-node/recipe/passwordless";
import Session from "supertokens-node/recipe/session";
import type { JsonObject } from "../../../shared/contract/schemas.ts";
import type { DataContract } from "../../../shared/data-contract.ts";
import type { CoreClient } from "../../core/core-client.ts";
import { mapLimit } from "../concurrency.ts";

export interface StaleRule {
  /** Sessions created at or before this moment are revoked (undefined: none by age). */
  cutoff: number | undefined;
  /** The phone a valid session may carry after the reset (undefined: none, after a clear). */
  phoneAfter: string | undefined;
}

export function isStale(payload: JsonObject, timeCreated: number, rule: StaleRule, contract: DataContract): boolean {
  if (rule.cutoff !== undefined && timeCreated <= rule.cutoff) return true;
  const phone = payload[contract.phoneNumberPayloadKey];
  const claimed = payload[contract.secondFactorClaim] === true || (typeof payload[contract.secondFactorClaim] === "object" && payload[contract.secondFactorClaim] !== null);
  if (typeof phone === "string" && phone !== rule.phoneAfter) return true;
  return claimed && rule.phoneAfter === undefined;
}

/** Revokes the stale sessions of `userIds`; returns how many ended. */
export async function revokeStaleSessions(core: CoreClient, userIds: string[], rule: StaleRule, contract: DataContract): Promise<number> {
  return core.sdk(async () => {
    const handles = [...new Set((await Promise.all(userIds.map((id) => Session.getAllSessionHandlesForUser(id, true)))).flat())];
    const infos = await mapLimit(handles, 8, (h) => Session.getSessionInformation(h));
    const stale = infos
      .filter((s): s is NonNullable<typeof s> => s !== undefined)
      .filter((s) => isStale(s.customClaimsInAccessTokenPayload as JsonObject, s.timeCreated, rule, contract))
      .map((s) => s.sessionHandle);
    if (stale.length === 0) return 0;
    return (await Session.revokeMultipleSessions(stale)).length;
  });
}

/** OTP codes still out for the old phone could finish a sign-in to it: they go too. */
export async function revokeCodes(core: CoreClient, phoneNumber: string, tenantIds: string[]): Promise<void> {
  await core.sdk(() => Promise.all(tenantIds.map((tenantId) => Passwordless.revokeAllCodes({ phoneNumber, tenantId }))));
}
