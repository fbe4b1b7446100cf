/**
 * Seed 02's allow-list guard: existing Passwordless users of the tenant always get a code; a new
 * email or phone gets one only when it is on the tenant's allow-list. Anyone else gets
 * `GENERAL_ERROR` "Sign up disabled. Please contact the admin." Removing an entry therefore never
 * locks out someone who already signed up.
 */
import type { DataContract } from "./data-contract.ts";
import { isAllowed } from "./allow-list.ts";
import { contactOf, findPasswordlessUser } from "./contact.ts";
import { signUpDisabled } from "./messages.ts";
import { extendAPIs, type PasswordlessAPIOverride } from "./types.ts";

export interface AllowListGuardOptions {
  /** Where the lists live; default the seeds' keys. */
  contract?: DataContract;
}

export function allowListGuard(options: AllowListGuardOptions = {}): PasswordlessAPIOverride {
  return (original) => {
    const createCodePOST = original.createCodePOST?.bind(original);
    if (createCodePOST === undefined) return original;
    return extendAPIs(original, {
      createCodePOST: async (input) => {
        const { tenantId, userContext } = input;
        const contact = contactOf(input);
        if ((await findPasswordlessUser(tenantId, contact, userContext)) === undefined) {
          const listOptions = { tenantId, userContext, ...(options.contract ? { contract: options.contract } : {}) };
          const allowed = "email" in contact ? await isAllowed("email", contact.email, listOptions) : await isAllowed("phone", contact.phoneNumber, listOptions);
          if (!allowed) return signUpDisabled();
        }
        return createCodePOST(input);
      },
    });
  };
}
