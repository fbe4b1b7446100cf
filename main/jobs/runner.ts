/**
 * The job engine: dry runs into drafts, then runs the valid items of a job with bounded
 * concurrency, journaling each attempt before and after (a JobStore: store/), retrying transport
 * errors and Core 5xx with backoff (retry.ts), pausing, resuming and cancelling, sending throttled
 * progress with an ETA, and resuming after a restart the jobs that were running.
 *
 * When the Core cannot be reached at all (an item's transport error or timeout, confirmed by a
 * probe), the job does not burn its items' attempts: it waits ("waiting", with the reason), the
 * items cut off go back to pending with their attempt given back, and it carries on by itself
 * when a probe finds the Core again (outage.ts). Before an item is failed, the kind's reconcile()
 * checks what the Core really holds for it. Failed items can be run again (retryFailed).
 *
 * On a shared store (PostgreSQL, two or more instances) the job's state is the store's: every
 * instance claims items of every running job, and a sweep (sharedPollMs) renews this instance's
 * leases, puts back the items of dead instances, takes up jobs started elsewhere, and follows
 * what other instances did to the jobs it runs (paused, resumed, cancelled, waiting for the Core).
 */
import { GatehouseError } from "../../shared/contract/errors.ts";
import type { JobItem, JobState, JobSummary } from "../../shared/contract/operations/jobs.ts";
import type { JsonObject } from "../../shared/contract/schemas.ts";
import type { CoreClient } from "../core/core-client.ts";
import type { EventBus } from "../events.ts";
import type { StoreDb } from "../store/database.ts";
import { ItemSkipped, type AnyJobKind, type ItemContext } from "./kind.ts";
import { CoreWatch } from "./outage.ts";
import { plural } from "./plural.ts";
import { RateMeter, Throttle } from "./progress.ts";
import { resultCsv } from "./result-csv.ts";
import { DEFAULT_PROBE, DEFAULT_RETRY, backoffMs, errorText, isOutage, isTransient, type ProbePolicy, type RetryPolicy } from "./retry.ts";
import type { Claimed, FinalOutcome, JobRow, JobStore } from "./store/job-store.ts";
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
  /** Claims and finishes of this job, one after another (so that concurrency is never exceeded). */
  chain: Promise<void>;
  /** A pump is queued on the chain and has not begun: another request joins it. */
  pumpQueued: boolean;
  /** Outcomes of items that ended, oldest first, not journaled yet: each rides on the next claim. */
  toJournal: Finished[];
}

const TERMINAL: readonly JobState[] = ["completed", "cancelled", "failed"];
const notFound = (id: string) => new GatehouseError({ code: "NOT_FOUND", message: `There is no job ${id}.` });
const RESULT_PAGE = 5000;
const STORE_RETRY_MS = 1000;

export class JobRunner {
  private readonly kinds = new Map<string, AnyJobKind>();
  private readonly active = new Map<string, Active>();
  private readonly store: JobStore;
  private readonly retry: RetryPolicy;
  private readonly probe: ProbePolicy;
  /** close() began: no new items are taken. */
  private stopping = false;
  /** close() ended: nothing is journaled any more (the database is about to close). */
  private closed = false;
  private sweepTimer: NodeJS.Timeout | undefined;
  private sweeping: Promise<void> | undefined;

  constructor(private readonly opts: JobRunnerOptions) {
    if (opts.store) this.store = opts.store;
    else if (opts.db) this.store = new SqliteJobStore(opts.db, opts.now);
    else throw new Error("JobRunner needs a store (or Gatehouse's SQLite db).");
    this.retry = { ...DEFAULT_RETRY, ...opts.retry };
    this.probe = { ...DEFAULT_PROBE, ...opts.probe };
    const every = this.store.sharedPollMs;
    if (every !== null) {
      this.sweepTimer = setInterval(() => {
        this.sweeping ??= this.sweep()
          .catch((err: unknown) => this.storeError(err))
          .finally(() => (this.sweeping = undefined));
      }, every);
      this.sweepTimer.unref();
    }
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
    return this.kind((await this.row(jobId)).kind);
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
    const id = await this.store.createDraft({ kind: kind.name, profileId: who.profileId, createdBy: who.createdBy, inputSummary: kind.describe(parsed.data, items) }, items);
    if (kind.dryRunOnly?.(parsed.data)) {
      await this.store.setState(id, "cancelled", { finished: true, error: "dry run only: this plan is kept for reference and cannot be started" });
    }
    this.emitNow(id);
    return { job: await this.summary(id), items: (await this.store.items(id, 0, itemsLimit)).items };
  }

  async start(id: string): Promise<JobSummary> {
    const row = await this.row(id);
    const conflict = (state: JobState) => new GatehouseError({ code: "CONFLICT", message: `The job ${id} is ${state}; only a draft can be started.` });
    if (row.state !== "draft") throw conflict(row.state);
    if ((await this.store.counts(id)).valid === 0) throw new GatehouseError({ code: "VALIDATION", message: "The dry run found no valid item: there is nothing to start. Fix the input and plan again." });
    this.kind(row.kind);
    // Only from draft: an instance that started it a moment ago wins.
    if (!(await this.store.setState(id, "running", { started: true }, ["draft"]))) throw conflict((await this.row(id)).state);
    this.activate(await this.row(id));
    return this.summary(id);
  }

  /** Stops taking items (and, when it waits for the Core, probing); those under way finish, those waiting to retry go back to pending. Idempotent. */
  async pause(id: string): Promise<JobSummary> {
    const row = await this.row(id);
    if (row.state === "draft") throw new GatehouseError({ code: "CONFLICT", message: `The job ${id} has not started; start it or discard it (cancel).` });
    if (row.state === "running" || row.state === "waiting") {
      await this.store.setState(id, "paused", { error: null }, ["running", "waiting"]);
      await this.follow(id);
    }
    return this.summary(id);
  }

  /**
   * A paused job runs again; one waiting for its Core tries now rather than at its next probe (if
   * the Core is still gone, it waits again). Idempotent (a running or finished job is left as it is).
   */
  async resume(id: string): Promise<JobSummary> {
    const row = await this.row(id);
    if (row.state === "draft") throw new GatehouseError({ code: "CONFLICT", message: `The job ${id} has not started; start it.` });
    if (row.state === "paused" || row.state === "waiting") {
      this.kind(row.kind);
      await this.store.setState(id, "running", { error: null }, ["paused", "waiting"]);
      await this.follow(id);
    }
    return this.summary(id);
  }

  /** Items not yet done are skipped (those under way finish and are journaled). Idempotent once finished. */
  async cancel(id: string): Promise<JobSummary> {
    const row = await this.row(id);
    if (TERMINAL.includes(row.state)) return this.summary(id);
    await this.store.cancel(id, "cancelled");
    await this.follow(id);
    return this.summary(id);
  }

  /**
   * The failed items of a job run again, with a fresh count of attempts (each first looks at what
   * the Core holds: runItem is idempotent). A finished job runs again; a paused one stays paused
   * with the items pending. Nothing failed: nothing happens.
   */
  async retryFailed(id: string): Promise<{ job: JobSummary; retried: number }> {
    const row = await this.row(id);
    if (row.state === "draft" || row.state === "cancelled") {
      throw new GatehouseError({ code: "CONFLICT", message: `The job ${id} is ${row.state === "draft" ? "a draft; start it" : "cancelled; plan its items again"}: only the failed items of a started job can be run again.` });
    }
    this.kind(row.kind);
    const retried = await this.store.retryFailed(id);
    if (retried > 0) {
      if (row.state === "completed" || row.state === "failed") await this.store.setState(id, "running", { reopened: true, error: null }, ["completed", "failed"]);
      await this.follow(id);
      this.emitNow(id);
    }
    return { job: await this.summary(id), retried };
  }

  /** The profile a job was planned for (NOT_FOUND when there is no such job). */
  async profileOf(id: string): Promise<string> {
    return (await this.row(id)).profile_id;
  }

  /** A page of one profile's jobs, newest first, and how many it has. */
  async list(profileId: string, offset: number, limit: number): Promise<{ jobs: JobSummary[]; total: number }> {
    const { rows, total } = await this.store.jobsOf(profileId, offset, limit);
    return { jobs: await Promise.all(rows.map((r) => this.summaryOf(r))), total };
  }

  async get(id: string, offset: number, limit: number, state?: JobItem["state"] | "invalid"): Promise<{ job: JobSummary; items: JobItem[]; itemsTotal: number }> {
    const job = await this.summary(id);
    const page = await this.store.items(id, offset, limit, state);
    return { job, items: page.items, itemsTotal: page.total };
  }

  async result(id: string): Promise<{ filename: string; content: string; rows: number }> {
    const row = await this.row(id);
    const kind = this.kinds.get(row.kind);
    const all: JobItem[] = [];
    for (let offset = 0; ; offset += RESULT_PAGE) {
      const page = await this.store.items(id, offset, RESULT_PAGE);
      all.push(...page.items);
      if (page.items.length < RESULT_PAGE) break;
    }
    const { content, rows } = resultCsv(all, kind?.inputColumns ?? [], kind?.resultColumns ?? []);
    return { filename: `job-${row.kind}-${id.slice(0, 8)}-result.csv`, content, rows };
  }

  /**
   * At start-up: running jobs (the app stopped or crashed under them) and those waiting for their
   * Core carry on (the latter find out again whether it answers); paused ones stay paused.
   */
  async resumeInterrupted(): Promise<void> {
    for (const row of await this.store.jobsIn(["running", "waiting", "paused"])) {
      await this.store.recover(row.id);
      if (row.state === "paused" || this.active.has(row.id)) continue;
      if (!this.kinds.has(row.kind)) {
        // On a shared store another instance may know the kind.
        if (this.store.sharedPollMs === null) {
          await this.store.setState(row.id, "failed", { finished: true, error: `This Gatehouse has no job kind "${row.kind}"; the job cannot go on.` });
        }
        continue;
      }
      if (row.state === "waiting") await this.store.setState(row.id, "running", { error: null }, ["waiting"]);
      this.activate(await this.row(row.id));
    }
  }

  /** Stops taking items, waits a little for those under way, then journals nothing more. Running jobs stay "running" for the next start. */
  async close(): Promise<void> {
    this.stopping = true;
    clearInterval(this.sweepTimer);
    await this.sweeping;
    await Promise.allSettled([...this.active.values()].map((a) => a.chain));
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

  private async row(id: string): Promise<JobRow> {
    const row = await this.store.job(id);
    if (!row) throw notFound(id);
    return row;
  }

  /** After this instance changed a job's state: its runner follows what the store now says (another instance may have got there first). */
  private async follow(id: string): Promise<void> {
    const row = await this.row(id);
    const active = this.active.get(id);
    if (active) this.adopt(active, row.state);
    else if (row.state === "running" || row.state === "waiting") this.activate(row);
    else this.emitNow(id);
  }

  private activate(row: JobRow): void {
    if (this.active.has(row.id) || this.stopping) return;
    const kind = this.kind(row.kind);
    let core: CoreClient;
    try {
      core = this.opts.coreFor(row.profile_id);
    } catch (err) {
      void this.store
        .setState(row.id, "failed", { finished: true, error: `The job's connection profile cannot be used: ${errorText(err)}` })
        .then(() => this.emitNow(row.id), (e: unknown) => this.storeError(e));
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
      throttle: new Throttle(this.opts.progressIntervalMs ?? 250, () => void this.emit(row.id)),
      watch: new CoreWatch(core, this.probe),
      chain: Promise.resolve(),
      pumpQueued: false,
      toJournal: [],
    };
    this.active.set(row.id, active);
    this.adopt(active, row.state, true);
  }

  /** The runner of a job takes up the state the store holds for it (`fresh`: it was just made, and starts from nothing). */
  private adopt(active: Active, state: JobState, fresh = false): void {
    const was = fresh ? undefined : active.state;
    active.state = state;
    if (state === "running") {
      if (was !== "running") {
        active.watch.stop();
        active.meter.reset();
      }
      this.pump(active);
    } else if (state === "waiting") {
      if (was === "waiting") return;
      for (const end of active.waits.values()) end("outage");
      active.watch.waitFor(() => void this.backFromOutage(active));
    } else {
      active.watch.stop();
      for (const end of active.waits.values()) end(state === "paused" ? "pause" : "cancel");
      if (state !== "paused" && active.inFlight.size === 0) this.deactivate(active);
    }
    if (was !== state) this.emitNow(active.id);
  }

  private deactivate(active: Active): void {
    active.throttle.stop();
    active.watch.stop();
    this.active.delete(active.id);
  }

  /** Claims and finishes of a job run one after another; a failed store write is tried again a little later. */
  private pump(active: Active): void {
    if (this.closed || active.pumpQueued) return;
    active.pumpQueued = true;
    active.chain = active.chain
      .then(() => {
        active.pumpQueued = false;
        return this.pumpNow(active);
      })
      .catch((err: unknown) => {
        if (this.closed) return;
        this.storeError(err);
        setTimeout(() => this.pump(active), STORE_RETRY_MS).unref();
      });
  }

  /**
   * Takes pending items while there is room, each claim journaling the oldest outcome not yet
   * journaled in the same statement (so outcomes never queue up behind claims); writes the rest;
   * finishes the job when nothing is left.
   */
  private async pumpNow(active: Active): Promise<void> {
    if (this.closed) return;
    while (!this.stopping && active.state === "running" && active.inFlight.size < Math.max(1, active.kind.concurrency)) {
      const finished = active.toJournal[0];
      const claimed = await this.store.claimNext(active.id, finished);
      if (finished) this.journaled(active);
      if (!claimed) break;
      this.fly(active, claimed);
    }
    for (let finished = active.toJournal[0]; finished && !this.closed; finished = active.toJournal[0]) {
      await this.store.finishItem(active.id, finished.index, finished.outcome);
      this.journaled(active);
    }
    if (this.stopping || active.inFlight.size > 0) return;
    if (active.state === "running") {
      // On a shared store, items other instances run keep the job open; the sweep looks again.
      if (await this.store.completeIfDone(active.id)) {
        active.state = "completed";
        this.deactivate(active);
        this.emitNow(active.id);
      }
    } else if (TERMINAL.includes(active.state)) {
      this.deactivate(active);
      this.emitNow(active.id);
    }
  }

  /** The oldest outcome waiting was journaled. */
  private journaled(active: Active): void {
    active.toJournal.shift();
    active.meter.tick();
    this.progress(active);
  }

  private fly(active: Active, claimed: Claimed): void {
    const flight = this.runItem(active, claimed).then(
      // A flight ends once its outcome is journaled (close() waits for that).
      (outcome) => {
        active.inFlight.delete(claimed.index);
        if (outcome) active.toJournal.push(outcome);
        this.pump(active);
        return active.chain;
      },
      (err: unknown) => {
        active.inFlight.delete(claimed.index);
        this.storeError(err);
        this.pump(active);
        return active.chain;
      },
    );
    active.inFlight.set(claimed.index, flight);
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
      await this.store.finishItem(active.id, index, { state: "running", error: text });
      const end = await this.wait(active, index, backoffMs(this.retry, attempt));
      if (end === "close" || this.closed) return;
      if (end === "pause" || end === "outage" || active.state === "paused" || active.state === "waiting") {
        await this.store.finishItem(active.id, index, { state: "pending", error: text });
        this.progress(active);
        return undefined;
      }
      if (end === "cancel" || TERMINAL.includes(active.state)) {
        await this.store.finishItem(active.id, index, { state: "skipped", error: `cancelled (last error: ${text})` });
        this.progress(active);
        return undefined;
      }
      const next = await this.store.nextAttempt(active.id, index);
      if (!next) return undefined; // another instance took the item over (this one lost its lease)
      ({ attempts: attempt, tries } = next);
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
  private async cutOff(active: Active, index: number, text: string): Promise<undefined> {
    if (this.closed) return undefined;
    if (active.state === "cancelled") await this.store.finishItem(active.id, index, { state: "skipped", error: `cancelled (last error: ${text})` });
    else {
      await this.store.giveBack(active.id, index, `${text} (not counted: the Core could not be reached)`);
      await this.waitForCore(active, text);
    }
    this.progress(active);
    return undefined;
  }

  /** The job stops taking items and probes its Core with backoff; it carries on by itself when the Core answers. */
  private async waitForCore(active: Active, reason: string): Promise<void> {
    if (active.state !== "running" || this.stopping) return;
    this.adopt(active, "waiting");
    const error = `${reason} The job waits for the Core and carries on by itself when it answers.`;
    // Paused or cancelled meanwhile (here or by another instance): that holds instead.
    if (!(await this.store.setState(active.id, "waiting", { error }, ["running", "waiting"]))) await this.followIfActive(active);
    else this.emitNow(active.id);
  }

  /** A probe found the Core again: the job runs (unless it was paused or cancelled meanwhile). */
  private async backFromOutage(active: Active): Promise<void> {
    if (this.closed || this.stopping || active.state !== "waiting") return;
    try {
      await this.store.setState(active.id, "running", { error: null }, ["waiting"]);
      await this.followIfActive(active);
    } catch (err) {
      this.storeError(err);
      active.watch.waitFor(() => void this.backFromOutage(active));
    }
  }

  private async followIfActive(active: Active): Promise<void> {
    const row = await this.store.job(active.id);
    if (row && this.active.get(active.id) === active) this.adopt(active, row.state);
  }

  /**
   * Shared store: this instance's leases renewed, dead instances' items put back, and every
   * running job followed (started elsewhere: taken up; paused, resumed or cancelled elsewhere: so here).
   */
  private async sweep(): Promise<void> {
    if (this.stopping) return;
    await this.store.renew([...this.active.values()].map((a) => ({ jobId: a.id, indexes: [...a.inFlight.keys(), ...a.toJournal.map((f) => f.index)] })));
    await this.store.requeueExpired();
    const live = new Set<string>();
    for (const row of await this.store.jobsIn(["running", "waiting"])) {
      if (this.stopping) return;
      live.add(row.id);
      const active = this.active.get(row.id);
      if (active) this.adopt(active, row.state);
      else if (this.kinds.has(row.kind)) this.activate(row);
    }
    for (const active of [...this.active.values()]) if (!live.has(active.id)) await this.followIfActive(active);
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

  private progress(active: Active): void {
    active.throttle.request();
  }

  private emitNow(id: string): void {
    const active = this.active.get(id);
    if (active) active.throttle.request(true);
    else void this.emit(id);
  }

  private async emit(id: string): Promise<void> {
    if (this.closed) return;
    let s: JobSummary;
    try {
      s = await this.summary(id);
    } catch {
      return; // the store is closing, or the job was removed with its profile
    }
    if (this.closed) return;
    this.opts.events.emit("job.progress", { jobId: s.id, profileId: s.profileId, state: s.state, done: s.done, failed: s.failed, skipped: s.skipped, total: s.total, etaMs: s.etaMs });
  }

  private storeError(err: unknown): void {
    if (this.closed) return;
    const text = `Gatehouse jobs: the job store failed (${errorText(err)}); trying again.`;
    if (this.opts.onStoreError) this.opts.onStoreError(text);
    else console.error(text);
  }

  private async summary(id: string): Promise<JobSummary> {
    return this.summaryOf(await this.row(id));
  }

  private async summaryOf(row: JobRow): Promise<JobSummary> {
    const c = await this.store.counts(row.id);
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
