// An app team's backend in plain JavaScript (no TypeScript, no tsx), using the backend kit as
// installed from its npm tarball: tests/backend-kit/package.test.ts copies this file into a fresh
// app outside the repo, installs the packed kit and supertokens-node there, and runs it.
//
//   node server.mjs <coreUrl>   prints `app: <url>` and `kit: <resolved kit entry>` once ready
//
// Routes besides the SDK's own (/auth/*): POST /setup/invite { email } invites with the kit's
// inviteUser (an app would put createInviteHandler's admin check in front); GET /outbox lists the
// codes the SDK sent (a test's stand-in for mail).
import supertokens from "supertokens-node";
import Passwordless from "supertokens-node/recipe/passwordless";
import Session from "supertokens-node/recipe/session";
import UserMetadata from "supertokens-node/recipe/usermetadata";
import { composeOverrides, inviteOnlyGuard, inviteUser, recordInviteAcceptance, sendJson, serveWithSuperTokens } from "@gatehouse/backend-kit";

const coreUrl = process.argv[2];
if (!coreUrl) throw new Error("usage: node server.mjs <coreUrl>");

const outbox = [];

const { url } = await serveWithSuperTokens(async (exchange) => {
  if (exchange.method === "post" && exchange.path === "/setup/invite") {
    const { email } = await exchange.request.getJSONBody();
    const invited = await inviteUser({ tenantId: "public", contact: { email }, invitedBy: "packed-app" });
    sendJson(exchange, 200, { userId: invited.userId, createdNewUser: invited.createdNewUser });
  } else if (exchange.method === "get" && exchange.path === "/outbox") {
    sendJson(exchange, 200, outbox);
  } else {
    sendJson(exchange, 404, { message: "not found" });
  }
});

supertokens.init({
  framework: "custom",
  supertokens: { connectionURI: coreUrl },
  appInfo: { appName: "Packed kit app", apiDomain: url, websiteDomain: "http://127.0.0.1:3000" },
  recipeList: [
    Session.init(),
    Passwordless.init({
      contactMethod: "EMAIL",
      flowType: "USER_INPUT_CODE",
      override: { apis: composeOverrides(inviteOnlyGuard, recordInviteAcceptance()) },
      emailDelivery: {
        override: () => ({
          sendEmail: async (input) => {
            outbox.push({ to: input.email, userInputCode: input.userInputCode });
          },
        }),
      },
    }),
    UserMetadata.init(),
  ],
});

console.log(`kit: ${import.meta.resolve("@gatehouse/backend-kit")}`);
console.log(`app: ${url}`);
