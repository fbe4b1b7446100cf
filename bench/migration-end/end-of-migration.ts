/**
 * Goal (issue 13): the end of the migration for N legacy users (10k) on the embedded core, end to
 * end — accounts, user-id mappings, temporary-password flags, verification, data, reset links in
 * the outbox — through Gatehouse's job:
 *   - the bulk-import path at >= 5x the throughput of a plain supertokens-node loop (signUp +
 *     mapping + metadata + verification + reset token, hand-written-loop.ts) at the same
 *     concurrency (8);
 *   - the supertokens-node path at >= 0.9x that loop;
 *   - Gatehouse's peak RSS during the jobs < 400 MB.
 * Each side has an embedded core in a process of its own on an empty database file (the bulk
 * side's core runs its import task every BULK_INTERVAL_S, as a real Core does every 5 minutes).
 * The bulk-import job takes all N users in one job. The supertokens-node job and the loop, both
 * bound by the Core's password hashing, take the N users in ROUNDS alternating slices (the loop
 * first in even rounds, the job first in odd ones), so that the load of a shared machine falls on
 * both alike; each side's throughput is its users over its summed time. Jobs are timed from start
 * to completed (their dry runs, which look every user up on the Core, are reported apart).
 *
 * Gatehouse initialises the supertokens-node singleton itself: this runs in a child process
 * (`tsx bench/migration-end/end-of-migration.ts` prints {"rows": BenchRow[]} as its last line).
 */
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { startGatehouse, type Gatehouse } from "../../main/app.ts";
import type { RosterReader } from "../../main/migration/roster/types.ts";
import type { OutputOf } from "../../shared/contract/index.ts";
import { invokeOn, useBenchProfile } from "../console.ts";
import { spawnCore as spawnCoreProcess } from "../core-process.ts";
import { runAsChildBench, runChildJson } from "../child.ts";
import type { BenchRow } from "../table.ts";
import { benchRoster, rosterReader } from "./roster.ts";

const CONCURRENCY = 8;
const RSS_LIMIT_MB = 400;
const BULK_INTERVAL_S = "0.5";
const ROUNDS = 4;

interface Core {
  url: string;
  cpuSeconds(): number;
  close(): Promise<void>;
}

/** The embedded core in a process of its own, its bulk import running every BULK_INTERVAL_S. */
const spawnCore = (dbFile: string): Promise<Core> => spawnCoreProcess(dbFile, ["--bulk-import-interval", BULK_INTERVAL_S]);

/** Time and CPU spent on some users (summed over rounds). */
class Tally {
  users = 0;
  seconds = 0;
  cpuSeconds = 0;
  coreCpuSeconds = 0;
  dryRunSeconds = 0;
  get perSecond(): number {
    return this.users / this.seconds;
  }
  describe(): string {
    return `${this.perSecond.toFixed(0)} users/s; CPU per user ${((this.cpuSeconds / this.users) * 1000).toFixed(2)} ms, its core's ${((this.coreCpuSeconds / this.users) * 1000).toFixed(2)} ms`;
  }
}

/** A Gatehouse on `core` whose roster the bench swaps between rounds; peak RSS sampled during jobs. */
async function gatehouseOn(dir: string, name: string, core: Core) {
  let roster: RosterReader = rosterReader([]);
  const reader: RosterReader = {
    notYetMigrated: (p, page) => roster.notYetMigrated(p, page),
    conflicts: (p, page) => roster.conflicts(p, page),
    get: (p, id) => roster.get(p, id),
    unclassified: (p) => roster.unclassified(p),
  };
  const gatehouse: Gatehouse = await startGatehouse({ dataDir: path.join(dir, `gatehouse-${name}`), embeddedCore: false, operator: "bench", migrationEnd: { roster: reader } });
  const invoke = <T>(op: string, input: unknown): Promise<T> => invokeOn<T>(gatehouse, op, input);
  await useBenchProfile(gatehouse, core.url, 60_000);
  let peak = 0;
  return {
    peakRssMb: () => peak / 2 ** 20,
    close: () => gatehouse.close(),
    /** One end-of-migration job over these users, timed from start to completed. */
    async run(pathName: "bulk-import" | "sdk", users: ReturnType<typeof benchRoster>, tally: Tally): Promise<void> {
      roster = rosterReader(users);
      let started = performance.now();
      const plan = await invoke<OutputOf<"migrationEnd.plan">>("migrationEnd.plan", { path: pathName, provider: "LegacyAuth" });
      tally.dryRunSeconds += (performance.now() - started) / 1000;
      if (!plan.job || plan.counts.accounts !== users.length) throw new Error(`the plan has ${plan.counts.accounts} accounts of ${users.length}`);
      const jobId = plan.job.id;
      const finished = new Promise<void>((resolve, reject) => {
        const off = gatehouse.events.on((event, payload) => {
          const p = payload as { jobId?: string; state?: string };
          if (event !== "job.progress" || p.jobId !== jobId) return;
          if (p.state === "completed") resolve();
          else if (p.state === "failed" || p.state === "cancelled") reject(new Error(`the job ended ${p.state}`));
          if (p.state !== "running" && p.state !== "waiting") off();
        });
      });
      peak = Math.max(peak, process.memoryUsage().rss);
      const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
      started = performance.now();
      const cpu0 = process.cpuUsage();
      const coreCpu0 = core.cpuSeconds();
      await invoke("jobs.start", { jobId });
      await finished;
      tally.seconds += (performance.now() - started) / 1000;
      const cpu = process.cpuUsage(cpu0);
      tally.cpuSeconds += (cpu.user + cpu.system) / 1e6;
      tally.coreCpuSeconds += core.cpuSeconds() - coreCpu0;
      tally.users += users.length;
      clearInterval(sampler);
      peak = Math.max(peak, process.memoryUsage().rss);
      const { job } = await invoke<OutputOf<"jobs.get">>("jobs.get", { jobId, limit: 1 });
      if (job.done !== users.length || job.failed !== 0) throw new Error(`the job did ${job.done} of ${users.length}, ${job.failed} failed`);
      const status = await invoke<OutputOf<"migrationEnd.status">>("migrationEnd.status", { jobId });
      if (status.links.outbox !== users.length) throw new Error(`${status.links.outbox} reset links in the outbox for ${users.length} users`);
    },
  };
}

/** One round of the hand-written loop (its own process), on users offset..offset+count. */
async function loopRound(core: Core, offset: number, count: number, tally: Tally): Promise<void> {
  const coreCpu0 = core.cpuSeconds();
  const out = (await runChildJson("bench/migration-end/hand-written-loop.ts", { CORE_URL: core.url, COUNT: String(count), OFFSET: String(offset), CONCURRENCY: String(CONCURRENCY) })) as {
    seconds?: number;
    cpuSeconds?: number;
  };
  if (typeof out.seconds !== "number" || typeof out.cpuSeconds !== "number") throw new Error(`hand-written-loop.ts printed ${JSON.stringify(out)}`);
  tally.users += count;
  tally.seconds += out.seconds;
  tally.cpuSeconds += out.cpuSeconds;
  tally.coreCpuSeconds += core.cpuSeconds() - coreCpu0;
}

export async function benchMigrationEnd({ count, log }: { count: number; log: (line: string) => void }): Promise<BenchRow[]> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "gatehouse-bench-end-"));
  const roster = benchRoster(count);
  const cores: Core[] = [];
  const gatehouses: { close(): Promise<void> }[] = [];
  try {
    const [bulkCore, sdkCore, loopCore] = await Promise.all(["bulk", "sdk", "loop"].map((n) => spawnCore(path.join(dir, `${n}-core.sqlite`))));
    if (!bulkCore || !sdkCore || !loopCore) throw new Error("no core");
    cores.push(bulkCore, sdkCore, loopCore);

    const bulk = new Tally();
    const bulkSide = await gatehouseOn(dir, "bulk", bulkCore);
    gatehouses.push(bulkSide);
    await bulkSide.run("bulk-import", roster, bulk);
    log(`bulk-import job, ${count} users in one job: ${bulk.describe()}; dry run ${bulk.dryRunSeconds.toFixed(1)} s`);

    const sdk = new Tally();
    const loop = new Tally();
    const sdkSide = await gatehouseOn(dir, "sdk", sdkCore);
    gatehouses.push(sdkSide);
    const size = Math.ceil(count / ROUNDS);
    for (let r = 0; r < ROUNDS; r++) {
      const offset = r * size;
      const users = roster.slice(offset, offset + size);
      if (users.length === 0) break;
      const job = () => sdkSide.run("sdk", users, sdk);
      const byHand = () => loopRound(loopCore, offset, users.length, loop);
      if (r % 2 === 0) {
        await byHand();
        await job();
      } else {
        await job();
        await byHand();
      }
      log(`round ${r + 1}/${ROUNDS}: supertokens-node job ${sdk.perSecond.toFixed(1)} /s, loop ${loop.perSecond.toFixed(1)} /s so far`);
    }
    log(`supertokens-node job: ${sdk.describe()}; dry runs ${sdk.dryRunSeconds.toFixed(1)} s`);
    log(`hand-written loop: ${loop.describe()}`);
    const peak = Math.max(bulkSide.peakRssMb(), sdkSide.peakRssMb());
    log(`peak RSS: bulk-import job ${bulkSide.peakRssMb().toFixed(0)} MB, supertokens-node jobs ${sdkSide.peakRssMb().toFixed(0)} MB`);
    const k = count >= 1000 ? `${count / 1000}k` : String(count);
    return [
      // ratio = loop / job throughput: at most 0.2 means the bulk path is at least 5x the loop.
      { measure: `end of migration ${k}: bulk-import job vs loop (c${CONCURRENCY}), loop/job`, value: `${bulk.perSecond.toFixed(0)} /s`, baseline: `${loop.perSecond.toFixed(1)} /s by hand`, ratio: loop.perSecond / bulk.perSecond, maxRatio: 0.2 },
      { measure: `end of migration ${k}: supertokens-node job vs loop (c${CONCURRENCY}), loop/job`, value: `${sdk.perSecond.toFixed(1)} /s`, baseline: `${loop.perSecond.toFixed(1)} /s by hand`, ratio: loop.perSecond / sdk.perSecond, maxRatio: 1 / 0.9 },
      { measure: `end of migration ${k}: peak RSS during the jobs`, value: `${peak.toFixed(0)} MB`, baseline: `${RSS_LIMIT_MB} MB`, ratio: peak / RSS_LIMIT_MB, maxRatio: 1 },
      { measure: `end of migration ${k}: dry runs (every user looked up on the Core), bulk / sdk`, value: `${bulk.dryRunSeconds.toFixed(1)} s / ${sdk.dryRunSeconds.toFixed(1)} s`, baseline: "" },
    ];
  } finally {
    for (const g of gatehouses) await g.close();
    for (const c of cores) await c.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

runAsChildBench(import.meta.url, () =>
  benchMigrationEnd({ count: Number(process.env.BENCH_MIGRATION_END_USERS ?? 10_000), log: (line) => console.error(`[bench:migration-end] ${line}`) }),
);
