/**
 * A dry run of the end of the migration before any scan has compared the roster with the Core:
 * the index knows nobody as "not migrated" yet, which says nothing of the migration. The answer
 * says a scan is needed (it used to say "Nobody is left to migrate … or the migration is
 * complete"); after the scan the same dry run plans the accounts.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { finished, startWorld, type World } from "../world.ts";

let w: World;
const csv = "legacy_id,email,email_verified,created\nlegacy-1,one@old.test,true,2020-05-01\nlegacy-2,two@old.test,false,2020-05-01\n";

beforeAll(async () => {
  w = await startWorld();
});

afterAll(async () => {
  await w?.close();
});

it("says the roster must be compared with the Core first, then plans once a scan has", async () => {
  expect((await w.client.invoke("migration.source.importCsv", { rosterCsv: csv, fileName: "roster.csv" })).status).toBe("imported");
  const before = await w.client.invoke("migrationEnd.plan", { provider: "LegacyAuth", dryRunOnly: true });
  expect(before.job).toBeNull();
  expect(before.nothing).toMatch(/^No account to plan yet: 2 roster users have not been compared with the Core\. Refresh the user index/);

  const { job } = await w.client.invoke("migration.scan.start", { mode: "full" });
  expect((await finished(w.client, job.id)).state).toBe("completed");
  const after = await w.client.invoke("migrationEnd.plan", { provider: "LegacyAuth", dryRunOnly: true });
  expect(after.counts).toMatchObject({ accounts: 2, conflicts: 0 });
});
