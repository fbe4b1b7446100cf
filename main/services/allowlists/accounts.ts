/**
 * Which allow-list entries already belong to an account in the tenant: one
 * listUsersByAccountInfo per distinct entry, a bounded number in flight (about a second for a
 * thousand entries on a local core), each answer kept for the rest of the request.
 */
import supertokens from "supertokens-node";
import type { AllowListKind } from "../../../shared/contract/operations/allowlists.ts";
import type { CoreClient } from "../../core/core-client.ts";
import { mapLimit } from "../concurrency.ts";

export interface Account {
  userId: string;
  passwordless: boolean;
}

export const ACCOUNT_LOOKUP_CONCURRENCY = 16;

export async function accountsFor(core: CoreClient, tenantId: string, kind: AllowListKind, values: Iterable<string>): Promise<Map<string, Account | null>> {
  const distinct = [...new Set(values)];
  const found = await core.sdk(() =>
    mapLimit(distinct, ACCOUNT_LOOKUP_CONCURRENCY, async (value): Promise<Account | null> => {
      const users = await supertokens.listUsersByAccountInfo(tenantId, kind === "email" ? { email: value } : { phoneNumber: value });
      if (users.length === 0) return null;
      const matches = (lm: (typeof users)[number]["loginMethods"][number]) => (kind === "email" ? lm.hasSameEmailAs(value) : lm.hasSamePhoneNumberAs(value));
      // The seed's guard lets an existing Passwordless user through whatever the list says.
      const pless = users.find((u) => u.loginMethods.some((lm) => lm.recipeId === "passwordless" && matches(lm)));
      const user = pless ?? users[0];
      return user ? { userId: user.id, passwordless: pless !== undefined } : null;
    }),
  );
  return new Map(distinct.map((v, i) => [v, found[i] ?? null]));
}
