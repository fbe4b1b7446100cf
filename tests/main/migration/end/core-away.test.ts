/**
 * The Core goes away mid-job (a TCP fault proxy cuts it right after it acted, so the answer is
 * lost, then refuses every connection): the job waits for the Core instead of failing items,
 * carries on by itself when it is back, and finishes with every user made once — the account whose
 * mapping answer was lost is adopted, the batch whose staging answer was lost is not staged again.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmbeddedCore, type RunningEmbeddedCore } from "../../../../main/embedded-core/index.ts";
import { startCutProxy, type CutProxy } from "../../helpers/cut-proxy.ts";
import { profileInput, startTestGatehouse, type TestGatehouse } from "../../helpers/gatehouse.ts";
import { jobWhere, waitFor } from "../../jobs/helpers.ts";
import { arrayRoster, cdi, expectMigratedOnce, legacyUsers } from "./support.ts";

let core: RunningEmbeddedCore;
let proxy: CutProxy;
let t: TestGatehouse;
const sdkUsers = legacyUsers("away-sdk", 20);
const bulkUsers = legacyUsers("away-bulk", 20);
let roster = arrayRoster(sdkUsers);

beforeAll(async () => {
  core = await startEmbeddedCore({ bulkImportIntervalMs: 0 });
  proxy = await startCutProxy(core.url);
  // The roster the job reads is switched between the two tests (one per path).
  const reader = {
    notYetMigrated: (p: string, page: { afterLegacyId?: string; limit: number }) => roster.notYetMigrated(p, page),
    conflicts: (p: string, page: { afterLegacyId?: string; limit: number }) => roster.conflicts(p, page),
    get: (p: string, id: string) => roster.get(p, id),
    unclassified: (p: string) => roster.unclassified(p),
  };
  t = await startTestGatehouse({
    migrationEnd: { roster: reader, bulk: { pollMs: 20, maxPollMs: 100 } },
    jobs: { retry: { baseMs: 20, capMs: 100 }, probe: { baseMs: 20, capMs: 100 } },
  });
  const profile = await t.client.invoke("profiles.create", profileInput("Flaky core", [proxy.url], { timeoutMs: 3000 }));
  await t.client.invoke("profiles.switch", { id: profile.id });
});

afterAll(async () => {
  await t?.close();
  await proxy?.close();
  await core?.close();
});

describe("the Core going away mid-job", () => {
  it("supertokens-node path: the job waits, then adopts the account whose mapping answer was lost", async () => {
    roster = arrayRoster(sdkUsers);
    const plan = await t.client.invoke("migrationEnd.plan", { path: "sdk", provider: "LegacyAuth" });
    const jobId = plan.job?.id ?? "";
    const cut = proxy.cutAt({ method: "POST", path: "/recipe/userid/map", nth: 5, when: "after" });
    await t.client.invoke("jobs.start", { jobId });
    await cut;
    const waiting = await jobWhere(t.client, jobId, (j) => j.state === "waiting", "the job to wait for the Core", 30_000);
    expect(waiting.error).toMatch(/waits for the Core/);
    expect(waiting.failed).toBe(0);
    proxy.restore();
    const done = await jobWhere(t.client, jobId, (j) => j.state === "completed", "the job to finish once the Core is back", 60_000);
    expect(done).toMatchObject({ done: 20, failed: 0, skipped: 0 });
    for (const u of sdkUsers) await expectMigratedOnce(core.url, u, "LegacyAuth");
    const outbox = (await t.client.invoke("invites.outbox.list", { limit: 500 })).entries.filter((e) => e.to.startsWith("away-sdk"));
    expect(outbox.map((e) => e.to).sort()).toEqual(sdkUsers.map((u) => u.email).sort());
  });

  it("bulk-import path: the staging answer is lost, the job waits, then finds its users staged and does not stage them again", async () => {
    roster = arrayRoster(bulkUsers);
    const plan = await t.client.invoke("migrationEnd.plan", { path: "bulk-import", provider: "LegacyAuth" });
    const jobId = plan.job?.id ?? "";
    const cut = proxy.cutAt({ method: "POST", path: "/bulk-import/users", when: "after" });
    await t.client.invoke("jobs.start", { jobId });
    await cut;
    await jobWhere(t.client, jobId, (j) => j.state === "waiting", "the job to wait for the Core", 30_000);
    proxy.restore();
    await waitFor("the job to find its users staged", async () => ((await t.client.invoke("migrationEnd.status", { jobId })).bulk?.staged === 20 ? true : undefined), 30_000);
    expect((await cdi<{ count: number }>(core.url, "GET", "/bulk-import/users/count")).count, "staged once").toBe(20);
    expect(await core.runBulkImport()).toMatchObject({ imported: 20, failed: 0 });
    const done = await jobWhere(t.client, jobId, (j) => j.state === "completed", "the job to finish", 60_000);
    expect(done).toMatchObject({ done: 20, failed: 0 });
    for (const u of bulkUsers) await expectMigratedOnce(core.url, u, "LegacyAuth");
    expect(proxy.requests.filter((r) => r === "POST /bulk-import/users")).toHaveLength(1);
  });
});
