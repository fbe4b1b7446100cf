/**
 * A first-factor user's second-factor enrollment (seed 03): the metadata key `passwordlessUserId`
 * names a separate Passwordless user whose phone is the 2FA phone. Read from the Core every time,
 * so a reset in the console takes effect at once.
 */
import supertokens from "supertokens-node";
import UserMetadata from "supertokens-node/recipe/usermetadata";
import { DEFAULT_DATA_CONTRACT, type DataContract } from "./data-contract.ts";

export type Enrollment =
  | { state: "none" }
  | { state: "enrolled"; passwordlessUserId: string; phoneNumber: string }
  /** The link names a user that does not exist, or one without a phone: only support can fix it. */
  | { state: "broken"; passwordlessUserId: string };

export async function readEnrollment(userId: string, contract: DataContract = DEFAULT_DATA_CONTRACT, userContext?: Record<string, unknown>): Promise<Enrollment> {
  const { metadata } = await UserMetadata.getUserMetadata(userId, userContext);
  const linked: unknown = (metadata as Record<string, unknown>)[contract.secondFactorUserIdKey];
  if (typeof linked !== "string" || linked === "") return { state: "none" };
  const phoneUser = await supertokens.getUser(linked, userContext);
  const phoneNumber = phoneUser?.loginMethods.find((m) => m.recipeId === "passwordless" && m.phoneNumber !== undefined)?.phoneNumber;
  return phoneNumber === undefined ? { state: "broken", passwordlessUserId: linked } : { state: "enrolled", passwordlessUserId: linked, phoneNumber };
}

/** Link the Passwordless user as the user's second factor (metadata `secondFactorUserIdKey`). */
export async function linkSecondFactor(userId: string, passwordlessUserId: string, contract: DataContract = DEFAULT_DATA_CONTRACT, userContext?: Record<string, unknown>): Promise<void> {
  await UserMetadata.updateUserMetadata(userId, { [contract.secondFactorUserIdKey]: passwordlessUserId }, userContext);
}

/** `+14155550123` → `+1•••••••0123`, for showing the enrolled phone. */
export function maskPhone(phoneNumber: string): string {
  if (phoneNumber.length <= 6) return "•".repeat(phoneNumber.length);
  return `${phoneNumber.slice(0, 2)}${"•".repeat(phoneNumber.length - 6)}${phoneNumber.slice(-4)}`;
}
