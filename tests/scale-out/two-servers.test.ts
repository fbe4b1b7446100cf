/**
 * Issue 14's proof with whole team servers: two `startTeamServer` processes (server-instance.ts)
 * on one PostgreSQL, with the same server key, the same operator directory (an embedded core
 * this test starts, reached over HTTP as a real Core would be) and the same config profile
 * "production" (an embedded core in a process of its own seeded with 10,000 users, behind a
 * counting proxy, with an API key the profile reads from a file).
 *
 * An admin signs in on instance A over HTTP (cookie + CSRF), creates a role, plans a
 * roles.bulkAssign job for the 10,000 users and starts it, all through /api/invoke. The same
 * session cookie works on instance B, which takes the job up by itself; both instances work on
 * it. When B reports half the rows done, A is killed with SIGKILL. B takes A's items over when
 * their lease runs out and finishes. Then:
 *   - the job is completed, every row done; only the rows A held when it died ran again, once;
 *   - the Core received exactly one role addition per user, and all 10,000 hold the role;
 *   - the audit chain verifies from B (an auditor signed in there) and holds entries from both
 *     instances (the browser comes to A and to B from different addresses, through the trusted proxy);
 *   - signing out on B ends the session A gave.
 */
import { fork, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type pg from "pg";
import UserRoles from "supertokens-node/recipe/userroles";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawnCore, type CoreProcess } from "../../bench/core-process.ts";
import { CoreClient } from "../../main/core/core-client.ts";
import { startEmbeddedCore, type RunningEmbeddedCore } from "../../main/embedded-core/index.ts";
import { FileKeySecretBox } from "../../main/secrets/file-key-box.ts";
import { PostgresAuditLog } from "../../main/services/audit/postgres-audit-log.ts";
import { openPostgres } from "../../main/store/postgres/pool.ts";
import type { ServerConfigFile } from "../../main/team-server/config.ts";
import { auditLogSink } from "../../main/team/audit.ts";
import { createTeam } from "../../main/team/index.ts";
import { addOperator } from "../../main/team/operators/add-operator.ts";
import { PostgresTeamStore } from "../../main/team/store/postgres-team-store.ts";
import type { OperatorRole } from "../../shared/contract/permissions.ts";
import { roleAdds, startScriptedProxy, waitFor, type ScriptedProxy } from "../main/jobs/helpers.ts";
import { stubRenderer } from "../server/helpers.ts";
import { startTestPostgres, type TestPostgres } from "../support/postgres.ts";
import { seedUsers } from "../support/seed-users.ts";
import { Browser } from "../team/support/team-http.ts";
import { invoke } from "../team-server/support/server-fixture.ts";

const ROWS = 10_000;
const ROLE = "scale-out";
const DATA_KEY = "scale-out-data-core-key-5c1e0b7a93d24f68";
const DIRECTORY_KEY = "scale-out-directory-key-8d2f4a6c0e1b3957";
/** Where the browser comes from when it talks to A, and to B (X-Forwarded-For through the trusted 127.0.0.1). */
const VIA_A = "198.51.100.1";
const VIA_B = "198.51.100.2";
const SCRIPT = fileURLToPath(new URL("./server-instance.ts", import.meta.url));

interface Instance {
  origin: string;
  child: ChildProcess;
  kill(): Promise<void>;
  stop(): Promise<void>;
}

let dir: string;
let cluster: TestPostgres;
let pool: pg.Pool;
let dataCore: CoreProcess;
let directoryCore: RunningEmbeddedCore;
let proxy: ScriptedProxy;
let renderer: ReturnType<typeof stubRenderer>;
let userIds: string[];
const children: ChildProcess[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "gatehouse-two-servers-"));
  const dbFile = join(dir, "data-core.sqlite");
  userIds = seedUsers(dbFile, [{ recipe: "emailpassword", count: ROWS, emailPrefix: "scale." }]).map((u) => u.id);
  [cluster, dataCore, directoryCore] = await Promise.all([startTestPostgres(), spawnCore(dbFile, ["--api-key", DATA_KEY]), startEmbeddedCore({ apiKeys: [DIRECTORY_KEY] })]);
  pool = await openPostgres(cluster.url);
  proxy = await startScriptedProxy(dataCore.url);
  renderer = stubRenderer();
  // The files every instance's config names: one server key, the two Cores' API keys.
  new FileKeySecretBox(join(dir, "server.key"));
  writeFileSync(join(dir, "data.key"), DATA_KEY);
  writeFileSync(join(dir, "directory.key"), DIRECTORY_KEY);
}, 90_000);

afterAll(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  await proxy?.close();
  await pool?.end();
  await dataCore?.close();
  await directoryCore?.close();
  await cluster?.stop();
  rmSync(dir, { recursive: true, force: true });
  if (renderer) rmSync(renderer.base, { recursive: true, force: true });
});

/** The config both instances run with; only the data folder differs. */
function configFor(name: string): string {
  const config: ServerConfigFile = {
    listen: { host: "127.0.0.1", port: 0 },
    dataDir: name,
    trustedProxies: ["127.0.0.1"],
    demoCore: false,
    operatorDirectory: { kind: "core", uri: directoryCore.url, apiKeyFile: "directory.key" },
    serverKeyFile: "server.key",
    store: { kind: "postgres", url: cluster.url },
    profiles: [{ id: "production", name: "Production", uris: [proxy.url], apiKeyFile: "data.key" }],
    activeProfile: "production",
  };
  const file = join(dir, `${name}.json`);
  writeFileSync(file, JSON.stringify(config, null, 2));
  return file;
}

async function startInstance(name: string): Promise<Instance> {
  const child = fork(SCRIPT, [configFor(name)], {
    execArgv: ["--import", "tsx"],
    env: { ...process.env, SCALE_RENDERER_DIR: renderer.rendererDir, SCALE_INSTANCE: name },
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  children.push(child);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const origin = await new Promise<string>((resolve, reject) => {
    child.once("message", (m: { origin?: string; error?: string }) => (m.origin ? resolve(m.origin) : reject(new Error(`instance ${name}: ${m.error}`))));
    void exited.then(() => reject(new Error(`instance ${name} ended before it was ready`)));
  });
  return {
    origin,
    child,
    kill: async () => {
      child.kill("SIGKILL");
      await exited;
    },
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGTERM");
      await exited;
    },
  };
}

/**
 * Operators are added as the `add-operator` command does (addOperator on the shared directory and
 * the shared PostgreSQL store, audited in the shared chain); each sets the password with the link
 * on the instance named, over HTTP, and signs in there.
 */
async function operator(email: string, role: OperatorRole, on: Instance, address: string): Promise<Browser> {
  const secrets = new FileKeySecretBox(join(dir, "server.key"));
  const audit = auditLogSink(await PostgresAuditLog.open(pool, secrets, Date.now));
  const team = await createTeam({ core: new CoreClient({ uris: [directoryCore.url], apiKey: DIRECTORY_KEY, timeoutMs: 10_000 }), store: new PostgresTeamStore(pool), secrets, audit, publicUrl: on.origin, log: () => {} });
  const created = await addOperator({ directory: team.directory, links: team.links, audit, now: Date.now }, { email, role }, "cli:tester");
  const password = `Pw-${email}-correct-horse-battery`;
  const browser = new Browser(on.origin, { "x-forwarded-for": address });
  const set = await browser.post("/api/team/set-password", { token: new URL(created.link.url).hash.replace(/^#set-password=/, ""), password });
  expect(set.body.ok, JSON.stringify(set.body)).toBe(true);
  const signedIn = await browser.post("/api/team/sign-in", { email, password });
  expect(signedIn.body.value?.step, JSON.stringify(signedIn.body)).toBe("signed-in");
  return browser;
}

/** The same browser's cookies and CSRF token, sent to another instance (as a load balancer would). */
function sameSessionOn(browser: Browser, on: Instance, address: string): Browser {
  const other = new Browser(on.origin, { "x-forwarded-for": address });
  for (const [name, value] of browser.cookies) other.cookies.set(name, value);
  other.csrf = browser.csrf;
  return other;
}

type Job = { state: string; done: number; running: number; failed: number; skipped: number; total: number; profileId: string };
const jobOn = async (browser: Browser, jobId: string): Promise<Job> => {
  const answer = await invoke(browser, "jobs.get", { jobId, limit: 1 });
  if (!answer.ok) throw new Error(`jobs.get: ${JSON.stringify(answer.error)}`);
  return (answer.value as { job: Job }).job;
};

/** Polling more often than this would take the two shared CPUs from the instances (jobs.get counts the items). */
const POLL_MS = 250;
const pause = () => new Promise((resolve) => setTimeout(resolve, POLL_MS));

/** The job's items under way right now, by the instance (lease owner) holding them. */
async function runningByOwner(jobId: string): Promise<Map<string, number[]>> {
  const rows = (await pool.query<{ owner: string; idx: number }>("SELECT owner, idx FROM job_items WHERE job_id = $1 AND state = 'running' ORDER BY idx", [jobId])).rows;
  const by = new Map<string, number[]>();
  for (const r of rows) by.set(r.owner, [...(by.get(r.owner) ?? []), r.idx]);
  return by;
}

describe("two team-server processes on one PostgreSQL", () => {
  it(
    "share a session and a 10k-row job planned on A; A killed with SIGKILL half-way; B finishes, every row done exactly once; the chain verifies from B",
    async () => {
      const t0 = Date.now();
      const [a, b] = await Promise.all([startInstance("a"), startInstance("b")]);
      const started = Date.now();

      // The admin signs in on A, and works there.
      const onA = await operator("ada@example.com", "admin", a, VIA_A);
      expect((await invoke(onA, "session.whoami")).value).toMatchObject({ operator: "ada@example.com", role: "admin", mode: "team", profile: { id: "production", name: "Production" } });
      expect((await invoke(onA, "roles.create", { role: ROLE, permissions: [] })).ok).toBe(true);
      const planned = await invoke(onA, "jobs.dryRun", { kind: "roles.bulkAssign", input: { role: ROLE, tenantId: "public", userIds } });
      expect(planned.ok, JSON.stringify(planned.error)).toBe(true);
      const jobId = String((planned.value as { job: { id: string } }).job.id);
      expect((planned.value as { job: Job }).job).toMatchObject({ state: "draft", total: ROWS, skipped: 0, profileId: "production" });
      const dryRunAt = Date.now();
      expect((await invoke(onA, "jobs.start", { jobId })).ok).toBe(true);

      // The same session cookie works on B: it sees the job A started, in the same profile.
      const onB = sameSessionOn(onA, b, VIA_B);
      expect((await invoke(onB, "session.whoami")).value).toMatchObject({ operator: "ada@example.com", role: "admin" });
      expect(await jobOn(onB, jobId)).toMatchObject({ state: "running", total: ROWS, profileId: "production" });

      // Both instances hold items of the job (B takes it up by itself); watched until B reports half done.
      const seen = new Map<string, Set<number>>();
      let atHalf: Job | undefined;
      await waitFor(
        "half the rows done, as B reports",
        async () => {
          await pause();
          for (const [owner, indexes] of await runningByOwner(jobId)) {
            const set = seen.get(owner) ?? new Set<number>();
            for (const i of indexes) set.add(i);
            seen.set(owner, set);
          }
          const job = await jobOn(onB, jobId);
          if (job.done >= ROWS / 2) atHalf = job;
          return atHalf !== undefined;
        },
        90_000,
      );
      expect(atHalf?.state).toBe("running");
      await a.kill();
      const killedAt = Date.now();
      // What A held when it died: theirs until the lease runs out, then B's.
      const heldAtKill = await runningByOwner(jobId);
      expect([...seen.keys()].length, "instances seen holding items").toBe(2);

      await waitFor("the job to complete, as B reports", async () => (await pause(), (await jobOn(onB, jobId)).state === "completed"), 90_000);
      const finishedAt = Date.now();
      const final = await jobOn(onB, jobId);
      expect(final).toMatchObject({ state: "completed", total: ROWS, done: ROWS, failed: 0, skipped: 0, running: 0 });

      // Every row done; the only rows run twice are those one instance (A, dead) held at the kill.
      const items = (await pool.query<{ idx: number; state: string; attempts: number; result: string }>("SELECT idx, state, attempts, result FROM job_items WHERE job_id = $1", [jobId])).rows;
      expect(items.filter((i) => i.state !== "done")).toEqual([]);
      const repeated = items.filter((i) => i.attempts !== 1).map((i) => i.idx).sort((x, y) => x - y);
      const heldByA = [...heldAtKill.entries()].filter(([, indexes]) => indexes.join() === repeated.join());
      expect(repeated.length, "rows A held at the kill").toBeGreaterThan(0);
      expect(heldByA, `repeated ${JSON.stringify(repeated)}; held ${JSON.stringify([...heldAtKill])}`).toHaveLength(1);
      expect(items.filter((i) => i.attempts > 2)).toEqual([]);
      const aId = heldByA[0]?.[0] ?? "";
      const bId = [...seen.keys()].find((k) => k !== aId) ?? "";
      // Both worked on it: each was seen holding many rows (at most 4 at a time each).
      expect(seen.get(aId)?.size ?? 0).toBeGreaterThan(20);
      expect(seen.get(bId)?.size ?? 0).toBeGreaterThan(20);
      const outcomes = new Map<string, number>();
      for (const i of items) {
        const outcome = (JSON.parse(i.result) as { outcome: string }).outcome;
        outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
      }
      expect((outcomes.get("added") ?? 0) + (outcomes.get("already had") ?? 0) + (outcomes.get("has the role") ?? 0)).toBe(ROWS);
      expect((outcomes.get("already had") ?? 0) + (outcomes.get("has the role") ?? 0)).toBeLessThanOrEqual(repeated.length);

      // The Core: exactly one role addition per user, and all of them hold the role.
      const adds = roleAdds(proxy);
      expect(adds.size).toBe(ROWS);
      expect([...adds].filter(([, n]) => n !== 1)).toEqual([]);
      const holders = await new CoreClient({ uris: [dataCore.url], apiKey: DATA_KEY, timeoutMs: 10_000 }).sdk(() => UserRoles.getUsersThatHaveRole("public", ROLE));
      expect(holders.status === "OK" ? new Set(holders.users) : new Set()).toEqual(new Set(userIds));

      // The audit chain, from B: an auditor signs in there and verifies it; it holds both instances' entries.
      const auditor = await operator("aud@example.com", "auditor", b, VIA_B);
      expect((await onB.post("/api/team/sign-out")).body.ok).toBe(true);
      expect((await invoke(onB, "jobs.get", { jobId, limit: 1 })).error?.code).toBe("UNAUTHENTICATED");
      const verified = (await invoke(auditor, "audit.verify")).value as { ok: boolean; checked: number; message: string };
      expect(verified.ok, verified.message).toBe(true);
      const trail = ((await invoke(auditor, "audit.list", { limit: 100 })).value as { entries: { operation: string; operator: string; address: string | null; outcome: string }[]; total: number });
      expect(verified.checked).toBe(trail.total);
      const via = (address: string) => trail.entries.filter((e) => e.address === address && e.outcome === "ok").map((e) => `${e.operator} ${e.operation}`).reverse();
      expect(via(VIA_A)).toEqual(["ada@example.com team.setPassword", "ada@example.com team.signIn", "ada@example.com roles.create", "ada@example.com jobs.dryRun", "ada@example.com jobs.start"]);
      expect(via(VIA_B)).toEqual(["aud@example.com team.setPassword", "aud@example.com team.signIn", "ada@example.com team.signOut"]);

      // No API key in anything a browser got.
      for (const text of [...onA.answers, ...onB.answers, ...auditor.answers]) {
        expect(text).not.toContain(DATA_KEY);
        expect(text).not.toContain(DIRECTORY_KEY);
      }
      await b.stop();
      const held = heldAtKill.get(aId)?.length ?? 0;
      console.log(
        `two servers: start ${((started - t0) / 1000).toFixed(1)} s, sign-in + dry run ${((dryRunAt - started) / 1000).toFixed(1)} s, run to the kill ${((killedAt - dryRunAt) / 1000).toFixed(1)} s, ` +
          `to the end ${((finishedAt - killedAt) / 1000).toFixed(1)} s; rows seen held by a ${seen.get(aId)?.size}, by b ${seen.get(bId)?.size}; held by a at the kill ${held}; ` +
          `outcomes ${JSON.stringify(Object.fromEntries(outcomes))}`,
      );
    },
    180_000,
  );
});
