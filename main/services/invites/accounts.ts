/**
 * What an invite needs to know of an account on the Core: whether it signs in with a
 * Passwordless link for a contact (only then does a sign-in link reach it rather than create a
 * second account), its invite record, and the contacts whose sign-in codes a revoke must kill.
 */
import type supertokens from "supertokens-node";
import Passwordless from "supertokens-node/recipe/passwordless";
import type { JsonObject } from "../../../shared/contract/schemas.ts";
import type { InviteRecord } from "../../../shared/data-contract.ts";
import type { CoreClient } from "../../core/core-client.ts";
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

/** Every contact a sign-in code may have been made for: the invitee's Passwordless logins and the invite's own contact. */
export function signInContacts(user: SdkUser | undefined, invite: { email: string | null; phone_number: string | null } | undefined): Contact[] {
  const out = new Map<string, Contact>();
  if (invite?.email) out.set(invite.email, { email: invite.email });
  if (invite?.phone_number) out.set(invite.phone_number, { phoneNumber: invite.phone_number });
  for (const m of user?.loginMethods ?? []) {
    if (m.recipeId !== "passwordless") continue;
    if (m.email) out.set(m.email, { email: m.email });
    if (m.phoneNumber) out.set(m.phoneNumber, { phoneNumber: m.phoneNumber });
  }
  if (out.size === 0 && user) {
    const [email] = user.emails;
    const [phoneNumber] = user.phoneNumbers;
    if (email) out.set(email, { email });
    else if (phoneNumber) out.set(phoneNumber, { phoneNumber });
  }
  return [...out.values()];
}

/** Kills every outstanding sign-in code (magic link or OTP) of these contacts in these tenants. */
export async function revokeSignInCodes(core: CoreClient, contacts: readonly Contact[], tenantIds: readonly string[]): Promise<void> {
  await core.sdk(() => Promise.all(contacts.flatMap((contact) => tenantIds.map((tenantId) => Passwordless.revokeAllCodes({ ...contact, tenantId })))));
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
