/**
 * Two job runners on one PostgreSQL, as two team-server instances: each has its own pool, store
 * (instance id) and copy of a test kind that records every item it runs. A job started on one is
 * taken up by the other; pause, resume and cancel on either hold for both; an instance that stops
 * answering (closed with items under way, so it never renews their leases) has its items taken
 * over by the other as repeats; a fresh instance alone on the database finishes a job its
 * predecessor left.
 */
import type pg from "pg";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { CoreClient } from "../../main/core/core-client.ts";
import { startEmbeddedCore, type RunningEmbeddedCore } from "../../main/embedded-core/index.ts";
import { EventBus } from "../../main/events.ts";
import type { JobKind } from "../../main/jobs/kind.ts";
import { JobRunner } from "../../main/jobs/runner.ts";
import { PostgresJobStore } from "../../main/jobs/store/postgres-job-store.ts";
import { openPostgres } from "../../main/store/postgres/pool.ts";
import type { JobSummary } from "../../shared/contract/operations/jobs.ts";
import { waitFor } from "../main/jobs/helpers.ts";
import { startTestPostgres, type TestPostgres } from "../support/postgres.ts";

const LEASE_MS = 800;

let cluster: TestPostgres;
let core: RunningEmbeddedCore;
const open: Instance[] = [];
/** Each test its own database: a job left running by one test is no other test's business. */
let dbUrl = "";
let databases = 0;

beforeAll(async () => {
  cluster = await startTestPostgres();
  core = await startEmbeddedCore();
}, 60_000);

beforeEach(async () => {
  dbUrl = await cluster.createDatabase(`shared_runner_${++databases}`);
});

afterEach(async () => {
  for (const i of open.splice(0)) await i.stop();
});

afterAll(async () => {
  await core?.close();
  await cluster?.stop();
});

interface Call {
  n: number;
  fresh: boolean;
  attempt: number;
}

interface Instance {
  runner: JobRunner;
  calls: Call[];
  /** Items under way in this instance's kind now. */
  busy: () => number;
  stop(): Promise<void>;
}

const napsInput = z.object({ count: z.number().int().min(1), ms: z.number().int().min(0) });

/** `hang`: this instance's items never finish (it stands for an instance that stopped answering). */
async function instance(name: string, options: { hang?: boolean } = {}): Promise<Instance> {
  const pool: pg.Pool = await openPostgres(dbUrl);
  const calls: Call[] = [];
  let busy = 0;
  const kind: JobKind<z.output<typeof napsInput>, { n: number; ms: number }, { by: string }> = {
    name: "test.naps",
    permission: "jobs:control",
    input: napsInput,
    concurrency: 4,
    inputColumns: ["n"],
    resultColumns: ["by"],
    describe: (i) => `${i.count} naps`,
    prepare: (i) => Promise.resolve(Array.from({ length: i.count }, (_, n) => ({ input: { n, ms: i.ms } }))),
    async runItem(item, ctx) {
      calls.push({ n: item.n, fresh: ctx.fresh, attempt: ctx.attempt });
      busy += 1;
      try {
        await new Promise((r) => (options.hang ? undefined : setTimeout(r, item.ms)));
        return { by: name };
      } finally {
        busy -= 1;
      }
    },
  };
  const store = new PostgresJobStore({ pool, now: Date.now, instanceId: name, leaseMs: LEASE_MS });
  const runner = new JobRunner({ store, events: new EventBus(), now: Date.now, coreFor: () => new CoreClient({ uris: [core.url], apiKey: undefined, timeoutMs: 5000 }), closeGraceMs: 0 });
  runner.register(kind);
  let stopped = false;
  const inst: Instance = {
    runner,
    calls,
    busy: () => busy,
    async stop() {
      if (stopped) return;
      stopped = true;
      await runner.close();
      await pool.end();
    },
  };
  open.push(inst);
  return inst;
}

const planned = async (on: Instance, count: number, ms: number) => (await on.runner.dryRun("test.naps", { count, ms }, { profileId: "p", createdBy: "tester" })).job.id;
const jobOn = async (on: Instance, id: string) => (await on.runner.get(id, 0, 1)).job;
const until = (on: Instance, id: string, pred: (j: JobSummary) => boolean, what: string, ms = 20_000) =>
  waitFor(
    what,
    async () => {
      const job = await jobOn(on, id);
      return pred(job) ? job : undefined;
    },
    ms,
  );
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** How many times each item index was run, over the instances. */
function runs(...instances: Instance[]): Map<number, number> {
  const counts = new Map<number, number>();
  for (const i of instances) for (const c of i.calls) counts.set(c.n, (counts.get(c.n) ?? 0) + 1);
  return counts;
}

describe("job runners sharing one PostgreSQL", () => {
  it("share a job started on one: both run items, each item once, and it completes", async () => {
    const a = await instance("a");
    const b = await instance("b");
    const id = await planned(a, 120, 15);
    await a.runner.start(id);
    await until(a, id, (j) => j.state === "completed", "the job to complete");
    const counts = runs(a, b);
    expect(counts.size).toBe(120);
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
    expect(a.calls.length).toBeGreaterThan(0);
    expect(b.calls.length).toBeGreaterThan(0);
    expect(await jobOn(b, id)).toMatchObject({ state: "completed", done: 120, pending: 0, running: 0 });
    const { items } = await b.runner.get(id, 0, 200);
    expect(items.every((i) => i.attempts === 1)).toBe(true);
    // The result names the instance that ran each item: both appear.
    expect(new Set(items.map((i) => i.result?.by))).toEqual(new Set(["a", "b"]));
  });

  it("pause on one instance pauses the job on both; resume on the other runs it on both to the end", async () => {
    const a = await instance("a");
    const b = await instance("b");
    const id = await planned(a, 200, 25);
    await a.runner.start(id);
    await waitFor("the second instance to take items", () => b.calls.length >= 4);
    await a.runner.pause(id);
    // Within a sweep the other instance follows; the items under way finish.
    await waitFor("both instances to stop", () => a.busy() === 0 && b.busy() === 0, 5000);
    const paused = { a: a.calls.length, b: b.calls.length };
    await sleep(3 * LEASE_MS);
    expect({ a: a.calls.length, b: b.calls.length }).toEqual(paused);
    expect(await jobOn(b, id)).toMatchObject({ state: "paused", running: 0 });
    expect(paused.a + paused.b).toBeLessThan(200);

    await b.runner.resume(id);
    await until(b, id, (j) => j.state === "completed", "the job to complete");
    expect(a.calls.length).toBeGreaterThan(paused.a);
    expect(b.calls.length).toBeGreaterThan(paused.b);
    const counts = runs(a, b);
    expect(counts.size).toBe(200);
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
  });

  it("cancel on one instance stops the other: pending items skipped, nothing more taken", async () => {
    const a = await instance("a");
    const b = await instance("b");
    const id = await planned(a, 200, 25);
    await a.runner.start(id);
    await waitFor("the second instance to take items", () => b.calls.length >= 4);
    await b.runner.cancel(id);
    await waitFor("both instances to stop", () => a.busy() === 0 && b.busy() === 0, 5000);
    const taken = a.calls.length + b.calls.length;
    await sleep(2 * LEASE_MS);
    expect(a.calls.length + b.calls.length).toBe(taken);
    const job = await until(a, id, (j) => j.running === 0, "the items under way to be journaled");
    expect(job).toMatchObject({ state: "cancelled", done: taken, skipped: 200 - taken, pending: 0 });
  });

  it("an instance that stops answering mid-item: the other takes its items over when their lease runs out, as repeats", async () => {
    const dying = await instance("dying", { hang: true });
    const id = await planned(dying, 10, 10);
    await dying.runner.start(id);
    await waitFor("the dying instance to take its items", () => dying.busy() === 4);
    const b = await instance("b");
    await until(b, id, (j) => j.done === 6, "the other instance to do the rest", 10_000);
    expect(b.calls.length).toBe(6);
    expect(await jobOn(b, id)).toMatchObject({ state: "running", done: 6, running: 4 });
    // It stops renewing (its items still hang): no more journal writes from it.
    await dying.stop();
    await until(b, id, (j) => j.state === "completed", "the job to complete", 10_000);
    const taken = dying.calls.map((c) => c.n).sort((x, y) => x - y);
    expect(taken.length).toBe(4);
    const repeats = b.calls.filter((c) => taken.includes(c.n));
    // Each taken over once, and told it is a repeat (so a real kind looks at the Core first).
    expect(repeats.map((c) => c.n).sort((x, y) => x - y)).toEqual(taken);
    expect(repeats.every((c) => !c.fresh && c.attempt === 2)).toBe(true);
    expect(b.calls.filter((c) => !taken.includes(c.n)).every((c) => c.fresh && c.attempt === 1)).toBe(true);
    expect(await jobOn(b, id)).toMatchObject({ done: 10, failed: 0 });
  });

  it("after a restart of the only instance, the new one finishes the job its predecessor left running", async () => {
    const first = await instance("first", { hang: true });
    const id = await planned(first, 6, 10);
    await first.runner.start(id);
    await waitFor("the first instance to take items", () => first.busy() === 4);
    await first.stop();
    const next = await instance("next");
    await next.runner.resumeInterrupted();
    await until(next, id, (j) => j.state === "completed", "the job to complete", 10_000);
    expect(runs(next).size).toBe(6);
    expect(next.calls.filter((c) => !c.fresh).map((c) => c.n).sort()).toEqual(first.calls.map((c) => c.n).sort());
  });
});
