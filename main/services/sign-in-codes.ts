/**
 * Outstanding Passwordless codes (magic links, OTPs) are kept by the Core per contact, not per
 * user: deleting a user leaves them working, and opening one signs a new user up. Whatever
 * removes someone (an invite revoked, a user deleted) kills their codes first.
 */
import type supertokens from "supertokens-node";
import Passwordless from "supertokens-node/recipe/passwordless";
import type { CoreClient } from "../core/core-client.ts";
import type { Contact } from "./invites/normalize.ts";

type SdkUser = NonNullable<Awaited<ReturnType<typeof supertokens.getUser>>>;

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
