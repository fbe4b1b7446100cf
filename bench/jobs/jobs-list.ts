/**
 * Goal: the Jobs list stays fast with thousands of jobs. With 5,000 jobs of one profile (and as
 * many of another), of 100 items each, a page of 50 (jobs.list: their summaries with counts,
 * newest first, and the total) takes under 50 ms, the first page and the last alike; a job's page
 * of 200 items (jobs.get) under 20 ms.
 *
 * Measured on the runner and journal over a real SQLite file (no Core is called: the jobs are
 * drafts of a kind that plans numbered items). Runs in bench/run.ts's process.
 */
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { z } from "zod";
import type { CoreClient } from "../../main/core/core-client.ts";
import { EventBus } from "../../main/events.ts";
import type { JobKind } from "../../main/jobs/kind.ts";
import { JobRunner } from "../../main/jobs/runner.ts";
import { openStore } from "../../main/store/database.ts";
import { medianMs } from "../measure.ts";
import type { BenchRow } from "../table.ts";

const JOBS = 5_000;
const ITEMS = 100;
const PAGE_BUDGET_MS = 50;
const ITEMS_BUDGET_MS = 20;

/** The kind plans without a Core, and no job is started. */
const NO_CORE = {} as CoreClient;

const numbered: JobKind<{ count: number }, { n: number }, { ok: boolean }> = {
  name: "bench.numbered",
  permission: "jobs:control",
  input: z.object({ count: z.number() }),
  concurrency: 1,
  inputColumns: ["n"],
  resultColumns: ["ok"],
  describe: (i) => `${i.count} numbered items`,
  prepare: (i) => Promise.resolve(Array.from({ length: i.count }, (_, n) => (n % 17 === 0 ? { input: { n }, error: "not valid" } : { input: { n }, plan: "do" }))),
  runItem: () => Promise.resolve({ ok: true }),
};

export async function benchJobsList(log: (line: string) => void): Promise<BenchRow[]> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "gatehouse-bench-jobs-"));
  const db = openStore(path.join(dir, "gatehouse.sqlite"));
  try {
    const runner = new JobRunner({ db, events: new EventBus(), now: Date.now, coreFor: () => NO_CORE, profileName: () => "Bench" });
    runner.register(numbered);
    const started = performance.now();
    for (let i = 0; i < JOBS; i++) {
      for (const profileId of ["mine", "theirs"]) await runner.dryRun("bench.numbered", { count: ITEMS }, { profileId, createdBy: "bench" }, 1);
    }
    log(`${2 * JOBS} jobs of ${ITEMS} items planned in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    const last = Math.floor((JOBS - 1) / 50) * 50;
    const someJob = (await runner.list("mine", 0, 1)).jobs[0]?.id ?? "";
    const times = await medianMs(
      {
        first: () => runner.list("mine", 0, 50),
        last: () => runner.list("mine", last, 50),
        items: () => runner.get(someJob, 0, 200),
      },
      { warmup: 3, reps: 15 },
    );
    const { total } = await runner.list("mine", 0, 1);
    if (total !== JOBS) throw new Error(`the profile lists ${total} jobs, not ${JOBS}`);
    log(`jobs.list page of 50: first ${times.first.toFixed(1)} ms, last ${times.last.toFixed(1)} ms; jobs.get 200 items ${times.items.toFixed(1)} ms`);
    const row = (measure: string, ms: number, budget: number): BenchRow => ({ measure, value: `${ms.toFixed(1)} ms`, baseline: `${budget} ms budget`, ratio: ms / budget, maxRatio: 1 });
    return [
      row(`jobs list, ${JOBS.toLocaleString("en-US")} jobs: first page of 50`, times.first, PAGE_BUDGET_MS),
      row(`jobs list, ${JOBS.toLocaleString("en-US")} jobs: last page of 50`, times.last, PAGE_BUDGET_MS),
      row(`job of ${ITEMS} items: a page of its items`, times.items, ITEMS_BUDGET_MS),
    ];
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
