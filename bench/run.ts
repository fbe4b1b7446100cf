/**
 * `npm run bench`: Gatehouse's benchmarks, printed as one table with ratios against baselines
 * measured in the same run. A missed goal prints FAIL but still exits 0; only errors exit non-zero.
 */
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { runChildBench } from "./child.ts";
import { benchInvites } from "./invites.ts";
import { benchJobsList } from "./jobs/jobs-list.ts";
import { benchScroll } from "./scroll/scroll.ts";
import { freePort, initSdk } from "./sdk.ts";
import { formatTable, verdict, type BenchRow } from "./table.ts";
import { benchUsersScale } from "./users-scale.ts";

const log = (line: string): void => console.error(`[bench] ${line}`);

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "gatehouse-bench-"));
  try {
    // Every core listens on this port in turn: supertokens-node is initialised once per process.
    const port = await freePort();
    initSdk(`http://127.0.0.1:${port}`);
    const rows: BenchRow[] = [
      ...(await benchUsersScale({ dir, port, reps: 50, log })),
      ...(await benchInvites({ dir, port, serial: 300, parallel: 800, log })),
      // Gatehouse initialises supertokens-node its own way: its benchmark gets its own process.
      ...(await runChildBench("bench/console/page-load.ts", { BENCH_CONSOLE_USERS: "10000", BENCH_CONSOLE_REPS: "60" })),
      // The team server (issue 14): a Users page over HTTP vs in-process, sign-in in Chromium vs a session open.
      ...(await runChildBench("bench/team-server/team-server.ts", { BENCH_TEAM_USERS: "10000" })),
      // The size: 10k invites, about 20 s per side on 2 cores.
      ...(await runChildBench("bench/jobs/bulk-invite.ts", { BENCH_BULK_INVITES: "10000" })),
      // How soon a misbehaving Core or an absurd CSV is answered (timings kept out of the tests).
      ...(await runChildBench("bench/jobs/faults.ts")),
      // Just-in-time migration (seed 04): 2,000 first sign-ins through the backend kit against
      // LegacyAuth's check plus a plain sign-up; its own process (the kit's overrides).
      ...(await runChildBench("bench/migration/jit-sign-in.ts", { BENCH_MIGRATION_USERS: "2000" })),
      // The migration's local user index at 100k users: a full scan against paging with
      // supertokens-node, a refresh against a full scan, a Users page from the index against an
      // unfiltered one (bench/migration-index/index-scan.ts).
      ...(await runChildBench("bench/migration-index/index-scan.ts", { BENCH_INDEX_USERS: "100000", BENCH_INDEX_ROUNDS: "3" })),
      // The end of the migration (issue 13): 10k legacy users through the job on both paths against
      // a hand-written supertokens-node loop; its own process (Gatehouse's SDK set-up).
      ...(await runChildBench("bench/migration-end/end-of-migration.ts", { BENCH_MIGRATION_END_USERS: "10000" })),
      // The Jobs list with thousands of jobs, a page at a time.
      ...(await benchJobsList(log)),
      ...(await benchScroll({ small: 1_000, large: 100_000, rounds: 2, log })),
    ];
    const cpus = os.cpus();
    console.log("");
    console.log(formatTable(rows));
    console.log("");
    console.log(
      `machine: ${cpus.length} cpus (${cpus[0]?.model.trim() ?? "unknown"}), ${Math.round(os.totalmem() / 2 ** 30)} GiB, ` +
        `node ${process.version}, ${os.platform()}-${os.arch()}`,
    );
    const failed = rows.filter((r) => verdict(r) === "FAIL");
    console.log(failed.length === 0 ? "all goals met" : `GOALS MISSED: ${failed.map((r) => r.measure).join("; ")}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().then(
  // supertokens-node may keep idle keep-alive sockets open; the results are out, so leave now.
  () => process.exit(0),
  (err: unknown) => {
    console.error(err instanceof Error ? (err.stack ?? err.message) : err);
    process.exit(1);
  },
);
