/**
 * Jobs: the jobs of the profile in force, a page at a time, with live counts (from
 * "job.progress"); the job in view with a page of its items, filtered by state.
 */
import { createStore } from "zustand/vanilla";
import type { GatehouseClient } from "../../../shared/contract/client.ts";
import type { EventPayload } from "../../../shared/contract/events.ts";
import type { ItemState, JobItem, JobSummary } from "../../../shared/contract/operations/jobs.ts";
import { toErrorBody } from "../api/errors.ts";
import type { Loadable } from "./types.ts";

/** Jobs per page of the list. */
export const JOBS_PAGE = 50;
/** Items per page of the job in view (the table is virtualized; the result CSV has them all). */
export const JOB_ITEMS_PAGE = 200;
/** A new job seen in an event reloads the first page at most this often. */
const RELOAD_MS = 1000;

export type ItemFilter = ItemState | "invalid" | "all";
export type JobAction = "pause" | "resume" | "cancel" | "retryFailed";

export interface JobsState extends Loadable {
  jobs: JobSummary[];
  /** Jobs of the profile in force, all pages. */
  total: number;
  /** Where the page shown starts. */
  offset: number;
  selectedId: string | null;
  detail: { job: JobSummary; items: JobItem[]; itemsTotal: number } | null;
  /** The page of items of the job in view. */
  items: { offset: number; filter: ItemFilter };
  /** The list from `offset` (default: the page shown). */
  load(offset?: number): Promise<void>;
  select(id: string | null): Promise<void>;
  setItems(query: Partial<JobsState["items"]>): Promise<void>;
  /** A "job.progress" event: counts into the list; the job in view reloads its items (another profile's job: ignored). */
  applyProgress(p: EventPayload<"job.progress">): void;
  control(action: JobAction, id: string): Promise<void>;
  result(id: string): Promise<{ filename: string; content: string; rows: number }>;
  /** After a profile change: when another profile is in force than the list was loaded for, its jobs from the first page, none selected. */
  profileChanged(): Promise<void>;
}

/** `profileInForce`: the profile whose jobs are shown (the main process answers for that one only). */
export const createJobsStore = (client: GatehouseClient, profileInForce: () => string | null) =>
  createStore<JobsState>()((set, get) => {
    /** The profile the list shown was loaded for. */
    let loadedFor: string | null = null;
    let detailGeneration = 0;
    let listGeneration = 0;
    let reloadTimer: ReturnType<typeof setTimeout> | undefined;
    const merge = (job: JobSummary) => {
      set({ jobs: get().jobs.map((j) => (j.id === job.id ? job : j)) });
      const detail = get().detail;
      if (detail?.job.id === job.id) set({ detail: { ...detail, job } });
    };
    const loadDetail = async (id: string) => {
      const mine = ++detailGeneration;
      const { offset, filter } = get().items;
      try {
        const detail = await client.invoke("jobs.get", { jobId: id, offset, limit: JOB_ITEMS_PAGE, ...(filter === "all" ? {} : { state: filter }) });
        if (mine === detailGeneration && get().selectedId === id) {
          set({ detail });
          // Read after the action's answer, so newer than it: its state wins in the list too.
          merge(detail.job);
        }
      } catch (err) {
        if (mine === detailGeneration) set({ error: toErrorBody(err) });
      }
    };
    return {
      status: "idle",
      error: null,
      jobs: [],
      total: 0,
      offset: 0,
      selectedId: null,
      detail: null,
      items: { offset: 0, filter: "all" },
      async load(offset = get().offset) {
        const mine = ++listGeneration;
        loadedFor = profileInForce();
        set({ status: "loading", error: null });
        try {
          const { jobs, total } = await client.invoke("jobs.list", { offset, limit: JOBS_PAGE });
          if (mine === listGeneration) set({ jobs, total, offset, status: "ready" });
        } catch (err) {
          if (mine === listGeneration) set({ status: "error", error: toErrorBody(err) });
        }
      },
      async select(id) {
        set({ selectedId: id, detail: null, items: { offset: 0, filter: "all" } });
        if (id) await loadDetail(id);
      },
      async setItems(query) {
        set({ items: { ...get().items, offset: 0, ...query } });
        const id = get().selectedId;
        if (id) await loadDetail(id);
      },
      applyProgress(p) {
        // Another profile's job: not shown (or readable) here.
        if (p.profileId !== profileInForce()) return;
        const known = get().jobs.find((j) => j.id === p.jobId);
        if (known) {
          const running = p.total - p.done - p.failed - p.skipped;
          merge({ ...known, state: p.state, done: p.done, failed: p.failed, skipped: p.skipped, total: p.total, etaMs: p.etaMs, pending: Math.max(0, running) });
        } else if (get().offset === 0 && !reloadTimer) {
          // A job not on this page: new ones come first, so only the first page shows it.
          reloadTimer = setTimeout(() => {
            reloadTimer = undefined;
            void get().load();
          }, RELOAD_MS);
        }
        if (get().selectedId === p.jobId) void loadDetail(p.jobId);
      },
      async control(action, id) {
        const { job } = await client.invoke(`jobs.${action}`, { jobId: id });
        // The answer can arrive after the events of what it started (a retried item that finished
        // at once: "completed" came first), so it is not the last word: the job is read again.
        merge(job);
        if (get().selectedId === id) await loadDetail(id);
        else merge((await client.invoke("jobs.get", { jobId: id, limit: 1 })).job);
      },
      result: (id) => client.invoke("jobs.result", { jobId: id }),
      async profileChanged() {
        if (profileInForce() === loadedFor) return;
        detailGeneration++;
        set({ selectedId: null, detail: null, jobs: [], total: 0, offset: 0 });
        await get().load(0);
      },
    };
  });

export type JobsStore = ReturnType<typeof createJobsStore>;
