/**
 * An app backend for the second-factor tests: EmailPassword as the first factor, Passwordless
 * (phone, OTP) as the second with the kit's overrides, the kit's Session override, a route that
 * needs 2FA (GET /protected), and the SMS captured into an outbox. One per test file (process).
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import supertokens from "supertokens-node";
import EmailPassword from "supertokens-node/recipe/emailpassword";
import Passwordless from "supertokens-node/recipe/passwordless";
import Session from "supertokens-node/recipe/session";
import UserMetadata from "supertokens-node/recipe/usermetadata";
import {
  handleSuperTokensError,
  handleSuperTokensRoute,
  requireSecondFactor,
  secondFactorApis,
  secondFactorSession,
  sendCollected,
  sendJson,
  toExchange,
} from "../../backend-kit/index.ts";
import { startEmbeddedCore } from "../../main/embedded-core/index.ts";
import type { KitApp } from "./app.ts";

export async function startSecondFactorApp(): Promise<KitApp> {
  const core = await startEmbeddedCore();
  const outbox: KitApp["outbox"] = [];
  const server: Server = createServer((req, res) => {
    void (async () => {
      const exchange = await toExchange(req);
      if (!(await handleSuperTokensRoute(exchange))) {
        if (exchange.path === "/protected" && exchange.method === "get") {
          try {
            const session = await requireSecondFactor(exchange);
            sendJson(exchange, 200, { userId: session.getUserId(), payload: session.getAccessTokenPayload() });
          } catch (err) {
            if (!(await handleSuperTokensError(err, exchange))) throw err;
          }
        } else sendJson(exchange, 404, { message: "not found" });
      }
      sendCollected(res, exchange.response);
    })().catch((err: unknown) => {
      res.statusCode = 500;
      res.end(JSON.stringify({ error: err instanceof Error ? err.stack : String(err) }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
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
