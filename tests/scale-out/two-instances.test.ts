/**
 * Issue 14's proof: two server instances on one PostgreSQL share a 10k-row bulk job; one is
 * killed with SIGKILL half-way; every row is done exactly once.
 *
 * Two processes (instance.ts), each a job engine on the same PostgreSQL with the real
 * roles.bulkAssign kind, against one embedded core (in a process of its own, on a file seeded
 * with 10,000 users) behind a counting proxy. Instance "a" plans and starts the job; "b" takes
 * it up by itself. When half the rows are done, "a" is killed with SIGKILL mid-item; "b" takes its
 * items over when their lease runs out and finishes the job. Then:
 *   - the Core received exactly one role addition per user, and every user holds the role;
 *   - the journal says every row done, each once: only the rows "a" held when it died were taken
 *     up again (attempts 2), and by "b";
 *   - both instances did rows.
 */
import { fork, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type pg from "pg";
import UserRoles from "supertokens-node/recipe/userroles";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawnCore, type CoreProcess } from "../../bench/core-process.ts";
import { openPostgres } from "../../main/store/postgres/pool.ts";
import { directCore } from "../main/helpers/gatehouse.ts";
import { roleAdds, startScriptedProxy, waitFor, type ScriptedProxy } from "../main/jobs/helpers.ts";
import { startTestPostgres, type TestPostgres } from "../support/postgres.ts";
import { seedUsers } from "../support/seed-users.ts";

const ROWS = 10_000;
const ROLE = "scale-out";
/** Short, so the takeover comes soon after the kill; far longer than a Core call here takes. */
const LEASE_MS = 2000;
const SCRIPT = fileURLToPath(new URL("./instance.ts", import.meta.url));

interface Instance {
  name: string;
  started: number[];
  finished: Set<number>;
  plan(input: unknown): Promise<string>;
  kill(): Promise<void>;
}

let cluster: TestPostgres;
let pool: pg.Pool;
let core: CoreProcess;
let proxy: ScriptedProxy;
let dir: string;
let userIds: string[];
const children: ChildProcess[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "gatehouse-scale-out-"));
  const dbFile = join(dir, "core.sqlite");
  userIds = seedUsers(dbFile, [{ recipe: "emailpassword", count: ROWS, emailPrefix: "scale." }]).map((u) => u.id);
  [cluster, core] = await Promise.all([startTestPostgres(), spawnCore(dbFile)]);
  pool = await openPostgres(cluster.url);
  await directCore(core.url).sdk(() => UserRoles.createNewRoleOrAddPermissions(ROLE, []));
  proxy = await startScriptedProxy(core.url);
}, 60_000);

afterAll(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  await proxy?.close();
  await pool?.end();
  await core?.close();
  await cluster?.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function startInstance(name: string): Promise<Instance> {
  const child = fork(SCRIPT, [], {
    execArgv: ["--import", "tsx"],
    env: { ...process.env, SCALE_PG_URL: cluster.url, SCALE_CORE_URL: proxy.url, SCALE_INSTANCE: name, SCALE_LEASE_MS: String(LEASE_MS) },
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  children.push(child);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const instance: Instance = { name, started: [], finished: new Set(), plan: () => Promise.reject(new Error("not ready")), kill: async () => {} };
  const answers = new Map<number, (m: { jobId?: string; error?: string }) => void>();
  await new Promise<void>((resolve, reject) => {
    child.on("message", (m: { ready?: true; id?: number; jobId?: string; error?: string; started?: number[]; finished?: number[] }) => {
      if (m.ready) resolve();
      if (m.id !== undefined) answers.get(m.id)?.(m);
      for (const i of m.started ?? []) instance.started.push(i);
      for (const i of m.finished ?? []) instance.finished.add(i);
    });
    void exited.then(() => reject(new Error(`instance ${name} ended before it was ready`)));
  });
  let next = 0;
  instance.plan = (input) =>
    new Promise((resolve, reject) => {
      const id = next++;
      answers.set(id, (m) => (m.jobId ? resolve(m.jobId) : reject(new Error(m.error))));
      child.send({ id, plan: input });
    });
  instance.kill = async () => {
    child.kill("SIGKILL");
    await exited;
  };
  return instance;
}

const doneRows = async (jobId: string) =>
  (await pool.query<{ n: number }>("SELECT COUNT(*)::int AS n FROM job_items WHERE job_id = $1 AND state = 'done'", [jobId])).rows[0]?.n ?? 0;

describe("two server instances on one PostgreSQL", () => {
  it(
    "share a 10k-row bulk job; one killed with SIGKILL half-way; every row done exactly once",
    async () => {
      const t0 = Date.now();
      const [a, b] = await Promise.all([startInstance("a"), startInstance("b")]);
      const jobId = await a.plan({ role: ROLE, tenantId: "public", userIds });
      const planned = Date.now();

      await waitFor("half the rows done", async () => (await doneRows(jobId)) >= ROWS / 2, 90_000);
      expect(b.finished.size).toBeGreaterThan(0);
      await a.kill();
      const killedAt = Date.now();
      // What the journal says "a" held when it died: rows under way, theirs until the lease runs out.
      const held = (await pool.query<{ idx: number }>("SELECT idx FROM job_items WHERE job_id = $1 AND owner = 'a' AND state = 'running' ORDER BY idx", [jobId])).rows.map((r) => r.idx);
      expect(held.length).toBeGreaterThan(0);

      await waitFor(
        "the job to complete",
        async () => (await pool.query<{ state: string }>("SELECT state FROM jobs WHERE id = $1", [jobId])).rows[0]?.state === "completed",
        90_000,
      );
      const finishedAt = Date.now();

      // The Core: one role addition per user, no more (the dry run only reads), and every user holds the role.
      const adds = roleAdds(proxy);
      expect(adds.size).toBe(ROWS);
      const twice = [...adds].filter(([, n]) => n !== 1);
      expect(twice, JSON.stringify(twice.slice(0, 5))).toEqual([]);
      const holders = await directCore(core.url).sdk(() => UserRoles.getUsersThatHaveRole("public", ROLE));
      expect(holders.status === "OK" ? new Set(holders.users) : new Set()).toEqual(new Set(userIds));

      // The journal: every row done; only those "a" held were taken up again, once, by "b".
      const items = (await pool.query<{ idx: number; state: string; attempts: number; result: string }>("SELECT idx, state, attempts, result FROM job_items WHERE job_id = $1", [jobId])).rows;
      expect(items.length).toBe(ROWS);
      expect(items.filter((i) => i.state !== "done")).toEqual([]);
      const repeated = items.filter((i) => i.attempts !== 1).map((i) => i.idx).sort((x, y) => x - y);
      expect(repeated).toEqual(held);
      expect(items.filter((i) => i.attempts > 2)).toEqual([]);
      for (const idx of held) expect(b.started.filter((i) => i === idx).length, `row ${idx}`).toBe(1);
      // No row was taken up twice by the living instance, nor by both except those taken over.
      expect(new Set(b.started).size).toBe(b.started.length);
      const outcomes = new Map<string, number>();
      for (const i of items) {
        const outcome = (JSON.parse(i.result) as { outcome: string }).outcome;
        outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
      }
      // A row "a" had added before it died is found holding the role, and not added again.
      expect((outcomes.get("added") ?? 0) + (outcomes.get("already had") ?? 0)).toBe(ROWS);
      expect(outcomes.get("already had") ?? 0).toBeLessThanOrEqual(held.length);

      // Both did rows ("a" until it died).
      const byA = a.finished.size;
      const byB = b.finished.size;
      expect(byA).toBeGreaterThan(ROWS / 10);
      expect(byB).toBeGreaterThan(ROWS / 10);
      console.log(
        `scale-out: plan ${((planned - t0) / 1000).toFixed(1)} s, run to the kill ${((killedAt - planned) / 1000).toFixed(1)} s, ` +
          `to the end ${((finishedAt - killedAt) / 1000).toFixed(1)} s; rows finished by a ${byA}, by b ${byB}; held by a at the kill ${held.length}; ` +
          `outcomes ${JSON.stringify(Object.fromEntries(outcomes))}`,
      );
    },
    150_000,
  );
});
