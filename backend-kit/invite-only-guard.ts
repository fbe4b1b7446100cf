/**
 * Seed 01's invite-only guard: `createCodePOST` sends a code only to people who already have a
 * Passwordless account in the tenant (an admin created it when inviting them). Anyone else gets
 * `GENERAL_ERROR` "Sign up disabled. Please contact the admin."
 */
import { contactOf, findPasswordlessUser } from "./contact.ts";
import { signUpDisabled } from "./messages.ts";
import { extendAPIs, type PasswordlessAPIOverride } from "./types.ts";

export const inviteOnlyGuard: PasswordlessAPIOverride = (original) => {
  const createCodePOST = original.createCodePOST?.bind(original);
  if (createCodePOST === undefined) return original; // the API is disabled: nothing to guard
  return extendAPIs(original, {
    createCodePOST: async (input) => {
      const existing = await findPasswordlessUser(input.tenantId, contactOf(input), input.userContext);
      if (existing === undefined) return signUpDisabled();
      return createCodePOST(input);
    },
  });
};
