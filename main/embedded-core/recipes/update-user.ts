/**
 * PUT /recipe/user is shared by EmailPassword and Passwordless. As in the Core (RecipeRouter), the
 * `rid` header picks the recipe: "passwordless" goes to Passwordless, "thirdparty" to an API
 * without PUT (405), anything else (or none) to EmailPassword; a user of the other recipe is then an unknown user. Both API classes read the
 * whole input, then look the app up and refuse a tenant prefix, then look the user up.
 */
import type { Accounts } from "../accounts/accounts.ts";
import type { CoreRequest, Route } from "../context.ts";
import { CoreHttpError, badRequest } from "../http/errors.ts";
import { updateEmailPasswordUser } from "./emailpassword.ts";
import { readPasswordlessUpdate, updatePasswordlessUser, type RetireDevices } from "./passwordless.ts";

/** Before CDI 4.0 the user is named by "userId". */
const userIdField = (req: CoreRequest): string => (Number(req.cdiVersion.split(".")[0]) < 4 ? "userId" : "recipeUserId");

export function updateUserRoute(accounts: Accounts, retireDevices: RetireDevices): Route {
  return {
    method: "PUT",
    path: "/recipe/user",
    scope: "app",
    checksInHandler: true,
    handler: (req) => {
      const { body, rid } = req;
      // The ThirdParty UserAPI has no PUT.
      if (rid === "thirdparty") throw new CoreHttpError(405, "Method not supported");
      const userId = body.string(userIdField(req));
      const checkApp = (): void => {
        req.app();
        req.appStorages();
      };
      if (rid === "passwordless") {
        const update = readPasswordlessUpdate(body);
        checkApp();
        return updatePasswordlessUser(accounts, accounts.resolve(userId)?.row, update, retireDevices);
      }
      // EmailPassword UserAPI.doPut's input checks (updateEmailPasswordUser makes them again, to the same effect).
      if (body.optString("email") === undefined && body.optString("password") === undefined) {
        throw badRequest("You have to provide either email or password.");
      }
      checkApp();
      return updateEmailPasswordUser(accounts, accounts.resolve(userId)?.row, body);
    },
  };
}
