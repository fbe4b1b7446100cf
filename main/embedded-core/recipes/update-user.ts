/**
 * PUT /recipe/user is shared by EmailPassword and Passwordless. As in the Core, the `rid` header
 * picks the recipe: "passwordless" goes to Passwordless, anything else (or none) to EmailPassword;
 * a user of the other recipe is then an unknown user.
 */
import type { Accounts } from "../accounts/accounts.ts";
import type { Route } from "../context.ts";
import { updateEmailPasswordUser } from "./emailpassword.ts";
import { updatePasswordlessUser } from "./passwordless.ts";

export function updateUserRoute(accounts: Accounts, retireDevices: (email: string | null, phone: string | null) => void): Route {
  return {
    method: "PUT",
    path: "/recipe/user",
    scope: "app",
    handler: ({ body, rid }) => {
      const row = accounts.resolve(body.string("recipeUserId"))?.row;
      if (rid === "passwordless") return updatePasswordlessUser(accounts, row, body, retireDevices);
      return updateEmailPasswordUser(accounts, row, body);
    },
  };
}
