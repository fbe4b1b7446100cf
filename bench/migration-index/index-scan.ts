/**
 * Goals (issue 13), on a 100k-user embedded core in a process of its own, with the console's data
 * on top (metadata, temporary-password flags, second-factor links, user-id mappings; bench/console/
 * seed-console.ts) and a 20k-user legacy roster:
 *  1. a full scan into the local user index (the "migration.scan" job: every page of 500 with its
 *     metadata in bulk, journaled, classified, a snapshot) takes at most 2x what paging through
 *     every user at limit 500 with plain supertokens-node takes (sdk-paging.ts, its own process and
 *     the SDK's own fetch); scans and baselines alternate, each scan into a fresh index;
 *  2. a refresh after little changed (50 new users, 5 cleared temporary-password flags) takes at
 *     most 10% of a full scan;
 *  3. a Users page of 100 answered from the index (temporary password; second factor enrolled)
 *     costs at most 1.5x an unfiltered page (the Core's list, metadata, roles, look-ups), both
 *     through the dispatcher.
 * Gatehouse initialises the supertokens-node singleton itself, so this runs in a child process:
 * `tsx bench/migration-index/index-scan.ts` prints {"rows": BenchRow[]} as its last stdout line.
 * BENCH_INDEX_STORE=postgres measures the same with the migration area's stores on PostgreSQL (a
 * throwaway cluster, Debian's package; a fresh database per scan), as team servers sharing one use.
 */
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type pg from "pg";
import EmailPassword from "supertokens-node/recipe/emailpassword";
import UserMetadata from "supertokens-node/recipe/usermetadata";
import { startGatehouse, type Gatehouse } from "../../main/app.ts";
import { CoreClient } from "../../main/core/core-client.ts";
import { openPostgres } from "../../main/store/postgres/pool.ts";
import type { OutputOf } from "../../shared/contract/index.ts";
import { startTestPostgres, type TestPostgres } from "../../tests/support/postgres.ts";
import { invokeOn, useBenchProfile } from "../console.ts";
import { spawnCore } from "../core-process.ts";
import { runAsChildBench, runChildJson } from "../child.ts";
import { median, medianMs } from "../measure.ts";
import { seedConsoleData } from "../console/seed-console.ts";
import { seedCoreDb } from "../seed.ts";
import type { BenchRow } from "../table.ts";

const ROSTER = 20_000;

export interface IndexScanOptions {
  users: number;
  rounds: number;
  reps: number;
  /** Where the migration area keeps its roster and index: Gatehouse's SQLite (the default) or PostgreSQL. */
  store: "sqlite" | "postgres";
  log: (line: string) => void;
}


/** A roster of legacy users: the ids the seeded mappings use (legacy-000001, ...) and more. */
function rosterCsv(): string {
  const lines = ["legacy_id,email,email_verified,created"];
  for (let i = 1; i <= ROSTER; i++) lines.push(`legacy-${String(i).padStart(6, "0")},legacy.user${i}@oldcorp.test,true,2019-06-01`);
  return lines.join("\n") + "\n";
}

const call = invokeOn;

type Job = OutputOf<"jobs.get">["job"];

/** Starts a scan and returns its wall time, once the job has completed. */
async function timedScan(g: Gatehouse, mode: "full" | "refresh"): Promise<{ ms: number; job: Job }> {
  const start = performance.now();
  const { job } = await call<OutputOf<"migration.scan.start">>(g, "migration.scan.start", { mode });
  for (;;) {
    const now = (await call<OutputOf<"jobs.get">>(g, "jobs.get", { jobId: job.id, limit: 1 })).job;
    if (now.state === "completed") return { ms: performance.now() - start, job: now };
    if (now.state === "failed" || now.state === "cancelled" || now.failed > 0) throw new Error(`scan ${now.state}: ${now.error ?? ""}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** A Gatehouse on a fresh data folder with an admin profile on `coreUrl` and the roster imported. */
async function freshGatehouse(dir: string, coreUrl: string, n: number, postgres?: pg.Pool): Promise<Gatehouse> {
  const g = await startGatehouse({ dataDir: path.join(dir, `gatehouse-${n}`), embeddedCore: false, operator: "bench", ...(postgres ? { postgres } : {}) });
  await useBenchProfile(g, coreUrl, 30_000);
  const out = await call<{ status: string }>(g, "migration.source.importCsv", { rosterCsv: rosterCsv(), fileName: "bench.csv" });
  if (out.status !== "imported") throw new Error(`the roster was ${out.status}`);
  return g;
}

export async function benchIndexScan({ users, rounds, reps, store, log }: IndexScanOptions): Promise<BenchRow[]> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "gatehouse-bench-index-"));
  let cluster: TestPostgres | undefined;
  const pools: pg.Pool[] = [];
  /** A fresh database per scan on PostgreSQL (each scan builds a fresh index). */
  const postgresFor = async (n: number): Promise<pg.Pool | undefined> => {
    if (store !== "postgres") return undefined;
    cluster ??= await startTestPostgres("bench");
    const pool = await openPostgres(await cluster.createDatabase(`bench_${n}`));
    pools.push(pool);
    return pool;
  };
  const on = store === "postgres" ? ", PostgreSQL" : "";
  try {
    const dbFile = path.join(dir, "core.sqlite");
    let started = performance.now();
    seedCoreDb(dbFile, users);
    const extra = seedConsoleData(dbFile, [0, Math.floor(users / 200)]);
    log(`seeded ${users} users in ${secs(started)} (${extra.temporaryPasswords} temporary passwords, ${extra.twoFactorLinks} 2FA links, ${extra.mappings} mappings)`);
    const core = await spawnCore(dbFile);
    let g: Gatehouse | undefined;
    try {
      const baseline: number[] = [];
      const scans: number[] = [];
      for (let r = 0; r < rounds; r++) {
        const out = (await runChildJson("bench/migration-index/sdk-paging.ts", { CORE_URL: core.url })) as { ms?: number; users?: number };
        if (typeof out.ms !== "number" || out.users !== users) throw new Error(`sdk-paging.ts printed ${JSON.stringify(out)}`);
        baseline.push(out.ms);
        // Each scan builds a fresh index (a new data folder); the last one stays for the measures below.
        await g?.close();
        g = await freshGatehouse(dir, core.url, r, await postgresFor(r));
        const { ms, job } = await timedScan(g, "full");
        scans.push(ms);
        log(`round ${r + 1}: supertokens-node paging ${secs0(out.ms)}, full scan ${secs0(ms)} (${job.total} items)`);
      }
      if (!g) throw new Error("no rounds");
      const gh = g;
      const full = median(scans);
      const paging = median(baseline);

      // A full scan over an index that has everything already (information).
      const rescan = (await timedScan(gh, "full")).ms;
      // Little changed: 50 new users, 5 flags cleared.
      const app = new CoreClient({ uris: [core.url], apiKey: undefined, timeoutMs: 30_000 });
      const refreshes: number[] = [];
      const idle: number[] = [];
      for (let r = 0; r < 3; r++) {
        for (let i = 0; i < 50; i++) await app.sdk(() => EmailPassword.signUp("public", `new${r}-${i}@bench.test`, "Bench-password-1"));
        const temps = await call<OutputOf<"users.list">>(gh, "users.list", { tenantId: "public", order: "newest", limit: 5, temporaryPassword: true });
        for (const row of temps.rows) await app.sdk(() => UserMetadata.updateUserMetadata(row.id, { isUsingTemporaryPassword: null } as never));
        refreshes.push((await timedScan(gh, "refresh")).ms);
        idle.push((await timedScan(gh, "refresh")).ms);
      }
      const refresh = median(refreshes);
      log(`rescan ${secs0(rescan)}, refreshes ${refreshes.map(secs0).join(", ")}, with nothing changed ${idle.map(secs0).join(", ")}`);

      // A Users page from the index against an unfiltered one (both through the dispatcher).
      const page = (filter: Record<string, unknown>) => () => call<OutputOf<"users.list">>(gh, "users.list", { tenantId: "public", order: "newest", limit: 100, ...filter });
      const check = await page({ temporaryPassword: true })();
      const check2 = await page({ secondFactor: "enrolled" })();
      if (check.rows.length !== 100 || !check.index || check2.rows.length !== 100 || !check2.index) throw new Error("the filtered pages did not come full from the index");
      started = performance.now();
      const t = await medianMs({ unfiltered: page({}), temporary: page({ temporaryPassword: true }), enrolled: page({ secondFactor: "enrolled" }) }, { warmup: 10, reps });
      log(`measured the Users pages in ${secs(started)}`);

      const k = `${Math.round(users / 1000)}k`;
      return [
        {
          measure: `full scan of ${k} users into the index (roster ${ROSTER / 1000}k${on}) vs paging them at 500 with supertokens-node`,
          value: secs0(full),
          baseline: secs0(paging),
          ratio: full / paging,
          maxRatio: 2,
        },
        { measure: `refresh after 50 new users and 5 cleared flags, vs a full scan (${k}${on})`, value: secs0(refresh), baseline: secs0(full), ratio: refresh / full, maxRatio: 0.1 },
        { measure: `refresh with nothing changed, vs a full scan (${k}${on})`, value: secs0(median(idle)), baseline: secs0(full), ratio: median(idle) / full },
        { measure: `full scan over a complete index, vs the first (${k}${on})`, value: secs0(rescan), baseline: secs0(full), ratio: rescan / full },
        { measure: `Users page of 100 from the index (temporary password) vs unfiltered (${k}${on})`, value: ms(t.temporary), baseline: ms(t.unfiltered), ratio: t.temporary / t.unfiltered, maxRatio: 1.5 },
        { measure: `Users page of 100 from the index (2FA enrolled) vs unfiltered (${k}${on})`, value: ms(t.enrolled), baseline: ms(t.unfiltered), ratio: t.enrolled / t.unfiltered, maxRatio: 1.5 },
      ];
    } finally {
      await g?.close();
      await core.close();
    }
  } finally {
    await Promise.all(pools.map((p) => p.end()));
    await cluster?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

const secs = (since: number) => `${((performance.now() - since) / 1000).toFixed(1)} s`;
const secs0 = (msValue: number) => `${(msValue / 1000).toFixed(2)} s`;
const ms = (value: number) => `${value.toFixed(1)} ms`;

runAsChildBench(import.meta.url, () =>
  benchIndexScan({
    users: Number(process.env.BENCH_INDEX_USERS ?? 100_000),
    rounds: Number(process.env.BENCH_INDEX_ROUNDS ?? 3),
    reps: Number(process.env.BENCH_INDEX_REPS ?? 30),
    store: process.env.BENCH_INDEX_STORE === "postgres" ? "postgres" : "sqlite",
    log: (line) => console.error(`[bench] ${line}`),
  }),
);
