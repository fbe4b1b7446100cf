/**
 * supertokens-node is a process-wide singleton: each test file (Vitest runs files in separate
 * processes) calls initSdk once with the core it started.
 */
import supertokens from "supertokens-node";
import Session from "supertokens-node/recipe/session";
import Passwordless from "supertokens-node/recipe/passwordless";
import EmailPassword from "supertokens-node/recipe/emailpassword";
import EmailVerification from "supertokens-node/recipe/emailverification";
import UserMetadata from "supertokens-node/recipe/usermetadata";
import UserRoles from "supertokens-node/recipe/userroles";
import Multitenancy from "supertokens-node/recipe/multitenancy";

export function initSdk(connectionURI: string, apiKey?: string): void {
  supertokens.init({
    framework: "custom",
    supertokens: { connectionURI, ...(apiKey ? { apiKey } : {}) },
    appInfo: { appName: "gatehouse-tests", apiDomain: "http://localhost:3001", websiteDomain: "http://localhost:3000" },
    recipeList: [
      Session.init(),
      Passwordless.init({ contactMethod: "EMAIL_OR_PHONE", flowType: "USER_INPUT_CODE_AND_MAGIC_LINK" }),
      EmailPassword.init(),
      EmailVerification.init({ mode: "OPTIONAL" }),
      UserMetadata.init(),
      UserRoles.init(),
      Multitenancy.init(),
    ],
  });
}
