/**
 * The demo app's migration mode (seed 04): the recipes (EmailPassword with the backend kit's
 * just-in-time migration from LegacyAuth, EmailVerification, UserMetadata) and GET /api/me.
 */
import supertokens from "supertokens-node";
import EmailPassword from "supertokens-node/recipe/emailpassword";
import EmailVerification from "supertokens-node/recipe/emailverification";
import Session from "supertokens-node/recipe/session";
import UserMetadata from "supertokens-node/recipe/usermetadata";
import { handleSuperTokensError, httpLegacyProvider, legacyMigration, sendJson, type DataContract, type Exchange } from "@gatehouse/backend-kit";
import type { Outbox } from "./outbox.ts";

export interface MigrationModeOptions {
  legacy: { url: string; token: string };
  contract: DataContract;
  outbox: Outbox;
}

export function migrationRecipes({ legacy, contract, outbox }: MigrationModeOptions) {
  const migration = legacyMigration({
    provider: httpLegacyProvider({ url: legacy.url, token: legacy.token }),
    contract,
    onError: (err) => console.error(`demo-app: legacy migration: ${err.message}`),
  });
  return [
    Session.init(),
    EmailPassword.init({
      override: migration.override,
      emailDelivery: {
        override: () => ({
          sendEmail: async ({ user, passwordResetLink }) => {
            const text =
              "Someone asked to set a new password for your account at the Gatehouse demo app.\n\n" +
              `Set it with this link (it expires in an hour):\n${passwordResetLink}\n\n` +
              "If that was not you, ignore this mail: your password stays as it is.\n";
            await outbox.send({ channel: "email", to: user.email, subject: "Set a new password for the Gatehouse demo app", text, link: passwordResetLink });
          },
        }),
      },
    }),
    // OPTIONAL: the migration copies the legacy verification; the demo never requires it.
    EmailVerification.init({ mode: "OPTIONAL" }),
    UserMetadata.init(),
  ];
}

/** The signed-in user: id (the legacy id once migrated), email, verified, and the imported name. */
export async function migrationMe(exchange: Exchange): Promise<void> {
  try {
    const session = await Session.getSession(exchange.request, exchange.response);
    const userId = session.getUserId();
    const [user, { metadata }] = await Promise.all([supertokens.getUser(userId), UserMetadata.getUserMetadata(userId)]);
    const profile = (metadata as { profile?: { name?: unknown } }).profile;
    sendJson(exchange, 200, {
      userId,
      emails: user?.emails ?? [],
      emailVerified: user?.loginMethods.some((m) => m.verified) ?? false,
      name: typeof profile?.name === "string" ? profile.name : null,
    });
  } catch (err) {
    if (await handleSuperTokensError(err, exchange)) return;
    throw err;
  }
}
