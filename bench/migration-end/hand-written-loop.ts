/**
 * The baseline of bench/migration-end/end-of-migration.ts: the end of the migration as a developer
 * writes it by hand with supertokens-node — per legacy user, EmailPassword.signUp with a random
 * password, createUserIdMapping to the legacy id, updateUserMetadata (the user's data, the
 * migration record, the temporary-password flag), the email verification when the roster says
 * verified (the job does it too: the same end state), and createResetPasswordToken, the link kept
 * in memory as its "outbox" — at a fixed concurrency, in a process of its own with the SDK's own
 * fetch. Run with CORE_URL, COUNT, CONCURRENCY and OFFSET (the first roster user of this round);
 * prints {"perSecond", "seconds", "cpuSeconds"} as its last line.
 */
import { randomBytes } from "node:crypto";
import supertokens from "supertokens-node";
import EmailPassword from "supertokens-node/recipe/emailpassword";
import EmailVerification from "supertokens-node/recipe/emailverification";
import Session from "supertokens-node/recipe/session";
import UserMetadata from "supertokens-node/recipe/usermetadata";
import { throughput } from "../measure.ts";
import { benchRoster } from "./roster.ts";

async function main(): Promise<void> {
  const url = process.env.CORE_URL;
  const count = Number(process.env.COUNT);
  const concurrency = Number(process.env.CONCURRENCY);
  if (!url || !(count > 0) || !(concurrency > 0)) throw new Error("set CORE_URL, COUNT and CONCURRENCY");
  supertokens.init({
    framework: "custom",
    supertokens: { connectionURI: url },
    appInfo: { appName: "gatehouse-bench", apiDomain: "http://localhost:3001", websiteDomain: "http://localhost:3000" },
    recipeList: [Session.init(), EmailPassword.init(), EmailVerification.init({ mode: "OPTIONAL" }), UserMetadata.init()],
  });
  const offset = Number(process.env.OFFSET ?? 0);
  const roster = benchRoster(offset + count).slice(offset);
  const outbox: string[] = [];
  const cpu = process.cpuUsage();
  const started = performance.now();
  const perSecond = await throughput(count, concurrency, async (i) => {
    const u = roster[i]!;
    const signUp = await EmailPassword.signUp("public", u.email, `${randomBytes(24).toString("base64url")}a1`);
    if (signUp.status !== "OK") throw new Error(`${u.email}: ${signUp.status}`);
    const mapped = await supertokens.createUserIdMapping({ superTokensUserId: signUp.recipeUserId.getAsString(), externalUserId: u.legacyId });
    if (mapped.status !== "OK") throw new Error(`${u.legacyId}: ${mapped.status}`);
    await UserMetadata.updateUserMetadata(u.legacyId, {
      ...u.data,
      gatehouseMigration: { legacyId: u.legacyId, provider: "LegacyAuth", via: "bulk", migratedAt: Date.now() },
      isUsingTemporaryPassword: true,
    });
    if (u.emailVerified) {
      const token = await EmailVerification.createEmailVerificationToken("public", supertokens.convertToRecipeUserId(u.legacyId), u.email);
      if (token.status === "OK") await EmailVerification.verifyEmailUsingToken("public", token.token, false);
    }
    const reset = await EmailPassword.createResetPasswordToken("public", u.legacyId, u.email);
    if (reset.status !== "OK") throw new Error(`${u.legacyId}: ${reset.status}`);
    outbox.push(`http://localhost:3000/auth/reset-password?token=${reset.token}&tenantId=public`);
  });
  const used = process.cpuUsage(cpu);
  if (outbox.length !== count) throw new Error(`${outbox.length} links for ${count} users`);
  console.log(JSON.stringify({ perSecond, seconds: (performance.now() - started) / 1000, cpuSeconds: (used.user + used.system) / 1e6 }));
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err instanceof Error ? (err.stack ?? err.message) : err);
    process.exit(1);
  },
);
