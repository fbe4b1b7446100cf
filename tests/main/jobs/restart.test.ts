/**
 * Gatehouse crashing in the middle of a job: it runs in a process of its own, killed with SIGKILL
 * while items are under way against a slow core (their calls go on and land after the journal
 * stopped, as they do in a crash), and a new Gatehouse on the same data folder finishes the job
 * with every role added exactly once, as the Core itself says. A job paused before a crash stays
 * paused.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import UserRoles from "supertokens-node/recipe/userroles";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startEmbeddedCore, type RunningEmbeddedCore } from "../../../main/embedded-core/index.ts";
import { directCore, plainDemoUsers, profileInput, startTestGatehouse, type TestGatehouse } from "../helpers/gatehouse.ts";
import { rolesOf } from "./core-truth.ts";
import { forkGatehouse, type ForkedGatehouse } from "./crash.ts";
import { isRoleAdd, jobWhere, roleAdds, startScriptedProxy, waitFor, type ScriptedProxy } from "./helpers.ts";

let core: RunningEmbeddedCore;
let proxy: ScriptedProxy;
const dirs: string[] = [];
const open: TestGatehouse[] = [];
const forked: ForkedGatehouse[] = [];

beforeAll(async () => {
  core = await startEmbeddedCore({ demo: true });
  proxy = await startScriptedProxy(core.url);
});

afterEach(async () => {
  for (const f of forked.splice(0)) await f.crash();
  for (const t of open.splice(0)) await t.close().catch(() => {});
  proxy.script = () => ({});
});

afterAll(async () => {
  await proxy?.close();
  await core?.close();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const freshDir = () => {
  const dir = mkdtempSync(join(tmpdir(), "gatehouse-jobs-crash-"));
  dirs.push(dir);
  return dir;
};

const fork = async (dataDir: string) => {
  const f = await forkGatehouse(dataDir);
  forked.push(f);
  return f;
};

const restart = async (dataDir: string) => {
  const t = await startTestGatehouse({ dataDir });
  open.push(t);
  return t;
};

/** What the journal on disk says of a job (read as the crash left it). */
function journalOf(dataDir: string, jobId: string): { state: string; items: Record<string, number> } {
  const db = new Database(join(dataDir, "gatehouse.sqlite"), { readonly: true });
  try {
    const { state } = db.prepare("SELECT state FROM jobs WHERE id = ?").get(jobId) as { state: string };
    const rows = db.prepare("SELECT state, COUNT(*) AS n FROM job_items WHERE job_id = ? GROUP BY state").all(jobId) as { state: string; n: number }[];
    return { state, items: Object.fromEntries(rows.map((r) => [r.state, r.n])) };
  } finally {
    db.close();
  }
}

describe("a crash of Gatehouse mid-job", () => {
  it("finishes the job after a SIGKILL mid-item, every role added exactly once", async () => {
    const dataDir = freshDir();
    const first = await fork(dataDir);
    const profile = await first.client.invoke("profiles.create", profileInput("Slow core", [proxy.url], { timeoutMs: 5000 }));
    await first.client.invoke("profiles.switch", { id: profile.id });
    await directCore(core.url).sdk(() => UserRoles.createNewRoleOrAddPermissions("crash-role", []));
    const users = await plainDemoUsers(first.client, 16);
    const { job } = await first.client.invoke("jobs.dryRun", { kind: "roles.bulkAssign", input: { role: "crash-role", tenantId: "public", userIds: users.map((u) => u.id) } });
    proxy.passed.length = 0;
    // Role additions take the core a while: the crash comes while some are on their way.
    let addsArrived = 0;
    proxy.script = (req) => {
      if (!isRoleAdd(req)) return {};
      addsArrived += 1;
      return { delayMs: 200 };
    };
    await first.client.invoke("jobs.start", { jobId: job.id });
    await jobWhere(first.client, job.id, (j) => j.done >= 4 && addsArrived > j.done, "a few items done, and additions on their way");
    await first.crash();

    // The journal as the crash left it: the job running, some items caught mid-way.
    const left = journalOf(dataDir, job.id);
    expect(left.state).toBe("running");
    const abandoned = left.items.running ?? 0;
    expect(abandoned).toBeGreaterThan(0);
    // The calls it had sent go on to the core: let them land before Gatehouse starts again.
    await waitFor("the calls of the killed process to land", () => proxy.inFlight === 0);

    const second = await restart(dataDir);
    const done = await jobWhere(second.client, job.id, (j) => j.state === "completed", "completion after the restart");
    expect(done).toMatchObject({ done: 16, failed: 0, skipped: 0, total: 16 });
    const adds = roleAdds(proxy);
    expect(adds.size).toBe(16);
    expect([...adds.values()].every((n) => n === 1), JSON.stringify([...adds])).toBe(true);
    for (const u of users) expect(await rolesOf(core.url, u.id)).toContain("crash-role");
    const { items } = await second.client.invoke("jobs.get", { jobId: job.id });
    const redone = items.filter((i) => i.attempts >= 2);
    expect(redone.length).toBe(abandoned);
    // Items whose effect landed before the restart were found done and not done again.
    expect(redone.some((i) => i.result?.outcome === "already had")).toBe(true);
  });

  it("keeps a job paused before a SIGKILL paused, and it finishes when resumed", async () => {
    const dataDir = freshDir();
    const first = await fork(dataDir);
    const profile = await first.client.invoke("profiles.create", profileInput("Slow core", [proxy.url], { timeoutMs: 5000 }));
    await first.client.invoke("profiles.switch", { id: profile.id });
    await directCore(core.url).sdk(() => UserRoles.createNewRoleOrAddPermissions("paused-role", []));
    const users = await plainDemoUsers(first.client, 12);
    const { job } = await first.client.invoke("jobs.dryRun", { kind: "roles.bulkAssign", input: { role: "paused-role", tenantId: "public", userIds: users.map((u) => u.id) } });
    proxy.script = () => ({ delayMs: 30 });
    await first.client.invoke("jobs.start", { jobId: job.id });
    await jobWhere(first.client, job.id, (j) => j.done >= 2, "some done");
    await first.client.invoke("jobs.pause", { jobId: job.id });
    await first.crash();
    expect(journalOf(dataDir, job.id).state).toBe("paused");
    await waitFor("the calls of the killed process to land", () => proxy.inFlight === 0);

    const second = await restart(dataDir);
    // Started up, the job is still paused: nothing taken up, items left to do.
    const paused = (await second.client.invoke("jobs.get", { jobId: job.id })).job;
    expect(paused).toMatchObject({ state: "paused", running: 0 });
    expect(paused.pending).toBeGreaterThan(0);
    expect(journalOf(second.dataDir, job.id).items.running ?? 0).toBe(0);
    await second.client.invoke("jobs.resume", { jobId: job.id });
    expect(await jobWhere(second.client, job.id, (j) => j.state === "completed", "completion")).toMatchObject({ done: 12, failed: 0 });
    for (const u of users) expect(await rolesOf(core.url, u.id)).toContain("paused-role");
  });
});
