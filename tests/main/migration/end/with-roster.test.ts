/**
 * The end of the migration on the migration area's own roster and user index (the seam: its
 * RosterReader over SQLite): a roster imported from CSV, a scan that classifies it against the
 * Core, the plan that takes exactly the index's "not-migrated" users and skips its conflicts, the
 * bulk-import job, and a scan afterwards that finds them all migrated or on a temporary password.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { jobWhere } from "../../jobs/helpers.ts";
import { finished, migrate, signUp, startWorld, waitFor, type World } from "../world.ts";
import { expectMigratedOnce } from "./support.ts";

let w: World;
const HASH = "$2b$04$ElpOtBqvQaGy/XazKetrY.FBQDEPlHLg/v1QpzVy1Yl09KBAtQsam"; // "Legacy-7"
const rows = [
  ["legacy-1", "one@old.test", "true", ""],
  ["legacy-2", "two@old.test", "true", ""],
  ["legacy-3", "three@old.test", "false", ""],
  ["legacy-4", "four@old.test", "true", ""],
  ["legacy-5", "five@old.test", "false", ""],
  ["legacy-6", "six@old.test", "true", ""],
  ["legacy-7", "seven@old.test", "true", HASH],
] as const;
const csv = `legacy_id,email,email_verified,created,password_hash,hash_algorithm\n${rows.map(([id, email, v, hash]) => `${id},${email},${v},2020-05-01,${hash},${hash ? "bcrypt" : ""}`).join("\n")}\n`;

async function scan(mode: "full" | "refresh") {
  const { job } = await w.client.invoke("migration.scan.start", { mode });
  const done = await finished(w.client, job.id);
  expect(done.state).toBe("completed");
}

beforeAll(async () => {
  w = await startWorld();
  await migrate(w.app, "legacy-1", "one@old.test");
  await migrate(w.app, "legacy-2", "two@old.test", { temporary: true });
  // Someone signed up with a roster email outside the migration: a conflict.
  await signUp(w.app, "three@old.test");
  expect((await w.client.invoke("migration.source.importCsv", { rosterCsv: csv, fileName: "roster.csv" })).status).toBe("imported");
  await scan("full");
});

afterAll(async () => {
  await w?.close();
});

describe("the end of the migration on the migration area's roster", () => {
  it("plans exactly the index's users not yet migrated, and skips its conflicts", async () => {
    const summary = await w.client.invoke("migration.summary", {});
    expect(summary.overall).toMatchObject({ rosterTotal: 7, migrated: 1, temporaryPassword: 1, notMigrated: 4, conflict: 1 });
    const plan = await w.client.invoke("migrationEnd.plan", { provider: "LegacyAuth" });
    expect(plan).toMatchObject({ path: "bulk-import", counts: { accounts: 4, keepPassword: 1, resetLinks: 3, conflicts: 1, alreadyMigrated: 0 } });
    const items = (await w.client.invoke("jobs.get", { jobId: plan.job?.id ?? "" })).items;
    expect(items.filter((i) => i.state === "pending").map((i) => i.input.legacyId)).toEqual(["legacy-4", "legacy-5", "legacy-6", "legacy-7"]);
    expect(items.find((i) => i.input.legacyId === "legacy-3")).toMatchObject({ state: "skipped", error: expect.stringMatching(/^conflict: /) });
    expect(JSON.stringify(items)).not.toContain(HASH);

    await w.client.invoke("jobs.start", { jobId: plan.job?.id ?? "" });
    await waitFor("the users staged", async () => ((await w.client.invoke("migrationEnd.status", {})).bulk?.staged === 4 ? true : undefined));
    await w.core.runBulkImport();
    const done = await jobWhere(w.client, plan.job?.id ?? "", (j) => j.state === "completed", "the job", 30_000);
    expect(done).toMatchObject({ done: 4, failed: 0, skipped: 1 });
    for (const [legacyId, email, verified, hash] of rows.slice(3)) {
      await expectMigratedOnce(w.core.url, { legacyId, email, emailVerified: verified === "true", tenantId: "public", createdAt: null, ...(hash ? { passwordHash: hash, hashAlgorithm: "bcrypt" as const } : {}) }, "LegacyAuth");
    }
  });

  it("leaves nobody to migrate but the conflict: the next scan finds them migrated or on a temporary password", async () => {
    await scan("refresh");
    const summary = await w.client.invoke("migration.summary", {});
    expect(summary.overall).toMatchObject({ rosterTotal: 7, migrated: 2, temporaryPassword: 4, notMigrated: 0, conflict: 1 });
    const bulk = await w.client.invoke("migration.list", { state: "temporary-password" });
    expect(bulk.rows.filter((r) => r.via === "bulk").map((r) => r.legacyId).sort()).toEqual(["legacy-4", "legacy-5", "legacy-6"]);
    const again = await w.client.invoke("migrationEnd.plan", { provider: "LegacyAuth", dryRunOnly: true });
    expect(again.counts).toMatchObject({ accounts: 0, conflicts: 1 });
  });
});
