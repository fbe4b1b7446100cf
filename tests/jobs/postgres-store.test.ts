/**
 * The job store on PostgreSQL, against a real cluster started for the test: two store objects
 * with their own instance ids stand for two Gatehouse instances sharing one database. Claims never
 * hand one item to two instances, a lease that runs out hands the item to another instance (as a
 * repeat, with the first instance's late writes fenced out), renewals keep it, and only a running
 * job gives out items (its state is the database's, whoever changed it).
 */
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PostgresJobStore } from "../../main/jobs/store/postgres-job-store.ts";
import { POSTGRES_MIGRATIONS } from "../../main/store/postgres/migrations.ts";
import { openPostgres } from "../../main/store/postgres/pool.ts";
import { startTestPostgres, type TestPostgres } from "../support/postgres.ts";

let cluster: TestPostgres;
let pool: pg.Pool;

beforeAll(async () => {
  cluster = await startTestPostgres();
  pool = await openPostgres(cluster.url);
}, 60_000);

afterAll(async () => {
  await pool?.end();
  await cluster?.stop();
});

const storeOf = (instanceId: string, leaseMs = 30_000) => new PostgresJobStore({ pool, now: Date.now, instanceId, leaseMs });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function runningJob(store: PostgresJobStore, count: number, invalid: number[] = []): Promise<string> {
  const items = Array.from({ length: count }, (_, n) => (invalid.includes(n) ? { input: { n }, error: "bad" } : { input: { n }, plan: "do" }));
  const id = await store.createDraft({ kind: "test.sleep", profileId: "p", createdBy: "tester", inputSummary: `${count} items` }, items);
  expect(await store.setState(id, "running", { started: true }, ["draft"])).toBe(true);
  return id;
}

describe("PostgresJobStore", () => {
  it("migrates once when two instances open the same database at the same moment", async () => {
    const db = await cluster.createDatabase("migrate_race");
    const [a, b] = await Promise.all([openPostgres(db), openPostgres(db)]);
    const versions = await a.query<{ area: string; version: number }>("SELECT area, version FROM schema_versions ORDER BY area");
    expect(versions.rows).toEqual(Object.entries(POSTGRES_MIGRATIONS).map(([area, steps]) => ({ area, version: steps.length })).sort((x, y) => x.area.localeCompare(y.area)));
    expect(versions.rows).toContainEqual({ area: "jobs", version: 2 });
    await Promise.all([a.end(), b.end()]);
  });

  it("keeps a draft as planned: valid items pending, invalid ones skipped with their error, counts and pages", async () => {
    const store = storeOf("a");
    const id = await store.createDraft({ kind: "k", profileId: "p1", createdBy: "ann", inputSummary: "three" }, [
      { input: { n: 0 }, plan: "do" },
      { input: { n: 1 }, error: "no such user" },
      { input: { n: 2 }, plan: "do" },
    ]);
    expect(await store.job(id)).toMatchObject({ id, kind: "k", profile_id: "p1", created_by: "ann", state: "draft", started_at: null });
    expect(await store.counts(id)).toMatchObject({ total: 3, valid: 2, pending: 2, skipped: 1 });
    const invalid = await store.items(id, 0, 10, "invalid");
    expect(invalid).toMatchObject({ total: 1, items: [{ index: 1, state: "skipped", error: "no such user", input: { n: 1 } }] });
    expect((await store.items(id, 1, 1)).items.map((i) => i.index)).toEqual([1]);
    expect((await store.jobsOf("p1", 0, 10)).rows.map((r) => r.id)).toContain(id);
  });

  it("gives a pinned job's items (an instance-bound kind) to the instance that planned it only, after its restart too", async () => {
    const planner = storeOf("planner");
    const other = storeOf("other");
    const id = await planner.createDraft({ kind: "migration.scan", profileId: "p", createdBy: "tester", inputSummary: "2 pages", pinned: true }, [
      { input: { n: 0 }, plan: "do" },
      { input: { n: 1 }, plan: "do" },
    ]);
    expect(await planner.setState(id, "running", { started: true }, ["draft"])).toBe(true);
    expect(await other.claimNext(id)).toBeUndefined();
    expect(await planner.claimNext(id)).toMatchObject({ index: 0 });
    expect(await other.claimNext(id)).toBeUndefined();
    // The planner restarted (the same instance id, from its data folder): it carries on.
    expect(await storeOf("planner").claimNext(id)).toMatchObject({ index: 1 });
    // An unpinned job is anyone's.
    const free = await runningJob(planner, 1);
    expect(await other.claimNext(free)).toMatchObject({ index: 0 });
  });

  it("never gives one item to two instances claiming at once", async () => {
    const a = storeOf("inst-a");
    const b = storeOf("inst-b");
    const id = await runningJob(a, 300);
    const claimAll = async (store: PostgresJobStore) => {
      const got: number[] = [];
      for (;;) {
        const claimed = await store.claimNext(id);
        if (!claimed) return got;
        got.push(claimed.index);
      }
    };
    // Four claimers per instance, all at once.
    const results = await Promise.all([a, a, a, a, b, b, b, b].map(claimAll));
    const all = results.flat();
    expect(all.length).toBe(300);
    expect(new Set(all).size).toBe(300);
    expect(results.slice(0, 4).flat().length).toBeGreaterThan(0);
    expect(results.slice(4).flat().length).toBeGreaterThan(0);
    const owners = await pool.query<{ owner: string; n: number }>("SELECT owner, COUNT(*)::int AS n FROM job_items WHERE job_id = $1 GROUP BY owner ORDER BY owner", [id]);
    expect(owners.rows.map((r) => r.owner)).toEqual(["inst-a", "inst-b"]);
  });

  it("hands an item whose lease ran out to another instance as a repeat, and fences out the first instance's late writes", async () => {
    const a = storeOf("dies", 300);
    const b = storeOf("lives", 300);
    const id = await runningJob(a, 1);
    const first = await a.claimNext(id);
    expect(first).toMatchObject({ index: 0, attempts: 1, tries: 1 });
    expect(await b.claimNext(id)).toBeUndefined();
    expect(await b.requeueExpired()).toEqual([]);
    await sleep(400);
    expect(await b.requeueExpired()).toEqual([id]);
    const again = await b.claimNext(id);
    // A repeat: the kind sees tries > 1 and looks at the Core before doing anything.
    expect(again).toMatchObject({ index: 0, attempts: 2, tries: 2 });
    // The first instance wakes up late: none of its writes land on the item it lost.
    await a.finishItem(id, 0, { state: "done", result: { by: "dies" } });
    expect(await a.nextAttempt(id, 0)).toBeUndefined();
    await a.giveBack(id, 0, "late");
    expect((await a.items(id, 0, 1)).items[0]).toMatchObject({ state: "running", result: null, attempts: 2 });
    expect(await a.completeIfDone(id)).toBe(false);
    await b.finishItem(id, 0, { state: "done", result: { by: "lives" } });
    expect((await b.items(id, 0, 1)).items[0]).toMatchObject({ state: "done", result: { by: "lives" } });
    expect(await b.completeIfDone(id)).toBe(true);
    expect(await a.completeIfDone(id)).toBe(false);
    expect((await a.job(id))?.state).toBe("completed");
  });

  it("keeps an item with its instance while the instance renews the lease", async () => {
    const a = storeOf("renews", 300);
    const b = storeOf("waits", 300);
    const id = await runningJob(a, 1);
    await a.claimNext(id);
    for (let i = 0; i < 6; i++) {
      await sleep(100);
      await a.renew([{ jobId: id, indexes: [0] }]);
      expect(await b.requeueExpired()).toEqual([]);
    }
    await sleep(400);
    expect(await b.requeueExpired()).toEqual([id]);
  });

  it("gives out items of a running job only: a pause by one instance holds for all, and claim plus finish is one step", async () => {
    const a = storeOf("pauser");
    const b = storeOf("worker");
    const id = await runningJob(a, 3);
    const one = await b.claimNext(id);
    expect(one?.index).toBe(0);
    expect(await a.setState(id, "paused", { error: null }, ["running", "waiting"])).toBe(true);
    // The worker's item under way is journaled; nothing new is given out while paused.
    expect(await b.claimNext(id, { index: 0, outcome: { state: "done", result: { ok: true } } })).toBeUndefined();
    expect(await b.counts(id)).toMatchObject({ done: 1, pending: 2, running: 0 });
    // A transition from a state the job is not in does not happen (another instance got there first).
    expect(await b.setState(id, "waiting", { error: "gone" }, ["running"])).toBe(false);
    expect(await a.setState(id, "running", { error: null }, ["paused", "waiting"])).toBe(true);
    expect((await b.claimNext(id))?.index).toBe(1);
  });

  it("cancels a job at once: pending items skipped, the one under way finishes, nothing more given out", async () => {
    const a = storeOf("canceller");
    const b = storeOf("runner");
    const id = await runningJob(a, 4);
    await b.claimNext(id);
    expect(await a.cancel(id, "cancelled")).toBe(true);
    expect(await a.cancel(id, "cancelled")).toBe(false);
    expect(await b.claimNext(id, { index: 0, outcome: { state: "done", result: {} } })).toBeUndefined();
    expect(await a.counts(id)).toMatchObject({ done: 1, skipped: 3, pending: 0, running: 0 });
    expect(await a.job(id)).toMatchObject({ state: "cancelled" });
    expect((await a.job(id))?.finished_at).toEqual(expect.any(Number));
  });

  it("gives an item cut off by an outage back with its attempt, and runs failed items again with a fresh count", async () => {
    const a = storeOf("solo");
    const id = await runningJob(a, 2);
    await a.claimNext(id);
    await a.giveBack(id, 0, "CORE_UNREACHABLE");
    expect((await a.items(id, 0, 1)).items[0]).toMatchObject({ state: "pending", attempts: 0, error: "CORE_UNREACHABLE" });
    expect(await a.claimNext(id)).toMatchObject({ index: 0, attempts: 1, tries: 2 });
    await a.finishItem(id, 0, { state: "failed", error: "no" });
    expect(await a.retryFailed(id)).toBe(1);
    expect((await a.items(id, 0, 1)).items[0]).toMatchObject({ state: "pending", attempts: 0 });
  });
});
