/**
 * A bulk invite job when the Core goes away mid-job, and when its answers get lost: the job waits
 * for the Core (no row burns its attempts or fails meanwhile) and carries on by itself when it is
 * back; a row about to fail is checked on the Core first and finished when its user is there; a
 * failed row runs again on request. Every row ends done exactly once, or failed with what the Core
 * holds for it — as raw CDI reads of the Core and the result file say.
 *
 * The Core goes away twice over: a TCP fault proxy that starts dropping every connection (and cuts
 * those open), and the embedded core itself closed and started again on the same port and
 * database file, as a Core restarts.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startEmbeddedCore, type RunningEmbeddedCore } from "../../main/embedded-core/index.ts";
import { parseCsv } from "./helpers/csv.ts";
import { startTcpFaultProxy, type TcpFaultProxy } from "./helpers/faults.ts";
import { expectFailure, profileInput, startTestGatehouse, type TestGatehouse } from "./helpers/gatehouse.ts";
import { expectInvitedOnce, metadataOf, usersWith } from "./jobs/core-truth.ts";
import { jobWhere, startScriptedProxy, waitFor, type ScriptedProxy } from "./jobs/helpers.ts";

let t: TestGatehouse;
let demoId: string;
const cleanups: (() => Promise<void>)[] = [];
let counter = 0;

beforeAll(async () => {
  t = await startTestGatehouse({ jobs: { retry: { baseMs: 20, capMs: 100, maxAttempts: 3 }, probe: { baseMs: 50, capMs: 200 } } });
  demoId = (await t.client.invoke("session.whoami", {})).profile?.id ?? "";
});

afterEach(async () => {
  await t.client.invoke("profiles.switch", { id: demoId });
  for (const c of cleanups.splice(0).reverse()) await c();
});

afterAll(async () => {
  await t?.close();
});

/** A profile on `uri`, made the one in force. */
async function useCore(uri: string): Promise<void> {
  counter += 1;
  const profile = await t.client.invoke("profiles.create", profileInput(`Faulty core ${counter}`, [uri], { timeoutMs: 2000 }));
  await t.client.invoke("profiles.switch", { id: profile.id });
}

const emailsFor = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}.${i}@example.com`);

async function plan(emails: readonly string[]) {
  const { job } = await t.client.invoke("jobs.dryRun", { kind: "invites.bulk", input: { csv: `email\n${emails.join("\n")}\n` } });
  expect(job.valid).toBe(emails.length);
  return job;
}

describe("invites.bulk when the Core goes away mid-job", () => {
  it("waits while a fault proxy drops every connection, then finishes: one user per row, the result file true", async () => {
    const core = await startEmbeddedCore({});
    // Each call takes the core a few milliseconds, so that calls are surely under way at the cut.
    const slow = await startScriptedProxy(core.url);
    slow.script = () => ({ delayMs: 5 });
    const tcp: TcpFaultProxy = await startTcpFaultProxy(slow.url);
    cleanups.push(() => core.close(), () => slow.close(), () => tcp.close());
    await useCore(tcp.url);
    const emails = emailsFor("cut", 120);
    const job = await plan(emails);

    await t.client.invoke("jobs.start", { jobId: job.id });
    await jobWhere(t.client, job.id, (j) => j.done >= 20, "some rows done");
    tcp.setMode({ kind: "drop" }); // and the connections open now are cut, mid-call
    const waiting = await jobWhere(t.client, job.id, (j) => j.state === "waiting" && j.running === 0, "the job to wait for the Core");
    expect(waiting.done).toBeLessThan(120);
    expect(waiting).toMatchObject({ failed: 0, etaMs: null });
    expect(waiting.error).toMatch(/^CORE_UNREACHABLE: .+ The job waits for the Core and carries on by itself when it answers\.$/);
    // Nothing was counted against the rows cut off.
    const pending = await t.client.invoke("jobs.get", { jobId: job.id, state: "pending", limit: 200 });
    expect(pending.items.every((i) => i.attempts === 0)).toBe(true);
    // It keeps looking for the Core, with backoff.
    const seen = tcp.connections;
    await waitFor("more probes", () => tcp.connections >= seen + 2);

    tcp.setMode({ kind: "pass" });
    const done = await jobWhere(t.client, job.id, (j) => j.state === "completed", "completion", 20_000);
    expect(done).toMatchObject({ done: 120, failed: 0, error: null });
    const all = await t.client.invoke("jobs.get", { jobId: job.id, limit: 200 });
    expect(all.items.every((i) => i.attempts === 1), JSON.stringify(all.items.filter((i) => i.attempts !== 1))).toBe(true);
    await expectInvitedOnce(core.url, emails, (await t.client.invoke("jobs.result", { jobId: job.id })).content);
  });

  it("waits while the Core is stopped, and finishes when it is started again on the same port and database", async () => {
    const dir = mkdtempSync(join(tmpdir(), "gatehouse-core-restart-"));
    const dbFile = join(dir, "core.sqlite");
    let core = await startEmbeddedCore({ dbFile });
    const port = core.port;
    cleanups.push(async () => {
      await core.close();
      rmSync(dir, { recursive: true, force: true });
    });
    await useCore(core.url);
    const emails = emailsFor("restarted", 300);
    const job = await plan(emails);

    await t.client.invoke("jobs.start", { jobId: job.id });
    await jobWhere(t.client, job.id, (j) => j.done >= 30, "some rows done");
    await core.close(); // its connections are closed too, calls under way cut off
    const waiting = await jobWhere(t.client, job.id, (j) => j.state === "waiting" && j.running === 0, "the job to wait for the Core");
    expect(waiting.done).toBeLessThan(300);
    expect(waiting.failed).toBe(0);

    core = await startEmbeddedCore({ dbFile, port });
    const done = await jobWhere(t.client, job.id, (j) => j.state === "completed", "completion", 20_000);
    expect(done).toMatchObject({ done: 300, failed: 0 });
    await expectInvitedOnce(core.url, emails, (await t.client.invoke("jobs.result", { jobId: job.id })).content);
  });
});

describe("invites.bulk rows whose answers get lost", () => {
  let core: RunningEmbeddedCore;
  let proxy: ScriptedProxy;
  beforeAll(async () => {
    core = await startEmbeddedCore({});
    proxy = await startScriptedProxy(core.url);
  });
  afterAll(async () => {
    await proxy?.close();
    await core?.close();
  });

  it("a sign-up whose answer is lost ends done, once; a row that fails after its user was made is finished from the Core, or failed with what the Core holds; failed rows run again on request", async () => {
    await useCore(proxy.url);
    const [lost, stubborn, broken] = ["lost.answer@example.com", "stubborn.metadata@example.com", "broken.metadata@example.com"];
    if (!lost || !stubborn || !broken) throw new Error("emails");
    const job = await plan([lost, stubborn, broken]);

    // lost: its sign-up reaches the core, its answer never comes back.
    // stubborn: its invite record is refused with 500 as long as the row has attempts (3), then taken.
    // broken: its invite record is refused with 500 until told otherwise.
    let signUpsLost = 0;
    let stubbornRefused = 0;
    let brokenHeals = false;
    /** The user a metadata write is for, asked of the core itself (the write names no email). */
    const ownerOf = async (body: string) => {
      const { userId } = JSON.parse(body || "{}") as { userId?: string };
      for (const email of [stubborn, broken]) if ((await usersWith(core.url, { email }))[0]?.id === userId) return email;
      return undefined;
    };
    /** The device of lost's first code: its sign-up (the code consumed) is the one whose answer is lost. */
    let lostDevice: string | undefined;
    proxy.script = async (req) => {
      if (req.method === "POST" && req.path.endsWith("/recipe/signinup/code") && req.body.includes(lost) && lostDevice === undefined) {
        return { observe: (_status, body) => (lostDevice ??= (JSON.parse(body) as { preAuthSessionId: string }).preAuthSessionId) };
      }
      if (req.method === "POST" && req.path.endsWith("/recipe/signinup/code/consume") && lostDevice && req.body.includes(lostDevice) && signUpsLost === 0) {
        signUpsLost += 1;
        return { lostAnswer: 500 };
      }
      if (req.method !== "PUT" || !req.path.endsWith("/recipe/user/metadata")) return {};
      const owner = await ownerOf(req.body);
      if (owner === stubborn && stubbornRefused < 3) {
        stubbornRefused += 1;
        return { status: 500, body: "database is locked" };
      }
      return owner === broken && !brokenHeals ? { status: 500, body: "database is locked" } : {};
    };
    await t.client.invoke("jobs.start", { jobId: job.id });
    const done = await jobWhere(t.client, job.id, (j) => j.state === "completed", "completion", 20_000);
    expect(signUpsLost).toBe(1);
    expect(stubbornRefused).toBe(3);
    expect(done).toMatchObject({ done: 2, failed: 1 });

    const { items } = await t.client.invoke("jobs.get", { jobId: job.id });
    const [lostRow, stubbornRow, brokenRow] = items;
    // lost: the repeat found the user its first attempt made, and took it for this job's.
    expect(lostRow).toMatchObject({ state: "done", result: { outcome: "invited" } });
    // stubborn: out of attempts, checked on the Core: its user is there, so it was finished.
    expect(stubbornRow).toMatchObject({ state: "done", attempts: 3, result: { outcome: "invited" }, error: null });
    // broken: out of attempts, and the Core still refuses: failed, saying what the Core holds.
    const brokenId = (await usersWith(core.url, { email: broken }))[0]?.id ?? "";
    expect(brokenRow).toMatchObject({ state: "failed", attempts: 3 });
    expect(brokenRow?.error).toMatch(new RegExp(`^CORE_ERROR: The SuperTokens Core answered 500 on /recipe/user/metadata: database is locked\\. On the Core: user ${brokenId} has a passwordless login for ${broken.replace(/\./g, "\\.")} \\(created by this job\\), but no link could be made for it\\.$`));
    const rows = parseCsv((await t.client.invoke("jobs.result", { jobId: job.id })).content);
    expect(rows[3]?.[6]).toBe("failed");
    expect(rows[3]?.[13]).toContain(`On the Core: user ${brokenId} has a passwordless login`);
    expect(await usersWith(core.url, { email: broken })).toHaveLength(1);
    expect((await metadataOf(core.url, brokenId)).gatehouseInvite).toBeUndefined();

    // The Core takes the write now: the failed row runs again, and the user made before is finished.
    brokenHeals = true;
    expect((await t.client.invoke("jobs.retryFailed", { jobId: job.id })).retried).toBe(1);
    expect(await jobWhere(t.client, job.id, (j) => j.state === "completed", "completion after the retry")).toMatchObject({ done: 3, failed: 0 });
    await expectInvitedOnce(core.url, [lost, stubborn, broken], (await t.client.invoke("jobs.result", { jobId: job.id })).content);
    // Nothing failed any more; a draft has nothing to retry.
    expect((await t.client.invoke("jobs.retryFailed", { jobId: job.id })).retried).toBe(0);
    await expectFailure(t.invoke("jobs.retryFailed", { jobId: (await plan(["never.started@example.com"])).id }), "CONFLICT");
  });
});
