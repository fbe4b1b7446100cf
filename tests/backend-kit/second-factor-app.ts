/**
 * An app backend for the second-factor tests: EmailPassword as the first factor, Passwordless
 * (phone, OTP) as the second with the kit's overrides, the kit's Session override, a route that
 * needs 2FA (GET /protected), and the SMS captured into an outbox. One per test file (process).
 */
import supertokens from "supertokens-node";
import EmailPassword from "supertokens-node/recipe/emailpassword";
import Passwordless from "supertokens-node/recipe/passwordless";
import Session from "supertokens-node/recipe/session";
import UserMetadata from "supertokens-node/recipe/usermetadata";
import {
  requireSecondFactor,
  secondFactorApis,
  secondFactorSession,
  sendJson,
  serveWithSuperTokens,
} from "../../backend-kit/index.ts";
import { startEmbeddedCore } from "../../main/embedded-core/index.ts";
import type { KitApp } from "./app.ts";

export async function startSecondFactorApp(): Promise<KitApp> {
  const core = await startEmbeddedCore();
  const outbox: KitApp["outbox"] = [];
  const { server, url } = await serveWithSuperTokens(async (exchange) => {
    if (exchange.path === "/protected" && exchange.method === "get") {
      const session = await requireSecondFactor(exchange); // no session → 401, no 2FA → 403
      sendJson(exchange, 200, { userId: session.getUserId(), payload: session.getAccessTokenPayload() });
    } else sendJson(exchange, 404, { message: "not found" });
  });
  supertokens.init({
    framework: "custom",
    supertokens: { connectionURI: core.url },
    appInfo: { appName: "kit-2fa-tests", apiDomain: url, websiteDomain: "http://127.0.0.1:3000" },
    recipeList: [
      Session.init({ override: { functions: secondFactorSession() } }),
      EmailPassword.init(),
      Passwordless.init({
        contactMethod: "PHONE",
        flowType: "USER_INPUT_CODE",
        override: { apis: secondFactorApis() },
        smsDelivery: {
          override: () => ({
            sendSms: async (input) => {
              outbox.push({ to: input.phoneNumber, userInputCode: input.userInputCode, urlWithLinkCode: input.urlWithLinkCode });
            },
          }),
        },
      }),
      UserMetadata.init(),
    ],
  });
  return {
    url,
    core,
    outbox,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await core.close();
    },
  };
}
