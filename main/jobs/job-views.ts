/**
 * The read side of the job engine: a job's row and summary (its counts, and an ETA while this
 * instance runs it), a profile's jobs list, a page of a job's items, and its result file.
 */
import { GatehouseError } from "../../shared/contract/errors.ts";
import type { JobItem, JobSummary } from "../../shared/contract/operations/jobs.ts";
import type { AnyJobKind } from "./kind.ts";
import type { RateMeter } from "./progress.ts";
import { resultCsv } from "./result-csv.ts";
import type { JobRow, JobStore } from "./store/job-store.ts";

const RESULT_PAGE = 5000;

export interface JobViewsDeps {
  store: JobStore;
  /** The rate of a job this instance runs (undefined: it does not run it). */
  meterOf: (id: string) => RateMeter | undefined;
  /** The registered kind of that name, if any (its result columns). */
  kindOf: (name: string) => AnyJobKind | undefined;
  /** A profile's name for the jobs list ("" when the profile is gone). */
  profileName?: ((profileId: string) => string) | undefined;
}

export class JobViews {
  constructor(private readonly deps: JobViewsDeps) {}

  /** The job's row (NOT_FOUND when there is no such job). */
  async row(id: string): Promise<JobRow> {
    const row = await this.deps.store.job(id);
    if (!row) throw new GatehouseError({ code: "NOT_FOUND", message: `There is no job ${id}.` });
    return row;
  }

  /** A page of one profile's jobs, newest first, and how many it has. */
  async list(profileId: string, offset: number, limit: number): Promise<{ jobs: JobSummary[]; total: number }> {
    const { rows, total } = await this.deps.store.jobsOf(profileId, offset, limit);
    return { jobs: await Promise.all(rows.map((r) => this.summaryOf(r))), total };
  }

  async get(id: string, offset: number, limit: number, state?: JobItem["state"] | "invalid"): Promise<{ job: JobSummary; items: JobItem[]; itemsTotal: number }> {
    const job = await this.summary(id);
    const page = await this.deps.store.items(id, offset, limit, state);
    return { job, items: page.items, itemsTotal: page.total };
  }

  async result(id: string): Promise<{ filename: string; content: string; rows: number }> {
    const row = await this.row(id);
    const kind = this.deps.kindOf(row.kind);
    const all: JobItem[] = [];
    for (let offset = 0; ; offset += RESULT_PAGE) {
      const page = await this.deps.store.items(id, offset, RESULT_PAGE);
      all.push(...page.items);
      if (page.items.length < RESULT_PAGE) break;
    }
    const { content, rows } = resultCsv(all, kind?.inputColumns ?? [], kind?.resultColumns ?? []);
    return { filename: `job-${row.kind}-${id.slice(0, 8)}-result.csv`, content, rows };
  }

  async summary(id: string): Promise<JobSummary> {
    return this.summaryOf(await this.row(id));
  }

  private async summaryOf(row: JobRow): Promise<JobSummary> {
    const c = await this.deps.store.counts(row.id);
    const meter = this.deps.meterOf(row.id);
    return {
      id: row.id,
      kind: row.kind,
      profileId: row.profile_id,
      profileName: this.deps.profileName?.(row.profile_id) ?? "",
      createdBy: row.created_by,
      inputSummary: row.input_summary,
      state: row.state,
      createdAt: row.created_at,
      startedAt: row.started_at,
      finishedAt: row.finished_at,
      total: c.total,
      valid: c.valid,
      pending: c.pending,
      running: c.running,
      done: c.done,
      failed: c.failed,
      skipped: c.skipped,
      etaMs: row.state === "running" && meter ? meter.etaMs(c.pending + c.running) : null,
      error: row.error,
    };
  }
}
