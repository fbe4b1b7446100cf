/**
 * The job engine's face: dry runs into drafts, then starts, pauses, resumes, cancels and retries
 * jobs by writing their state to the store (a JobStore: store/) and having this instance follow
 * it; resumes after a restart the jobs that were running; and reads jobs, items and result files.
 *
 * Its parts: active-jobs.ts (the jobs this instance works on, following their state: running,
 * waiting for an unreachable Core, paused, finished), item-pump.ts (claims and journals a job's
 * items with bounded concurrency), item-attempts.ts (one item's attempts: retries with backoff,
 * outages, reconcile before failing), shared-follower.ts (on a shared store, PostgreSQL with two
 * or more instances: the sweep that renews leases, requeues dead instances' items, takes up jobs
 * started elsewhere and follows what other instances did) and job-views.ts (the read side).
 */
import { GatehouseError } from "../../shared/contract/errors.ts";
import type { JobItem, JobState, JobSummary } from "../../shared/contract/operations/jobs.ts";
import type { CoreClient } from "../core/core-client.ts";
import type { EventBus } from "../events.ts";
import type { StoreDb } from "../store/database.ts";
import { TERMINAL } from "./active-job.ts";
import { ActiveJobs } from "./active-jobs.ts";
import { JobViews } from "./job-views.ts";
import type { AnyJobKind } from "./kind.ts";
import { DEFAULT_PROBE, DEFAULT_RETRY, type ProbePolicy, type RetryPolicy } from "./retry.ts";
import { SharedFollower } from "./shared-follower.ts";
import type { JobStore } from "./store/job-store.ts";
import { SqliteJobStore } from "./store/sqlite-job-store.ts";

export interface JobRunnerOptions {
  /** Where jobs are kept; without it, Gatehouse's SQLite `db`. */
  store?: JobStore;
  db?: StoreDb;
  events: EventBus;
  now: () => number;
  /** A client for a profile's Core (jobs run against the profile they were planned for, whatever is active). */
  coreFor: (profileId: string) => CoreClient;
  retry?: Partial<RetryPolicy>;
  /** How often a job waiting for its Core looks again. */
  probe?: Partial<ProbePolicy>;
  /** A profile's name for the jobs list ("" when the profile is gone). */
  profileName?: (profileId: string) => string;
  /** How long close() waits for items under way before abandoning them (they are requeued on restart). */
  closeGraceMs?: number;
  /** At most one progress event per job per this many ms (state changes go out at once). */
  progressIntervalMs?: number;
  /** The store could not be written (e.g. PostgreSQL unreachable): the runner tries again; default console.error. */
  onStoreError?: (text: string) => void;
}

export class JobRunner {
  private readonly kinds = new Map<string, AnyJobKind>();
  private readonly store: JobStore;
  private readonly jobs: ActiveJobs;
  private readonly views: JobViews;
  private readonly follower: SharedFollower;

  constructor(private readonly opts: JobRunnerOptions) {
    if (opts.store) this.store = opts.store;
    else if (opts.db) this.store = new SqliteJobStore(opts.db, opts.now);
    else throw new Error("JobRunner needs a store (or Gatehouse's SQLite db).");
    this.views = new JobViews({ store: this.store, meterOf: (id) => this.jobs.get(id)?.meter, kindOf: (name) => this.kinds.get(name), profileName: opts.profileName });
    this.jobs = new ActiveJobs({
      store: this.store,
      events: opts.events,
      now: opts.now,
      coreFor: opts.coreFor,
      kind: (name) => this.kind(name),
      retry: { ...DEFAULT_RETRY, ...opts.retry },
      probe: { ...DEFAULT_PROBE, ...opts.probe },
      progressIntervalMs: opts.progressIntervalMs ?? 250,
      summary: (id) => this.views.summary(id),
      ...(opts.onStoreError ? { onStoreError: opts.onStoreError } : {}),
    });
    this.follower = new SharedFollower(this.store, this.jobs, (name) => this.kinds.has(name));
  }

  register(kind: AnyJobKind): void {
    if (this.kinds.has(kind.name)) throw new Error(`The job kind "${kind.name}" is registered twice.`);
    this.kinds.set(kind.name, kind);
  }

  kind(name: string): AnyJobKind {
    const kind = this.kinds.get(name);
    if (!kind) {
      throw new GatehouseError({ code: "VALIDATION", field: "kind", message: `kind: there is no job kind "${name}" (known: ${[...this.kinds.keys()].join(", ")}).` });
    }
    return kind;
  }

  async kindOfJob(jobId: string): Promise<AnyJobKind> {
    return this.kind((await this.views.row(jobId)).kind);
  }

  /** The dry run: validates every item against the Core and keeps the plan as a draft job. */
  async dryRun(kindName: string, rawInput: unknown, who: { profileId: string; createdBy: string }, itemsLimit = 1000): Promise<{ job: JobSummary; items: JobItem[] }> {
    const kind = this.kind(kindName);
    const parsed = kind.input.safeParse(rawInput);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const field = ["input", ...(issue?.path ?? []).map(String)].join(".");
      throw new GatehouseError({ code: "VALIDATION", field, message: `${field}: ${issue?.message ?? "is not valid"}` });
    }
    const core = this.opts.coreFor(who.profileId);
    const items = await kind.prepare(parsed.data, { core, profileId: who.profileId });
    if (items.length === 0) throw new GatehouseError({ code: "VALIDATION", field: "input", message: "input: there is nothing to do (no items)." });
    const id = await this.store.createDraft(
      { kind: kind.name, profileId: who.profileId, createdBy: who.createdBy, inputSummary: kind.describe(parsed.data, items), pinned: kind.instanceBound === true },
      items,
    );
    if (kind.dryRunOnly?.(parsed.data)) {
      await this.store.setState(id, "cancelled", { finished: true, error: "dry run only: this plan is kept for reference and cannot be started" });
    }
    this.jobs.emitNow(id);
    return { job: await this.views.summary(id), items: (await this.store.items(id, 0, itemsLimit)).items };
  }

  async start(id: string): Promise<JobSummary> {
    const row = await this.views.row(id);
    const conflict = (state: JobState) => new GatehouseError({ code: "CONFLICT", message: `The job ${id} is ${state}; only a draft can be started.` });
    if (row.state !== "draft") throw conflict(row.state);
    if ((await this.store.counts(id)).valid === 0) throw new GatehouseError({ code: "VALIDATION", message: "The dry run found no valid item: there is nothing to start. Fix the input and plan again." });
    this.kind(row.kind);
    // Only from draft: an instance that started it a moment ago wins.
    if (!(await this.store.setState(id, "running", { started: true }, ["draft"]))) throw conflict((await this.views.row(id)).state);
    this.jobs.activate(await this.views.row(id));
    return this.views.summary(id);
  }

  /** Stops taking items (and, when it waits for the Core, probing); those under way finish, those waiting to retry go back to pending. Idempotent. */
  async pause(id: string): Promise<JobSummary> {
    const row = await this.views.row(id);
    if (row.state === "draft") throw new GatehouseError({ code: "CONFLICT", message: `The job ${id} has not started; start it or discard it (cancel).` });
    if (row.state === "running" || row.state === "waiting") {
      await this.store.setState(id, "paused", { error: null }, ["running", "waiting"]);
      await this.follow(id);
    }
    return this.views.summary(id);
  }

  /**
   * A paused job runs again; one waiting for its Core tries now rather than at its next probe (if
   * the Core is still gone, it waits again). Idempotent (a running or finished job is left as it is).
   */
  async resume(id: string): Promise<JobSummary> {
    const row = await this.views.row(id);
    if (row.state === "draft") throw new GatehouseError({ code: "CONFLICT", message: `The job ${id} has not started; start it.` });
    if (row.state === "paused" || row.state === "waiting") {
      this.kind(row.kind);
      await this.store.setState(id, "running", { error: null }, ["paused", "waiting"]);
      await this.follow(id);
    }
    return this.views.summary(id);
  }

  /** Items not yet done are skipped (those under way finish and are journaled). Idempotent once finished. */
  async cancel(id: string): Promise<JobSummary> {
    const row = await this.views.row(id);
    if (TERMINAL.includes(row.state)) return this.views.summary(id);
    await this.store.cancel(id, "cancelled");
    await this.follow(id);
    return this.views.summary(id);
  }

  /**
   * The failed items of a job run again, with a fresh count of attempts (each first looks at what
   * the Core holds: runItem is idempotent). A finished job runs again; a paused one stays paused
   * with the items pending. Nothing failed: nothing happens.
   */
  async retryFailed(id: string): Promise<{ job: JobSummary; retried: number }> {
    const row = await this.views.row(id);
    if (row.state === "draft" || row.state === "cancelled") {
      throw new GatehouseError({ code: "CONFLICT", message: `The job ${id} is ${row.state === "draft" ? "a draft; start it" : "cancelled; plan its items again"}: only the failed items of a started job can be run again.` });
    }
    this.kind(row.kind);
    const retried = await this.store.retryFailed(id);
    if (retried > 0) {
      if (row.state === "completed" || row.state === "failed") await this.store.setState(id, "running", { reopened: true, error: null }, ["completed", "failed"]);
      await this.follow(id);
      this.jobs.emitNow(id);
    }
    return { job: await this.views.summary(id), retried };
  }

  /** The profile a job was planned for (NOT_FOUND when there is no such job). */
  async profileOf(id: string): Promise<string> {
    return (await this.views.row(id)).profile_id;
  }

  /** A page of one profile's jobs, newest first, and how many it has. */
  list(profileId: string, offset: number, limit: number): Promise<{ jobs: JobSummary[]; total: number }> {
    return this.views.list(profileId, offset, limit);
  }

  get(id: string, offset: number, limit: number, state?: JobItem["state"] | "invalid"): Promise<{ job: JobSummary; items: JobItem[]; itemsTotal: number }> {
    return this.views.get(id, offset, limit, state);
  }

  /** A job's summary alone (no items: what a status line needs). */
  summary(id: string): Promise<JobSummary> {
    return this.views.summary(id);
  }

  result(id: string): Promise<{ filename: string; content: string; rows: number }> {
    return this.views.result(id);
  }

  /**
   * At start-up: running jobs (the app stopped or crashed under them) and those waiting for their
   * Core carry on (the latter find out again whether it answers); paused ones stay paused.
   */
  async resumeInterrupted(): Promise<void> {
    for (const row of await this.store.jobsIn(["running", "waiting", "paused"])) {
      await this.store.recover(row.id);
      if (row.state === "paused" || this.jobs.get(row.id)) continue;
      if (!this.kinds.has(row.kind)) {
        // On a shared store another instance may know the kind.
        if (this.store.sharedPollMs === null) {
          await this.store.setState(row.id, "failed", { finished: true, error: `This Gatehouse has no job kind "${row.kind}"; the job cannot go on.` });
        }
        continue;
      }
      if (row.state === "waiting") await this.store.setState(row.id, "running", { error: null }, ["waiting"]);
      this.jobs.activate(await this.views.row(row.id));
    }
  }

  /** Stops taking items, waits a little for those under way, then journals nothing more. Running jobs stay "running" for the next start. */
  async close(): Promise<void> {
    this.jobs.stopTaking();
    await this.follower.stop();
    await this.jobs.close(this.opts.closeGraceMs ?? 2000);
  }

  /** After this instance changed a job's state: its runner follows what the store now says (another instance may have got there first). */
  private async follow(id: string): Promise<void> {
    this.jobs.follow(await this.views.row(id));
  }
}
