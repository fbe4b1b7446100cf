/**
 * The end of the migration on the supertokens-node path, through Gatehouse's operations against a
 * real embedded core (its own, on SQLite, with no bulk import chosen): the dry run counts and
 * explains, the job creates each roster user once with mapping, flag, verification and data, the
 * reset links land in the outbox and the Core takes them, conflicts are skipped with why, and the
 * result file holds no password or hash.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmbeddedCore, type RunningEmbeddedCore } from "../../../../main/embedded-core/index.ts";
import type { RosterEntry } from "../../../../main/migration/roster/types.ts";
import { directCore, profileInput, startTestGatehouse, type TestGatehouse } from "../../helpers/gatehouse.ts";
import { jobWhere } from "../../jobs/helpers.ts";
import EmailPassword from "supertokens-node/recipe/emailpassword";
import { arrayRoster, expectMigratedOnce, legacyUsers, onCore, resetTokenWorks, resultRows } from "./support.ts";

let core: RunningEmbeddedCore;
let t: TestGatehouse;
const HASH = "$2b$04$ElpOtBqvQaGy/XazKetrY.FBQDEPlHLg/v1QpzVy1Yl09KBAtQsam"; // bcrypt of "Legacy-7" (cost 4: a quick test)
const users: RosterEntry[] = [
  ...legacyUsers("sdk", 12),
  ...legacyUsers("hash", 2, () => ({ passwordHash: HASH, hashAlgorithm: "bcrypt" })),
  ...legacyUsers("taken", 1),
  ...legacyUsers("index-conflict", 1),
];
const roster = arrayRoster(users, { "index-conflict-0000": "a mapping to a missing legacy id" });

beforeAll(async () => {
  core = await startEmbeddedCore({});
  t = await startTestGatehouse({ migrationEnd: { roster } });
  const profile = await t.client.invoke("profiles.create", profileInput("End core", [core.url]));
  await t.client.invoke("profiles.switch", { id: profile.id });
  // Someone signed up with a roster email without being migrated: a conflict the dry run finds on the Core.
  await directCore(core.url).sdk(() => EmailPassword.signUp("public", "taken.0000@legacy.example.com", "Someone-else-1"));
});

afterAll(async () => {
  await t?.close();
  await core?.close();
});

describe("the end of the migration with supertokens-node calls", () => {
  let jobId = "";

  it("plans first: the accounts to create, those keeping their password, and the conflicts with why", async () => {
    const plan = await t.client.invoke("migrationEnd.plan", { path: "sdk", provider: "LegacyAuth" });
    expect(plan.path).toBe("sdk");
    expect(plan.counts).toEqual({ accounts: 14, keepPassword: 2, resetLinks: 12, conflicts: 2, alreadyMigrated: 0 });
    const job = plan.job;
    if (!job) throw new Error("no job");
    jobId = job.id;
    expect(job).toMatchObject({ state: "draft", kind: "migration.end", valid: 14, total: 16 });
    const skipped = plan.items.filter((i) => i.state === "skipped");
    expect(skipped.map((i) => [i.input.legacyId, i.error])).toEqual(
      expect.arrayContaining([
        ["taken-0000", expect.stringMatching(/^conflict: an account with this email \(user [^,]+, emailpassword\) is not mapped to taken-0000$/)],
        ["index-conflict-0000", "conflict: a mapping to a missing legacy id"],
      ]),
    );
    // Items never carry a password or hash.
    expect(JSON.stringify(plan.items)).not.toContain(HASH);
    const status = await t.client.invoke("migrationEnd.status", {});
    expect(status).toMatchObject({ path: "sdk", phase: "planned", job: { id: jobId } });
  });

  it("creates each account once with mapping, flag, data and verification, and puts a working reset link in the outbox", async () => {
    await t.client.invoke("jobs.start", { jobId });
    const done = await jobWhere(t.client, jobId, (j) => j.state === "completed", "the job to complete", 60_000);
    expect(done).toMatchObject({ done: 14, failed: 0, skipped: 2 });
    for (const u of users.filter((u) => u.legacyId.startsWith("sdk") || u.legacyId.startsWith("hash"))) await expectMigratedOnce(core.url, u, "LegacyAuth");
    // The one that was taken keeps its own account, untouched.
    const taken = await onCore(core.url, { legacyId: "taken-0000", email: "taken.0000@legacy.example.com", tenantId: "public" });
    expect(taken.users).toHaveLength(1);
    expect(taken.mapping.status).toBe("UNKNOWN_MAPPING_ERROR");

    const outbox = await t.client.invoke("invites.outbox.list", { limit: 100 });
    const resets = outbox.entries.filter((e) => e.link?.includes("/reset-password?token="));
    expect(resets.map((e) => e.to).sort()).toEqual(users.filter((u) => u.legacyId.startsWith("sdk")).map((u) => u.email).sort());
    expect(resets.every((e) => e.subject === "Set a new password for http://localhost:3000" && e.text.includes(e.link ?? "!"))).toBe(true);
    const status = await t.client.invoke("migrationEnd.status", { jobId });
    expect(status).toMatchObject({ phase: "finished", links: { sent: 0, outbox: 12 } });

    const result = await t.client.invoke("jobs.result", { jobId });
    expect(result.content).not.toContain(HASH);
    const rows = resultRows(result.content);
    const first = rows.find((r) => r.legacyId === "sdk-0000");
    expect(first).toMatchObject({ state: "done", outcome: "account created; reset link in the outbox", userId: "sdk-0000", delivery: "outbox" });
    expect(rows.find((r) => r.legacyId === "hash-0000")).toMatchObject({ state: "done", outcome: "account created; keeps the legacy password (no reset link)", link: "" });
    // The link works on the Core, for that user.
    expect(await resetTokenWorks(core.url, first?.link ?? "", "sdk.0000@legacy.example.com")).toBe(true);
  });

  it("keeps the legacy password of a user whose hash the roster had", async () => {
    const signIn = await directCore(core.url).sdk(() => EmailPassword.signIn("public", "hash.0000@legacy.example.com", "Legacy-7"));
    expect(signIn.status).toBe("OK");
  });
});
