/**
 * What the Migration screen shows above its lists, for the profile in force: totals, snapshots,
 * rate, criterion, the roster's source, and the user index's scan. Each part loads on its own (one
 * that fails says so where it is shown; the rest still appear). A scan's "job.progress" events
 * update its progress; when it ends, everything loads again (the new snapshot, totals, rate).
 */
import { createStore } from "zustand/vanilla";
import type { GatehouseClient } from "../../../../shared/contract/client.ts";
import type { ErrorBody } from "../../../../shared/contract/errors.ts";
import type { EventPayload } from "../../../../shared/contract/events.ts";
import type { OutputOf } from "../../../../shared/contract/index.ts";
import type { MigrationCriterion } from "../../../../shared/contract/operations/migration.ts";
import type { JobSummary } from "../../../../shared/contract/operations/jobs.ts";
import { toErrorBody } from "../../api/errors.ts";
import { caughtUp, FINISHED, ProgressMemory, withProgress } from "../../lib/jobProgress.ts";

/** Snapshots the chart asks for (a year of daily scans, and then some). */
export const HISTORY_LIMIT = 2000;

export interface Overview {
  summary: OutputOf<"migration.summary"> | null;
  history: OutputOf<"migration.history"> | null;
  rate: OutputOf<"migration.rate"> | null;
  criterion: OutputOf<"migration.criterion.get"> | null;
  source: OutputOf<"migration.source.get"> | null;
  scan: OutputOf<"migration.scan.status"> | null;
}
export type Part = keyof Overview;
const PARTS: readonly Part[] = ["summary", "history", "rate", "criterion", "source", "scan"];

export interface OverviewState extends Overview {
  /** Loading for the first time (nothing to show yet). */
  loading: boolean;
  /** Incremented by every completed load: the lists below reload with it. */
  version: number;
  errors: Partial<Record<Part, ErrorBody>>;
  load(): Promise<void>;
  startScan(mode: "full" | "refresh"): Promise<void>;
  controlScan(action: "pause" | "resume"): Promise<void>;
  setCriterion(criterion: MigrationCriterion | null): Promise<void>;
  /** A job's progress (any job of the profile): a scan's, or the roster read's, move the screen on. */
  applyProgress(p: EventPayload<"job.progress">): void;
}

const fetchers: { [P in Part]: (client: GatehouseClient) => Promise<NonNullable<Overview[P]>> } = {
  summary: (c) => c.invoke("migration.summary", {}),
  history: (c) => c.invoke("migration.history", { limit: HISTORY_LIMIT }),
  rate: (c) => c.invoke("migration.rate", {}),
  criterion: (c) => c.invoke("migration.criterion.get", {}),
  source: (c) => c.invoke("migration.source.get", {}),
  scan: (c) => c.invoke("migration.scan.status", {}),
};

export const createOverviewStore = (client: GatehouseClient) =>
  createStore<OverviewState>()((set, get) => {
    let generation = 0;
    /** Jobs whose end reloads the screen: the scan and the roster's read. */
    const watched = (): (JobSummary | null | undefined)[] => [get().scan?.job, get().source?.read?.job];
    // Events that came before the answer which started their job (lib/jobProgress.ts).
    const memory = new ProgressMemory();
    const reloadedFor = new Set<string>();
    return {
      summary: null,
      history: null,
      rate: null,
      criterion: null,
      source: null,
      scan: null,
      loading: true,
      version: 0,
      errors: {},
      async load() {
        const mine = ++generation;
        const results = await Promise.allSettled(PARTS.map((part) => fetchers[part](client)));
        if (mine !== generation) return;
        const next: Partial<Overview> = {};
        const errors: Partial<Record<Part, ErrorBody>> = {};
        results.forEach((r, i) => {
          const part = PARTS[i] as Part;
          if (r.status === "fulfilled") (next as Record<Part, unknown>)[part] = r.value;
          else errors[part] = toErrorBody(r.reason);
        });
        // A job that ended while this load was under way: its end event came before the answer.
        const scanJob = next.scan?.job;
        const readJob = next.source?.read?.job;
        const endedMeanwhile: string[] = [];
        const catchUp = (job: JobSummary): JobSummary => {
          const now = caughtUp(job, memory.latest(job.id));
          if (FINISHED.has(now.state) && !FINISHED.has(job.state)) endedMeanwhile.push(job.id);
          return now;
        };
        if (next.scan && scanJob) next.scan = { ...next.scan, job: catchUp(scanJob) };
        if (next.source?.read && readJob) next.source = { ...next.source, read: { ...next.source.read, job: catchUp(readJob) } };
        set({ ...next, errors, loading: false, version: get().version + 1 });
        // Once per job: its end brings the figures it changed.
        const again = endedMeanwhile.filter((id) => !reloadedFor.has(id));
        again.forEach((id) => reloadedFor.add(id));
        if (again.length > 0) void get().load();
      },
      async startScan(mode) {
        const answer = await client.invoke("migration.scan.start", { mode });
        const { index } = answer;
        const job = caughtUp(answer.job, memory.latest(answer.job.id));
        set({ scan: { job, index }, summary: get().summary ? { ...(get().summary as NonNullable<Overview["summary"]>), index } : null });
        // A scan that ended before its answer came: its end's reload would otherwise never happen.
        if (FINISHED.has(job.state)) void get().load();
      },
      async controlScan(action) {
        const id = get().scan?.job?.id;
        if (!id) return;
        const { job } = await client.invoke(action === "pause" ? "jobs.pause" : "jobs.resume", { jobId: id });
        const scan = get().scan;
        if (scan) set({ scan: { ...scan, job } });
      },
      async setCriterion(criterion) {
        const view = await client.invoke("migration.criterion.set", { criterion });
        set({ criterion: view });
        // The ETA and the projection follow the criterion.
        try {
          set({ rate: await client.invoke("migration.rate", {}) });
        } catch (err) {
          set({ errors: { ...get().errors, rate: toErrorBody(err) } });
        }
      },
      applyProgress(p) {
        memory.note(p);
        const scan = get().scan;
        if (scan?.job?.id === p.jobId) set({ scan: { ...scan, job: withProgress(scan.job, p) } });
        const read = get().source?.read;
        if (read?.job.id === p.jobId) {
          const source = get().source as NonNullable<Overview["source"]>;
          set({ source: { ...source, read: { ...read, job: withProgress(read.job, p) } } });
        }
        if (FINISHED.has(p.state) && watched().some((j) => j?.id === p.jobId)) void get().load();
      },
    };
  });

export type OverviewStore = ReturnType<typeof createOverviewStore>;
