/** Jobs: the list with live counts (from "job.progress"), and the job in view with its items. */
import { createStore } from "zustand/vanilla";
import type { GatehouseClient } from "../../../shared/contract/client.ts";
import type { EventPayload } from "../../../shared/contract/events.ts";
import type { JobItem, JobSummary } from "../../../shared/contract/operations/jobs.ts";
import { toErrorBody } from "../api/errors.ts";
import type { Loadable } from "./types.ts";

/** Items fetched for the job in view (the table is virtualized; the result CSV has them all). */
export const JOB_ITEMS_PAGE = 5000;

export interface JobsState extends Loadable {
  jobs: JobSummary[];
  selectedId: string | null;
  detail: { job: JobSummary; items: JobItem[]; itemsTotal: number } | null;
  load(): Promise<void>;
  select(id: string | null): Promise<void>;
  /** A "job.progress" event: counts into the list; the job in view reloads its items. */
  applyProgress(p: EventPayload<"job.progress">): void;
  control(action: "pause" | "resume" | "cancel", id: string): Promise<void>;
  result(id: string): Promise<{ filename: string; content: string; rows: number }>;
}

export const createJobsStore = (client: GatehouseClient) =>
  createStore<JobsState>()((set, get) => {
    let detailGeneration = 0;
    const merge = (job: JobSummary) => {
      const jobs = get().jobs;
      const at = jobs.findIndex((j) => j.id === job.id);
      set({ jobs: at < 0 ? [job, ...jobs] : jobs.map((j) => (j.id === job.id ? job : j)) });
      const detail = get().detail;
      if (detail?.job.id === job.id) set({ detail: { ...detail, job } });
    };
    const loadDetail = async (id: string) => {
      const mine = ++detailGeneration;
      try {
        const detail = await client.invoke("jobs.get", { jobId: id, limit: JOB_ITEMS_PAGE });
        if (mine === detailGeneration && get().selectedId === id) set({ detail });
      } catch (err) {
        if (mine === detailGeneration) set({ error: toErrorBody(err) });
      }
    };
    return {
      status: "idle",
      error: null,
      jobs: [],
      selectedId: null,
      detail: null,
      async load() {
        set({ status: "loading", error: null });
        try {
          const { jobs } = await client.invoke("jobs.list", { limit: 200 });
          set({ jobs, status: "ready" });
        } catch (err) {
          set({ status: "error", error: toErrorBody(err) });
        }
      },
      async select(id) {
        set({ selectedId: id, detail: null });
        if (id) await loadDetail(id);
      },
      applyProgress(p) {
        const known = get().jobs.find((j) => j.id === p.jobId);
        if (!known) {
          void get().load();
          return;
        }
        const running = p.total - p.done - p.failed - p.skipped;
        merge({ ...known, state: p.state, done: p.done, failed: p.failed, skipped: p.skipped, total: p.total, etaMs: p.etaMs, pending: Math.max(0, running) });
        if (get().selectedId === p.jobId) void loadDetail(p.jobId);
      },
      async control(action, id) {
        const { job } = await client.invoke(`jobs.${action}`, { jobId: id });
        merge(job);
        if (get().selectedId === id) await loadDetail(id);
      },
      result: (id) => client.invoke("jobs.result", { jobId: id }),
    };
  });

export type JobsStore = ReturnType<typeof createJobsStore>;
