/**
 * What an app's admin does with supertokens-node and the backend kit, as a one-shot command for the
 * demo-app e2e tests (supertokens-node is a process-wide singleton, and Playwright workers may run
 * the console's tests afterwards, so the test worker itself never initialises it):
 *
 *   tsx kit-admin.ts <coreUrl> make-admin <email>            → {"userId","accessToken"}
 *   tsx kit-admin.ts <coreUrl> allow-add <email|phone> <v>   → {"changed"}
 *   tsx kit-admin.ts <coreUrl> allow-remove <email|phone> <v>→ {"changed"}
 *   tsx kit-admin.ts <coreUrl> invite-record <userId>        → the invite record or null
 */
import supertokens from "supertokens-node";
import Passwordless from "supertokens-node/recipe/passwordless";
import Session from "supertokens-node/recipe/session";
import UserMetadata from "supertokens-node/recipe/usermetadata";
import UserRoles from "supertokens-node/recipe/userroles";
import { addToAllowList, readInviteRecord, removeFromAllowList, type AllowListKind } from "../../../backend-kit/index.ts";
import { DEFAULT_DATA_CONTRACT } from "../../../shared/data-contract.ts";

const [coreUrl, command, ...args] = process.argv.slice(2);
if (!coreUrl || !command) throw new Error("usage: kit-admin.ts <coreUrl> <command> …");

supertokens.init({
  framework: "custom",
  supertokens: { connectionURI: coreUrl },
  appInfo: { appName: "kit-admin", apiDomain: "http://127.0.0.1", websiteDomain: "http://127.0.0.1" },
  recipeList: [Session.init(), Passwordless.init({ contactMethod: "EMAIL_OR_PHONE", flowType: "USER_INPUT_CODE_AND_MAGIC_LINK" }), UserMetadata.init(), UserRoles.init()],
});

function kind(value: string | undefined): AllowListKind {
  if (value !== "email" && value !== "phone") throw new Error(`kind must be email or phone, not ${value}`);
  return value;
}

async function run(): Promise<unknown> {
  switch (command) {
    case "make-admin": {
      const email = args[0]!;
      const { user, recipeUserId } = await Passwordless.signInUp({ tenantId: "public", email });
      await UserRoles.createNewRoleOrAddPermissions(DEFAULT_DATA_CONTRACT.inviterRole, []);
      await UserRoles.addRoleToUser("public", user.id, DEFAULT_DATA_CONTRACT.inviterRole);
      const session = await Session.createNewSessionWithoutRequestResponse("public", recipeUserId);
      return { userId: user.id, accessToken: session.getAccessToken() };
    }
    case "allow-add":
      return { changed: await addToAllowList(kind(args[0]), args[1]!) };
    case "allow-remove":
      return { changed: await removeFromAllowList(kind(args[0]), args[1]!) };
    case "invite-record":
      return (await readInviteRecord(args[0]!)) ?? null;
    default:
      throw new Error(`unknown command ${command}`);
  }
}

process.stdout.write(JSON.stringify(await run()) + "\n");
