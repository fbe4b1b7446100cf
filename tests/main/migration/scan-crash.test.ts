/**
 * Gatehouse killed (SIGKILL) in the middle of a full scan: the scan runs in a process of its own
 * against a slow core, is killed with pages under way, and a new Gatehouse on the same data folder
 * resumes it at the page after the last one written, reading no page twice, and ends with every
 * user indexed once and one snapshot.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmbeddedCore, type RunningEmbeddedCore } from "../../../main/embedded-core/index.ts";
import { seedUsers } from "../../support/seed-users.ts";
import { profileInput, startTestGatehouse, type TestGatehouse } from "../helpers/gatehouse.ts";
import { forkGatehouse, type ForkedGatehouse } from "../jobs/crash.ts";
import { jobWhere, startScriptedProxy, waitFor, type ScriptedProxy } from "../jobs/helpers.ts";
import { finished, rosterCsv } from "./world.ts";

let dir: string;
let core: RunningEmbeddedCore;
let proxy: ScriptedProxy;
let forked: ForkedGatehouse | undefined;
let restarted: TestGatehouse | undefined;
const USERS = 5000;
const isList = (path: string) => /\/users$/.test(path);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "gatehouse-scan-crash-"));
  core = await startEmbeddedCore({ dbFile: join(dir, "core.sqlite") });
  seedUsers(join(dir, "core.sqlite"), [{ recipe: "emailpassword", count: USERS, emailPrefix: "u", domain: "crash.test" }], { joinedFrom: Date.now() - 86_400_000 });
  proxy = await startScriptedProxy(core.url);
});

afterAll(async () => {
  await forked?.crash();
  await restarted?.close();
  await proxy?.close();
  await core?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Pages the scan journaled for a job, as the crash left them. */
function pagesJournaled(dataDir: string, jobId: string): number {
  const db = new Database(join(dataDir, "gatehouse.sqlite"), { readonly: true });
  try {
    return (db.prepare("SELECT COALESCE(SUM(pages), 0) AS n FROM user_index_scan_chunks WHERE job_id = ?").get(jobId) as { n: number }).n;
  } finally {
    db.close();
  }
}

describe("a crash of Gatehouse mid-scan", () => {
  it("resumes after a SIGKILL at the next page, reads none twice, indexes every user once", { timeout: 90_000 }, async () => {
    const dataDir = join(dir, "gatehouse");
    forked = await forkGatehouse(dataDir);
    const first = forked.client;
    const profile = await first.invoke("profiles.create", profileInput("Slow core", [proxy.url], { timeoutMs: 5000 }));
    await first.invoke("profiles.switch", { id: profile.id });
    await first.invoke("migration.source.importCsv", { rosterCsv: rosterCsv([["legacy-1", "u7@crash.test"], ["legacy-2", "nobody@crash.test"]]) });
    // Each page of the listing takes the core a while: the kill comes with a page on its way.
    proxy.script = (req) => (isList(req.path) ? { delayMs: 120 } : {});
    const { job } = await first.invoke("migration.scan.start", { mode: "full" });
    expect(job.total).toBe(Math.ceil(USERS / 2000) + 1);
    await jobWhere(first, job.id, (j) => j.done >= 1, "the first part of the scan done");
    await waitFor("a page of the next part under way", () => proxy.inFlight > 0);
    const underWay = proxy.inFlight;
    const passedBefore = proxy.passed.length;
    await forked.crash();
    forked = undefined;
    // The killed process's listing still reaches the core (after its delay): counted before the restart's.
    await waitFor("the killed process's requests to reach the core", () => proxy.passed.length >= passedBefore + underWay);

    const before = pagesJournaled(dataDir, job.id);
    expect(before).toBeGreaterThanOrEqual(4);
    expect(before).toBeLessThan(USERS / 500);
    proxy.passed.length = 0;
    restarted = await startTestGatehouse({ dataDir });
    const done = await finished(restarted.client, job.id, 60_000);
    expect(done).toMatchObject({ state: "completed", failed: 0 });
    // Every page after the last one journaled, and none of those before.
    expect(proxy.passed.filter((r) => isList(r.path)).length).toBe(USERS / 500 - before);
    const status = await restarted.client.invoke("migration.scan.status", {});
    expect(status.index).toMatchObject({ state: "ready", users: USERS });
    const history = await restarted.client.invoke("migration.history", {});
    expect(history.snapshots.length).toBe(1);
    const summary = await restarted.client.invoke("migration.summary", {});
    expect(summary.overall).toMatchObject({ rosterTotal: 2, conflict: 1, notMigrated: 1, outsideRoster: USERS - 1 });
  });
});
