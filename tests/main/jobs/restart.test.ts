/**
 * A restart in the middle of a job: Gatehouse is closed while items are under way against a slow
 * core (the effects of abandoned items land after the journal stopped, as in a crash), and a new
 * Gatehouse on the same data folder resumes the job and finishes it with every role added exactly
 * once. Paused jobs stay paused across a restart.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import UserRoles from "supertokens-node/recipe/userroles";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmbeddedCore, type RunningEmbeddedCore } from "../../../main/embedded-core/index.ts";
import { directCore, plainDemoUsers, profileInput, startTestGatehouse, type TestGatehouse } from "../helpers/gatehouse.ts";
import { jobWhere, roleAdds, sleepKind, startScriptedProxy, type ScriptedProxy } from "./helpers.ts";

let core: RunningEmbeddedCore;
let proxy: ScriptedProxy;
let dataDir: string;
const open: TestGatehouse[] = [];

const start = async () => {
  const t = await startTestGatehouse({ dataDir, jobs: { closeGraceMs: 20, kinds: [sleepKind(2).kind] } });
  open.push(t);
  return t;
};

beforeAll(async () => {
  core = await startEmbeddedCore({ demo: true });
  proxy = await startScriptedProxy(core.url);
  dataDir = mkdtempSync(join(tmpdir(), "gatehouse-jobs-restart-"));
});

afterAll(async () => {
  for (const t of open) await t.close().catch(() => {});
  await proxy?.close();
  await core?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe("restart", () => {
  it("resumes a running job after the app was closed mid-item, with no duplicate effects", async () => {
    const first = await start();
    const profile = await first.client.invoke("profiles.create", profileInput("Slow core", [proxy.url], { timeoutMs: 5000 }));
    await first.client.invoke("profiles.switch", { id: profile.id });
    await directCore(core.url).sdk(() => UserRoles.createNewRoleOrAddPermissions("restart-role", []));
    const users = await plainDemoUsers(first.client, 16);
    const { job } = await first.client.invoke("jobs.dryRun", { kind: "roles.bulkAssign", input: { role: "restart-role", tenantId: "public", userIds: users.map((u) => u.id) } });
    proxy.passed.length = 0;
    proxy.script = () => ({ delayMs: 60 });
    await first.client.invoke("jobs.start", { jobId: job.id });
    await jobWhere(first.client, job.id, (j) => j.done >= 4, "a few items done");
    await first.close(); // items under way are abandoned (grace 20 ms < one slow call)

    // What the journal says after the close: the job still running, some items caught mid-way.
    const db = new Database(join(dataDir, "gatehouse.sqlite"), { readonly: true });
    const journal = db.prepare("SELECT state, COUNT(*) AS n FROM job_items WHERE job_id = ? GROUP BY state").all(job.id) as { state: string; n: number }[];
    const jobState = (db.prepare("SELECT state FROM jobs WHERE id = ?").get(job.id) as { state: string }).state;
    db.close();
    expect(jobState).toBe("running");
    const abandoned = journal.find((r) => r.state === "running")?.n ?? 0;
    expect(abandoned).toBeGreaterThan(0);

    // The abandoned calls go on (as they would have reached the core before a crash): let them land.
    await new Promise((r) => setTimeout(r, 600));

    const second = await start();
    const done = await jobWhere(second.client, job.id, (j) => j.state === "completed", "completion after restart");
    expect(done).toMatchObject({ done: 16, failed: 0, skipped: 0, total: 16 });
    const adds = roleAdds(proxy);
    expect(adds.size).toBe(16);
    expect([...adds.values()].every((n) => n === 1), JSON.stringify([...adds])).toBe(true);
    for (const u of users) expect((await directCore(core.url).sdk(() => UserRoles.getRolesForUser("public", u.id))).roles).toContain("restart-role");
    const { items } = await second.client.invoke("jobs.get", { jobId: job.id });
    const redone = items.filter((i) => i.attempts >= 2);
    expect(redone.length).toBe(abandoned);
    // Items whose effect landed before the restart were found done and not done again.
    expect(redone.some((i) => i.result?.outcome === "already had")).toBe(true);
  });

  it("keeps a paused job paused across a restart, and it finishes when resumed", async () => {
    const first = await start();
    const { job } = await first.client.invoke("jobs.dryRun", { kind: "test.sleep", input: { count: 20, ms: 30 } });
    await first.client.invoke("jobs.start", { jobId: job.id });
    await jobWhere(first.client, job.id, (j) => j.done >= 2, "some done");
    await first.client.invoke("jobs.pause", { jobId: job.id });
    await first.close();
    const second = await start();
    await new Promise((r) => setTimeout(r, 200));
    const paused = (await second.client.invoke("jobs.get", { jobId: job.id })).job;
    expect(paused).toMatchObject({ state: "paused", running: 0 });
    expect(paused.pending).toBeGreaterThan(0);
    await second.client.invoke("jobs.resume", { jobId: job.id });
    expect(await jobWhere(second.client, job.id, (j) => j.state === "completed", "completion")).toMatchObject({ done: 20 });
  });
});
