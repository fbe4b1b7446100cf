/**
 * A job's progress as the screen follows it from "job.progress" events. A small job can end before
 * the answer that started it arrives: its events then come first, and a screen that only listens
 * for the job it was answered would show it running for ever. So events are remembered per job,
 * and an answer is caught up with any that overtook it.
 */
import type { EventPayload } from "../../../shared/contract/events.ts";
import type { JobSummary } from "../../../shared/contract/operations/jobs.ts";

export type JobProgress = EventPayload<"job.progress">;

export const FINISHED: ReadonlySet<string> = new Set(["completed", "failed", "cancelled"]);

const settled = (j: { done: number; failed: number; skipped: number }) => j.done + j.failed + j.skipped;

/** `job` with an event's counts and state. */
export function withProgress(job: JobSummary, p: JobProgress): JobSummary {
  return {
    ...job,
    state: p.state,
    done: p.done,
    failed: p.failed,
    skipped: p.skipped,
    total: p.total,
    etaMs: p.etaMs,
    pending: Math.max(0, p.total - p.done - p.failed - p.skipped),
  };
}

/** `job` as an answer gave it, moved on by `p` when `p` is newer (an end, or more items settled). */
export function caughtUp(job: JobSummary, p: JobProgress | undefined): JobSummary {
  if (!p || p.jobId !== job.id || FINISHED.has(job.state)) return job;
  return FINISHED.has(p.state) || settled(p) > settled(job) ? withProgress(job, p) : job;
}

/** The last event of each recent job (a bounded number of them). */
export class ProgressMemory {
  private readonly last = new Map<string, JobProgress>();

  constructor(private readonly keep = 50) {}

  note(p: JobProgress): void {
    this.last.delete(p.jobId);
    this.last.set(p.jobId, p);
    if (this.last.size > this.keep) this.last.delete(this.last.keys().next().value as string);
  }

  latest(jobId: string): JobProgress | undefined {
    return this.last.get(jobId);
  }
}
