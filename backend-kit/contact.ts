/**
 * Who is signing in: the email or phone number a Passwordless API call carries, and the lookup
 * of an existing Passwordless user for it in a tenant.
 */
import supertokens from "supertokens-node";
import type { User } from "supertokens-node";

/** An email or phone number, as the Passwordless recipe passes it (phones in E.164). */
export type Contact = { email: string } | { phoneNumber: string };

/** The contact of a `createCodePOST` (or `signInUp`) input. */
export function contactOf(input: Contact): Contact {
  return "email" in input ? { email: input.email } : { phoneNumber: input.phoneNumber };
}

/**
 * The user that already has a Passwordless login method with this email or phone in the tenant,
 * if any (the seeds' test for "this is a sign-in, not a sign-up"). Users who only have another
 * login method with the same email (EmailPassword, say) do not count, as in the seeds.
 */
export async function findPasswordlessUser(tenantId: string, contact: Contact, userContext?: Record<string, unknown>): Promise<User | undefined> {
  const users = await supertokens.listUsersByAccountInfo(tenantId, contact, false, userContext);
  return users.find((user) =>
    user.loginMethods.some(
      (lm) => lm.recipeId === "passwordless" && ("email" in contact ? lm.hasSameEmailAs(contact.email) : lm.hasSamePhoneNumberAs(contact.phoneNumber)),
    ),
  );
}
