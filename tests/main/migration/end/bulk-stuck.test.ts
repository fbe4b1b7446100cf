/**
 * Staged users the Core's background task leaves waiting (here it never runs; a real Core leaves a
 * whole chunk PROCESSING, run after run, when one of its users hits an existing mapping) are
 * unstaged after a while and imported one at a time (POST /bulk-import/import): the job ends,
 * every user migrated once, and the screen says how many went that way.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmbeddedCore, type RunningEmbeddedCore } from "../../../../main/embedded-core/index.ts";
import { profileInput, startTestGatehouse, type TestGatehouse } from "../../helpers/gatehouse.ts";
import { jobWhere } from "../../jobs/helpers.ts";
import { arrayRoster, cdi, expectMigratedOnce, legacyUsers } from "./support.ts";

let core: RunningEmbeddedCore;
let t: TestGatehouse;
const users = legacyUsers("stuck", 12);

beforeAll(async () => {
  // The background task never runs.
  core = await startEmbeddedCore({ bulkImportIntervalMs: 0 });
  t = await startTestGatehouse({ migrationEnd: { roster: arrayRoster(users), bulk: { pollMs: 20, maxPollMs: 80, stuckMs: 400 } } });
  const profile = await t.client.invoke("profiles.create", profileInput("Idle core", [core.url]));
  await t.client.invoke("profiles.switch", { id: profile.id });
});

afterAll(async () => {
  await t?.close();
  await core?.close();
});

describe("staged users the Core's task leaves waiting", () => {
  it("are unstaged and imported one at a time, once each", async () => {
    const plan = await t.client.invoke("migrationEnd.plan", { path: "bulk-import", provider: "LegacyAuth" });
    const jobId = plan.job?.id ?? "";
    await t.client.invoke("jobs.start", { jobId });
    const done = await jobWhere(t.client, jobId, (j) => j.state === "completed", "the job to end without the Core's task", 30_000);
    expect(done).toMatchObject({ done: 12, failed: 0 });
    for (const u of users) await expectMigratedOnce(core.url, u, "LegacyAuth");
    expect((await cdi<{ count: number }>(core.url, "GET", "/bulk-import/users/count")).count).toBe(0);
    // The task, were it to run now, finds nothing left to import twice.
    expect(await core.runBulkImport()).toMatchObject({ waiting: 0, imported: 0 });
    const status = await t.client.invoke("migrationEnd.status", { jobId });
    expect(status.bulk).toMatchObject({ staged: 0, imported: 0, importedAtOnce: 12, refused: 0 });
    expect(status.links).toEqual({ sent: 0, outbox: 12 });
  });
});
