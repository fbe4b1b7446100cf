/** Reading a user's second-factor link (seed 03) with everything the reset needs to decide. */
import supertokens from "supertokens-node";
import UserMetadata from "supertokens-node/recipe/usermetadata";
import { GatehouseError } from "../../../shared/contract/errors.ts";
import type { JsonObject, SecondFactor } from "../../../shared/contract/schemas.ts";
import type { DataContract } from "../../../shared/data-contract.ts";
import type { CoreClient } from "../../core/core-client.ts";

export type SdkUser = NonNullable<Awaited<ReturnType<typeof supertokens.getUser>>>;

export interface LinkState {
  user: SdkUser;
  metadata: JsonObject;
  /** The id in the metadata link, if any. */
  linkedId: string | undefined;
  /** The linked user, when it exists. */
  phoneUser: SdkUser | undefined;
  /** The state, unmasked (only operators allowed to reset see it). */
  state: SecondFactor;
}

export const phoneOf = (user: SdkUser | undefined): string | undefined =>
  user?.loginMethods.find((m) => m.recipeId === "passwordless" && m.phoneNumber)?.phoneNumber;

export function stateOf(linkedId: string | undefined, phoneUser: SdkUser | undefined): SecondFactor {
  if (linkedId === undefined) return { state: "none" };
  if (!phoneUser) return { state: "broken", passwordlessUserId: linkedId, reason: "missing-user" };
  const phone = phoneOf(phoneUser);
  if (!phone) return { state: "broken", passwordlessUserId: linkedId, reason: "no-phone" };
  return { state: "enrolled", passwordlessUserId: linkedId, phoneNumber: phone };
}

export async function readLinkState(core: CoreClient, contract: DataContract, userId: string): Promise<LinkState> {
  const user = await core.sdk(() => supertokens.getUser(userId));
  if (!user) throw new GatehouseError({ code: "NOT_FOUND", message: `There is no user ${userId} (any more).` });
  const { metadata } = await core.sdk(() => UserMetadata.getUserMetadata(user.id));
  const raw = (metadata as JsonObject)[contract.secondFactorUserIdKey];
  const linkedId = typeof raw === "string" && raw !== "" ? raw : undefined;
  const phoneUser = linkedId === undefined ? undefined : ((await core.sdk(() => supertokens.getUser(linkedId))) ?? undefined);
  return { user, metadata: metadata as JsonObject, linkedId, phoneUser, state: stateOf(linkedId, phoneUser) };
}

/**
 * Whether deleting the linked user could only remove a second-factor phone: a Passwordless
 * user with a phone and nothing else. A link that points at someone's own account (an email
 * user, a user with other login methods) is never deleted from here.
 */
export function isDedicatedPhoneUser(user: SdkUser): boolean {
  return user.loginMethods.length > 0 && user.loginMethods.every((m) => m.recipeId === "passwordless" && m.phoneNumber !== undefined && m.email === undefined);
}
