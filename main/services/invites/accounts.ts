/**
 * What an invite needs to know of an account on the Core: whether it signs in with a
 * Passwordless link for a contact (only then does a sign-in link reach it rather than create a
 * second account) and its invite record. (The codes a revoke kills: ../sign-in-codes.ts.)
 */
import type supertokens from "supertokens-node";
import type { JsonObject } from "../../../shared/contract/schemas.ts";
import type { InviteRecord } from "../../../shared/data-contract.ts";
import type { Contact } from "./normalize.ts";

export type SdkUser = NonNullable<Awaited<ReturnType<typeof supertokens.getUser>>>;

/**
 * The contact of the user's Passwordless login in the tenant: the given one if they have it,
 * else (no contact given) any. Undefined when a link for it would not sign in this user.
 */
export function passwordlessContactOf(user: SdkUser, tenantId: string, contact?: Contact): Contact | undefined {
  for (const m of user.loginMethods) {
    if (m.recipeId !== "passwordless" || !m.tenantIds.includes(tenantId)) continue;
    if (contact && "email" in contact ? m.email === contact.email : contact ? m.phoneNumber === contact.phoneNumber : false) return contact;
    if (!contact && m.email) return { email: m.email };
    if (!contact && m.phoneNumber) return { phoneNumber: m.phoneNumber };
  }
  return undefined;
}

const METHOD_WORDS: Record<string, string> = {
  emailpassword: "with email and password",
  passwordless: "with a sign-in link or code",
  thirdparty: "through a third-party provider",
  webauthn: "with a passkey",
};

/** "with email and password", "with email and password or through a third-party provider (google)". */
export function describeLoginMethods(user: SdkUser): string {
  const words = new Set<string>();
  for (const m of user.loginMethods) {
    const base = METHOD_WORDS[m.recipeId] ?? `with ${m.recipeId}`;
    words.add(m.recipeId === "thirdparty" && m.thirdParty ? `${base} (${m.thirdParty.id})` : base);
  }
  return words.size ? [...words].join(" or ") : "with no sign-in method";
}

export function inviteRecordOf(metadata: JsonObject, key: string): InviteRecord | undefined {
  const value = metadata[key];
  if (typeof value !== "object" || value === null || Array.isArray(value)) return undefined;
  const v = value as Record<string, unknown>;
  return {
    invitedAt: typeof v.invitedAt === "number" ? v.invitedAt : 0,
    invitedBy: typeof v.invitedBy === "string" ? v.invitedBy : "",
    ...(typeof v.acceptedAt === "number" ? { acceptedAt: v.acceptedAt } : {}),
  };
}
