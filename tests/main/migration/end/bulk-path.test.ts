/**
 * The end of the migration through the Core's bulk import, against the embedded core serving it
 * as Core 11.4.7 on PostgreSQL does (its background task here runs only when the test says, as a
 * real Core's runs every 5 minutes): the plan picks the path, the job stages the users and shows
 * the Core's own processing state while they wait, follows the import, maps the Core's per-user
 * refusals back to rows, then sends the reset links. Checked on the Core with raw CDI calls.
 */
import EmailPassword from "supertokens-node/recipe/emailpassword";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmbeddedCore, type RunningEmbeddedCore } from "../../../../main/embedded-core/index.ts";
import type { RosterEntry } from "../../../../main/migration/roster/types.ts";
import { directCore, profileInput, startTestGatehouse, type TestGatehouse } from "../../helpers/gatehouse.ts";
import { jobWhere, waitFor } from "../../jobs/helpers.ts";
import { arrayRoster, cdi, expectMigratedOnce, legacyUsers, onCore, resetTokenWorks, resultRows } from "./support.ts";

let core: RunningEmbeddedCore;
let t: TestGatehouse;
const HASH = "$2b$04$ElpOtBqvQaGy/XazKetrY.FBQDEPlHLg/v1QpzVy1Yl09KBAtQsam"; // bcrypt of "Legacy-7"
const users: RosterEntry[] = [
  ...legacyUsers("bulk", 30),
  ...legacyUsers("bhash", 2, () => ({ passwordHash: HASH, hashAlgorithm: "bcrypt" })),
  // The Core refuses this one at staging (its batch is refused whole, naming it): the rest go again without it.
  ...legacyUsers("badhash", 1, () => ({ passwordHash: "not-a-bcrypt-hash", hashAlgorithm: "bcrypt" })),
  // Someone signs up with this email after the dry run: the Core's import fails it.
  ...legacyUsers("late", 1),
];

beforeAll(async () => {
  core = await startEmbeddedCore({ bulkImportIntervalMs: 0 });
  t = await startTestGatehouse({ migrationEnd: { roster: arrayRoster(users), bulk: { pollMs: 20, maxPollMs: 100 } } });
  const profile = await t.client.invoke("profiles.create", profileInput("Bulk core", [core.url]));
  await t.client.invoke("profiles.switch", { id: profile.id });
});

afterAll(async () => {
  await t?.close();
  await core?.close();
});

describe("the end of the migration through the Core's bulk import", () => {
  let jobId = "";

  it("is the path the plan picks when the Core offers the bulk import", async () => {
    expect(await t.client.invoke("migrationEnd.capabilities", {})).toEqual({ bulkImport: { available: true, reason: null }, path: "bulk-import" });
    const plan = await t.client.invoke("migrationEnd.plan", { provider: "LegacyAuth" });
    expect(plan).toMatchObject({ path: "bulk-import", counts: { accounts: 34, keepPassword: 3, resetLinks: 31, conflicts: 0 } });
    expect(plan.job?.kind).toBe("migration.endBulk");
    jobId = plan.job?.id ?? "";
  });

  it("stages the users and shows the Core's processing state while its background task has not run", async () => {
    await directCore(core.url).sdk(() => EmailPassword.signUp("public", "late.0000@legacy.example.com", "Someone-else-1"));
    await t.client.invoke("jobs.start", { jobId });
    const waiting = await waitFor("the users staged on the Core", async () => {
      const s = await t.client.invoke("migrationEnd.status", { jobId });
      return s.bulk && s.bulk.staged === 33 && s.bulk.core?.new === 33 ? s : undefined;
    });
    expect(waiting).toMatchObject({ path: "bulk-import", phase: "waiting-for-core", bulk: { refused: 1, imported: 0, core: { new: 33, processing: 0, failed: 0 } } });
    // Nothing imported yet: the job waits for the Core, its items under way.
    expect((await t.client.invoke("jobs.get", { jobId, limit: 1 })).job).toMatchObject({ state: "running", done: 0, failed: 1 });
    const failed = (await t.client.invoke("jobs.get", { jobId, state: "failed" })).items;
    expect(failed.map((i) => [i.input.legacyId, i.error])).toEqual([["badhash-0000", expect.stringContaining("The Core's bulk import refused badhash-0000: Password hash is in invalid BCrypt format")]]);
    // The staged listing holds what was sent; none of it is in the job's answers.
    expect(JSON.stringify(await t.client.invoke("jobs.get", { jobId }))).not.toContain(HASH);
  });

  it("follows the import, fails the user the Core refused with its words, and sends the others' reset links", async () => {
    // As a real Core does, a chunk with a failing user is rolled back: its other users stay PROCESSING for the next run.
    const first = await core.runBulkImport();
    expect(first).toMatchObject({ waiting: 33, failed: 1 });
    expect(first.imported).toBeLessThan(32);
    const between = await waitFor("the job to see the first run", async () => {
      const s = await t.client.invoke("migrationEnd.status", { jobId });
      // The Core's counts are the last look's (the next one sees the refused user unstaged).
      return s.bulk?.imported === first.imported && s.bulk.refused === 2 && s.bulk.core?.failed === 0 && s.bulk.core.processing === 32 - first.imported ? s : undefined;
    });
    expect(between.bulk).toMatchObject({ staged: 32 - first.imported, refused: 2, core: { new: 0, processing: 32 - first.imported, failed: 0 } });
    expect(between.phase).toBe("waiting-for-core");
    const second = await core.runBulkImport();
    expect(second).toMatchObject({ imported: 32 - first.imported, failed: 0 });
    const done = await jobWhere(t.client, jobId, (j) => j.state === "completed", "the job to complete", 30_000);
    expect(done).toMatchObject({ done: 32, failed: 2, skipped: 0 });
    for (const u of users.filter((u) => u.legacyId.startsWith("bulk") || u.legacyId.startsWith("bhash"))) await expectMigratedOnce(core.url, u, "LegacyAuth");
    const late = (await t.client.invoke("jobs.get", { jobId, state: "failed" })).items.find((i) => i.input.legacyId === "late-0000");
    expect(late?.error).toMatch(/The Core's bulk import failed for late-0000: .*email.*On the Core: no account for late-0000/is);
    // The refused user was unstaged (a retry stages it again); the one who signed up keeps their account.
    expect((await cdi<{ count: number }>(core.url, "GET", "/bulk-import/users/count")).count).toBe(0);
    expect((await onCore(core.url, { legacyId: "late-0000", email: "late.0000@legacy.example.com", tenantId: "public" })).users).toHaveLength(1);

    const status = await t.client.invoke("migrationEnd.status", { jobId });
    expect(status).toMatchObject({ phase: "finished", links: { sent: 0, outbox: 30 }, bulk: { staged: 0, imported: 32, refused: 2 } });
    const rows = resultRows((await t.client.invoke("jobs.result", { jobId })).content);
    const row = rows.find((r) => r.legacyId === "bulk-0007");
    expect(row).toMatchObject({ state: "done", outcome: "account created; reset link in the outbox", userId: "bulk-0007" });
    expect(await resetTokenWorks(core.url, row?.link ?? "", "bulk.0007@legacy.example.com")).toBe(true);
    // The legacy hash signs in.
    expect((await directCore(core.url).sdk(() => EmailPassword.signIn("public", "bhash.0001@legacy.example.com", "Legacy-7"))).status).toBe("OK");
    // The temporary password is a hash nobody knows a password for: nothing signs in until the reset.
    expect((await directCore(core.url).sdk(() => EmailPassword.signIn("public", "bulk.0001@legacy.example.com", ""))).status).toBe("WRONG_CREDENTIALS_ERROR");
  });
});
