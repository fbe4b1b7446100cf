/**
 * The job engine: dry runs into drafts, then runs the valid items of a job with bounded
 * concurrency, journaling each attempt before and after (journal.ts), retrying transport errors
 * and Core 5xx with backoff (retry.ts), pausing, resuming and cancelling, sending throttled
 * progress with an ETA, and resuming after a restart the jobs that were running.
 *
 * When the Core cannot be reached at all (an item's transport error or timeout, confirmed by a
 * probe), the job does not burn its items' attempts: it waits ("waiting", with the reason), the
 * items cut off go back to pending with their attempt given back, and it carries on by itself
 * when a probe finds the Core again (outage.ts). Before an item is failed, the kind's reconcile()
 * checks what the Core really holds for it. Failed items can be run again (retryFailed).
 */
import { GatehouseError } from "../../shared/contract/errors.ts";
import type { JobItem, JobState, JobSummary } from "../../shared/contract/operations/jobs.ts";
import type { JsonObject } from "../../shared/contract/schemas.ts";
import type { CoreClient } from "../core/core-client.ts";
import type { EventBus } from "../events.ts";
import type { StoreDb } from "../store/database.ts";
import { JobJournal, type Claimed, type FinalOutcome, type JobRow } from "./journal.ts";
import { ItemSkipped, type AnyJobKind, type ItemContext } from "./kind.ts";
import { CoreWatch } from "./outage.ts";
import { plural } from "./plural.ts";
import { RateMeter, Throttle } from "./progress.ts";
import { resultCsv } from "./result-csv.ts";
import { DEFAULT_PROBE, DEFAULT_RETRY, backoffMs, errorText, isOutage, isTransient, type ProbePolicy, type RetryPolicy } from "./retry.ts";

export interface JobRunnerOptions {
  db: StoreDb;
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
}

type WaitEnd = "elapsed" | "pause" | "cancel" | "close" | "outage";
/** An item's final outcome, for the journal. */
type Finished = { index: number; outcome: FinalOutcome };

interface Active {
  id: string;
  profileId: string;
  /** Who planned the job: the operator its items act for (invite records, roster notes). */
  createdBy: string;
  kind: AnyJobKind;
  core: CoreClient;
  state: JobState;
  inFlight: Map<number, Promise<void>>;
  /** Items waiting out a backoff, by index: call to end the wait early. */
  waits: Map<number, (end: WaitEnd) => void>;
  meter: RateMeter;
  throttle: Throttle;
  /** Whether the Core can be reached; probes while the job waits for it. */
  watch: CoreWatch;
}

const TERMINAL: readonly JobState[] = ["completed", "cancelled", "failed"];
const notFound = (id: string) => new GatehouseError({ code: "NOT_FOUND", message: `There is no job ${id}.` });

export class JobRunner {
  private readonly kinds = new Map<string, AnyJobKind>();
  private readonly active = new Map<string, Active>();
  private readonly journal: JobJournal;
  private readonly retry: RetryPolicy;
  private readonly probe: ProbePolicy;
  /** close() began: no new items are taken. */
  private stopping = false;
  /** close() ended: nothing is journaled any more (the database is about to close). */
  private closed = false;

  constructor(private readonly opts: JobRunnerOptions) {
    this.journal = new JobJournal(opts.db, opts.now);
    this.retry = { ...DEFAULT_RETRY, ...opts.retry };
    this.probe = { ...DEFAULT_PROBE, ...opts.probe };
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

  kindOfJob(jobId: string): AnyJobKind {
    return this.kind(this.row(jobId).kind);
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
    const id = this.journal.createDraft({ kind: kind.name, profileId: who.profileId, createdBy: who.createdBy, inputSummary: kind.describe(parsed.data, items) }, items);
    if (kind.dryRunOnly?.(parsed.data)) {
      this.journal.setState(id, "cancelled", { finished: true, error: "dry run only: this plan is kept for reference and cannot be started" });
    }
    this.emitNow(id);
    return { job: this.summary(id), items: this.journal.items(id, 0, itemsLimit).items };
  }

  start(id: string): JobSummary {
    const row = this.row(id);
    if (row.state !== "draft") throw new GatehouseError({ code: "CONFLICT", message: `The job ${id} is ${row.state}; only a draft can be started.` });
    if (this.journal.counts(id).valid === 0) throw new GatehouseError({ code: "VALIDATION", message: "The dry run found no valid item: there is nothing to start. Fix the input and plan again." });
    this.kind(row.kind);
    this.journal.setState(id, "running", { started: true });
    this.activate(this.row(id));
    return this.summary(id);
  }

  /** Stops taking items (and, when it waits for the Core, probing); those under way finish, those waiting to retry go back to pending. Idempotent. */
  pause(id: string): JobSummary {
    const row = this.row(id);
    if (row.state === "draft") throw new GatehouseError({ code: "CONFLICT", message: `The job ${id} has not started; start it or discard it (cancel).` });
    if (row.state === "running" || row.state === "waiting") {
      this.journal.setState(id, "paused", { error: null });
      const active = this.active.get(id);
      if (active) {
        active.state = "paused";
        active.watch.stop();
        for (const end of active.waits.values()) end("pause");
      }
      this.emitNow(id);
    }
    return this.summary(id);
  }

  /**
   * A paused job runs again; one waiting for its Core tries now rather than at its next probe (if
   * the Core is still gone, it waits again). Idempotent (a running or finished job is left as it is).
   */
  resume(id: string): JobSummary {
    const row = this.row(id);
    if (row.state === "draft") throw new GatehouseError({ code: "CONFLICT", message: `The job ${id} has not started; start it.` });
    if (row.state === "paused" || row.state === "waiting") {
      this.kind(row.kind);
      this.journal.setState(id, "running", { error: null });
      const active = this.active.get(id);
      if (active) {
        active.state = "running";
        active.watch.stop();
        active.meter.reset();
        this.pump(active);
      } else this.activate(this.row(id));
      this.emitNow(id);
    }
    return this.summary(id);
  }

  /** Items not yet done are skipped (those under way finish and are journaled). Idempotent once finished. */
  cancel(id: string): JobSummary {
    const row = this.row(id);
    if (TERMINAL.includes(row.state)) return this.summary(id);
    this.journal.setState(id, "cancelled", { finished: true, ...(row.state === "waiting" ? { error: null } : {}) });
    this.journal.skipPending(id, "cancelled");
    const active = this.active.get(id);
    if (active) {
      active.state = "cancelled";
      active.watch.stop();
      for (const end of active.waits.values()) end("cancel");
      if (active.inFlight.size === 0) this.deactivate(active);
    }
    this.emitNow(id);
    return this.summary(id);
  }

  /**
   * The failed items of a job run again, with a fresh count of attempts (each first looks at what
   * the Core holds: runItem is idempotent). A finished job runs again; a paused one stays paused
   * with the items pending. Nothing failed: nothing happens.
   */
  retryFailed(id: string): { job: JobSummary; retried: number } {
    const row = this.row(id);
    if (row.state === "draft" || row.state === "cancelled") {
      throw new GatehouseError({ code: "CONFLICT", message: `The job ${id} is ${row.state === "draft" ? "a draft; start it" : "cancelled; plan its items again"}: only the failed items of a started job can be run again.` });
    }
    this.kind(row.kind);
    const retried = this.journal.retryFailed(id);
    if (retried > 0) {
      const active = this.active.get(id);
      if (row.state === "completed" || row.state === "failed") {
        this.journal.setState(id, "running", { reopened: true, error: null });
        this.activate(this.row(id));
      } else if (active?.state === "running") this.pump(active);
      this.emitNow(id);
    }
    return { job: this.summary(id), retried };
  }

  /** The profile a job was planned for (NOT_FOUND when there is no such job). */
  profileOf(id: string): string {
    return this.row(id).profile_id;
  }

  /** A page of one profile's jobs, newest first, and how many it has. */
  list(profileId: string, offset: number, limit: number): { jobs: JobSummary[]; total: number } {
    const { rows, total } = this.journal.jobsOf(profileId, offset, limit);
    return { jobs: rows.map((r) => this.summaryOf(r)), total };
  }

  get(id: string, offset: number, limit: number, state?: JobItem["state"] | "invalid"): { job: JobSummary; items: JobItem[]; itemsTotal: number } {
    const job = this.summary(id);
    const page = this.journal.items(id, offset, limit, state);
    return { job, items: page.items, itemsTotal: page.total };
  }

  result(id: string): { filename: string; content: string; rows: number } {
    const row = this.row(id);
    const kind = this.kinds.get(row.kind);
    const inputColumns = kind?.inputColumns ?? [];
    const resultColumns = kind?.resultColumns ?? [];
    const { content, rows } = resultCsv(this.journal.allItems(id), inputColumns, resultColumns);
    return { filename: `job-${row.kind}-${id.slice(0, 8)}-result.csv`, content, rows };
  }

  /**
   * At start-up: running jobs (the app stopped or crashed under them) and those waiting for their
   * Core carry on (the latter find out again whether it answers); paused ones stay paused.
   */
  resumeInterrupted(): void {
    for (const row of [...this.journal.jobsIn("running"), ...this.journal.jobsIn("waiting"), ...this.journal.jobsIn("paused")]) {
      this.journal.requeueRunning(row.id);
      if (row.state === "paused") continue;
      if (!this.kinds.has(row.kind)) {
        this.journal.setState(row.id, "failed", { finished: true, error: `This Gatehouse has no job kind "${row.kind}"; the job cannot go on.` });
        continue;
      }
      if (row.state === "waiting") this.journal.setState(row.id, "running", { error: null });
      this.activate(this.row(row.id));
    }
  }

  /** Stops taking items, waits a little for those under way, then journals nothing more. Running jobs stay "running" for the next start. */
  async close(): Promise<void> {
    this.stopping = true;
    const flights: Promise<void>[] = [];
    for (const active of this.active.values()) {
      active.watch.stop();
      for (const end of active.waits.values()) end("close");
      flights.push(...active.inFlight.values());
    }
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([Promise.allSettled(flights), new Promise<void>((resolve) => (timer = setTimeout(resolve, this.opts.closeGraceMs ?? 2000)))]);
    clearTimeout(timer);
    this.closed = true;
    for (const active of this.active.values()) active.throttle.stop();
    this.active.clear();
  }

  private row(id: string): JobRow {
    const row = this.journal.job(id);
    if (!row) throw notFound(id);
    return row;
  }

  private activate(row: JobRow): void {
    if (this.active.has(row.id)) return;
    const kind = this.kind(row.kind);
    let core: CoreClient;
    try {
      core = this.opts.coreFor(row.profile_id);
    } catch (err) {
      this.journal.setState(row.id, "failed", { finished: true, error: `The job's connection profile cannot be used: ${errorText(err)}` });
      this.emitNow(row.id);
      return;
    }
    const active: Active = {
      id: row.id,
      profileId: row.profile_id,
      createdBy: row.created_by,
      kind,
      core,
      state: row.state,
      inFlight: new Map(),
      waits: new Map(),
      meter: new RateMeter(this.opts.now),
      throttle: new Throttle(this.opts.progressIntervalMs ?? 250, () => this.emit(row.id)),
      watch: new CoreWatch(core, this.probe),
    };
    this.active.set(row.id, active);
    this.pump(active);
    this.emitNow(row.id);
  }

  private deactivate(active: Active): void {
    active.throttle.stop();
    active.watch.stop();
    this.active.delete(active.id);
  }

  /**
   * Takes pending items while there is room; finishes the job when nothing is left. `finished` is
   * the outcome of the item that just ended, journaled here (with the next claim when there is one).
   */
  private pump(active: Active, finishedItem?: Finished): void {
    if (this.closed) return;
    let finished = finishedItem;
    while (!this.stopping && active.state === "running" && active.inFlight.size < Math.max(1, active.kind.concurrency)) {
      // The item that just finished is journaled in the same transaction as the next claim.
      const claimed = this.journal.claimNext(active.id, finished);
      finished = undefined;
      if (!claimed) break;
      const flight = this.runItem(active, claimed).then(
        (outcome) => {
          active.inFlight.delete(claimed.index);
          this.pump(active, outcome);
        },
        () => {
          active.inFlight.delete(claimed.index);
          this.pump(active);
        },
      );
      active.inFlight.set(claimed.index, flight);
    }
    if (finished && !this.closed) this.journal.finishItem(active.id, finished.index, finished.outcome);
    if (finishedItem) this.finished(active);
    if (this.stopping || active.inFlight.size > 0) return;
    if (active.state === "running" && this.journal.counts(active.id).pending === 0) {
      active.state = "completed";
      this.journal.setState(active.id, "completed", { finished: true });
      this.deactivate(active);
      this.emitNow(active.id);
    } else if (active.state === "cancelled") {
      this.deactivate(active);
      this.emitNow(active.id);
    }
  }

  /**
   * One item, attempt after attempt: each attempt is journaled before (claim/nextAttempt) and after
   * (a retry's wait here; the final outcome, returned, by pump). Undefined: nothing to journal.
   */
  private async runItem(active: Active, claimed: Claimed): Promise<Finished | undefined> {
    const { index, input } = claimed;
    let { attempts: attempt, tries } = claimed;
    for (;;) {
      let outcome: { ok: true; result: JsonObject } | { ok: false; err: unknown };
      try {
        // An attempt over the cap (after restarts) is not made: the item fails with its last error.
        if (attempt > this.retry.maxAttempts) throw new GatehouseError({ code: "INTERNAL", message: `gave up after ${plural(this.retry.maxAttempts, "attempt")}` });
        outcome = { ok: true, result: await active.kind.runItem(input, this.itemContext(active, index, attempt, tries)) };
      } catch (err) {
        outcome = { ok: false, err };
      }
      if (this.closed) return; // abandoned at close: the journal still says running, so a restart does it again (idempotently)
      if (outcome.ok) return { index, outcome: { state: "done", result: outcome.result } };
      if (outcome.err instanceof ItemSkipped) {
        return { index, outcome: { state: "skipped", error: outcome.err.reason, ...(outcome.err.result ? { result: outcome.err.result } : {}) } };
      }
      const text = errorText(outcome.err);
      if (isOutage(outcome.err) && !(await active.watch.reachable())) return this.cutOff(active, index, text);
      if (this.closed) return;
      if (!isTransient(outcome.err) || attempt >= this.retry.maxAttempts) {
        const error = isTransient(outcome.err) ? `${text} (after ${plural(attempt, "attempt")})` : text;
        return this.reconcile(active, index, input, this.itemContext(active, index, attempt, tries), error);
      }
      this.journal.finishItem(active.id, index, { state: "running", error: text });
      const end = await this.wait(active, index, backoffMs(this.retry, attempt));
      if (end === "close" || this.closed) return;
      if (end === "pause" || end === "outage" || active.state === "paused" || active.state === "waiting") {
        this.journal.finishItem(active.id, index, { state: "pending", error: text });
        this.progress(active);
        return undefined;
      }
      if (end === "cancel" || active.state === "cancelled") {
        this.journal.finishItem(active.id, index, { state: "skipped", error: `cancelled (last error: ${text})` });
        this.progress(active);
        return undefined;
      }
      ({ attempts: attempt, tries } = this.journal.nextAttempt(active.id, index));
    }
  }

  private itemContext(active: Active, index: number, attempt: number, tries: number): ItemContext {
    return { core: active.core, profileId: active.profileId, createdBy: active.createdBy, jobId: active.id, index, attempt, fresh: tries <= 1 };
  }

  /** Before an item fails: what the Core really holds for it (the kind may finish it from there). */
  private async reconcile(active: Active, index: number, input: JsonObject, ctx: ItemContext, error: string): Promise<Finished | undefined> {
    if (!active.kind.reconcile) return { index, outcome: { state: "failed", error } };
    try {
      const found = await active.kind.reconcile(input, { ...ctx, error });
      if (this.closed) return;
      return { index, outcome: found.state === "done" ? { state: "done", result: found.result } : { state: "failed", error: found.error } };
    } catch (err) {
      if (this.closed) return;
      if (isOutage(err) && !(await active.watch.reachable())) return this.cutOff(active, index, errorText(err));
      return { index, outcome: { state: "failed", error: `${error} (what the Core holds for it could not be checked: ${errorText(err)})` } };
    }
  }

  /** An item cut off because the Core cannot be reached: back to pending, its attempt given back; the job waits. */
  private cutOff(active: Active, index: number, text: string): undefined {
    if (this.closed) return undefined;
    if (active.state === "cancelled") this.journal.finishItem(active.id, index, { state: "skipped", error: `cancelled (last error: ${text})` });
    else {
      this.journal.giveBack(active.id, index, `${text} (not counted: the Core could not be reached)`);
      this.waitForCore(active, text);
    }
    this.progress(active);
    return undefined;
  }

  /** The job stops taking items and probes its Core with backoff; it carries on by itself when the Core answers. */
  private waitForCore(active: Active, reason: string): void {
    if (active.state !== "running" || this.stopping) return;
    active.state = "waiting";
    this.journal.setState(active.id, "waiting", { error: `${reason} The job waits for the Core and carries on by itself when it answers.` });
    for (const end of active.waits.values()) end("outage");
    active.watch.waitFor(() => {
      if (this.closed || this.stopping || active.state !== "waiting") return;
      active.state = "running";
      this.journal.setState(active.id, "running", { error: null });
      active.meter.reset();
      this.pump(active);
      this.emitNow(active.id);
    });
    this.emitNow(active.id);
  }

  private wait(active: Active, index: number, ms: number): Promise<WaitEnd> {
    return new Promise<WaitEnd>((resolve) => {
      const timer = setTimeout(() => end("elapsed"), ms);
      const end = (why: WaitEnd) => {
        clearTimeout(timer);
        active.waits.delete(index);
        resolve(why);
      };
      active.waits.set(index, end);
    });
  }

  private finished(active: Active): void {
    active.meter.tick();
    this.progress(active);
  }

  private progress(active: Active): void {
    active.throttle.request();
  }

  private emitNow(id: string): void {
    const active = this.active.get(id);
    if (active) active.throttle.request(true);
    else this.emit(id);
  }

  private emit(id: string): void {
    if (this.closed) return;
    const s = this.summary(id);
    this.opts.events.emit("job.progress", { jobId: s.id, profileId: s.profileId, state: s.state, done: s.done, failed: s.failed, skipped: s.skipped, total: s.total, etaMs: s.etaMs });
  }

  private summary(id: string): JobSummary {
    return this.summaryOf(this.row(id));
  }

  private summaryOf(row: JobRow): JobSummary {
    const c = this.journal.counts(row.id);
    const active = this.active.get(row.id);
    return {
      id: row.id,
      kind: row.kind,
      profileId: row.profile_id,
      profileName: this.opts.profileName?.(row.profile_id) ?? "",
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
      etaMs: row.state === "running" && active ? active.meter.etaMs(c.pending + c.running) : null,
      error: row.error,
    };
  }
}
