/**
 * The one supertokens-node instance of the main process. It is initialised once with a
 * placeholder Core; the network interceptor adds the API key of the profile the current call is
 * for, and the fetch guard sends the call there. The console sends its own mail, so the SDK's
 * email and SMS delivery do nothing.
 */
import supertokens from "supertokens-node";
import EmailPassword from "supertokens-node/recipe/emailpassword";
import EmailVerification from "supertokens-node/recipe/emailverification";
import Multitenancy from "supertokens-node/recipe/multitenancy";
import Passwordless from "supertokens-node/recipe/passwordless";
import Session from "supertokens-node/recipe/session";
import UserMetadata from "supertokens-node/recipe/usermetadata";
import UserRoles from "supertokens-node/recipe/userroles";
import { coreCallContext } from "./call-context.ts";
import { PLACEHOLDER_CORE, installFetchGuard } from "./fetch-guard.ts";

let initialised = false;

const silent = { sendEmail: async () => {} };
const silentSms = { sendSms: async () => {} };

export function initSdkOnce(): void {
  if (initialised) return;
  initialised = true;
  installFetchGuard();
  supertokens.init({
    framework: "custom",
    supertokens: {
      connectionURI: PLACEHOLDER_CORE,
      disableCoreCallCache: true,
      networkInterceptor: (request) => {
        const target = coreCallContext.getStore();
        if (!target) throw new Error("a Core call was made outside a connection context");
        const headers: Record<string, string> = { ...(request.headers as Record<string, string>) };
        delete headers["api-key"];
        if (target.apiKey) headers["api-key"] = target.apiKey;
        return { ...request, headers };
      },
    },
    appInfo: { appName: "Gatehouse", apiDomain: "http://localhost", websiteDomain: "http://localhost", apiBasePath: "/auth" },
    recipeList: [
      Session.init(),
      Passwordless.init({
        contactMethod: "EMAIL_OR_PHONE",
        flowType: "USER_INPUT_CODE_AND_MAGIC_LINK",
        emailDelivery: { override: () => silent },
        smsDelivery: { override: () => silentSms },
      }),
      EmailPassword.init({ emailDelivery: { override: () => silent } }),
      EmailVerification.init({ mode: "OPTIONAL", emailDelivery: { override: () => silent } }),
      UserMetadata.init(),
      UserRoles.init({ skipAddingRolesToAccessToken: true, skipAddingPermissionsToAccessToken: true }),
      Multitenancy.init(),
    ],
  });
}
