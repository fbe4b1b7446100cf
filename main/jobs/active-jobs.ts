/**
 * The jobs this instance works on, each following the state the store holds for it: running
 * takes items (item-pump.ts, item-attempts.ts); waiting probes its Core and carries on by itself
 * when a probe finds it (outage.ts); paused stops taking items; cancelled, completed or failed
 * lets go of the job once nothing is under way. Progress events go out from here (throttled per
 * job; state changes at once). close() gives the items under way a grace period, then abandons them.
 */
import type { JobState, JobSummary } from "../../shared/contract/operations/jobs.ts";
import type { CoreClient } from "../core/core-client.ts";
import type { EventBus } from "../events.ts";
import type { ActiveJob } from "./active-job.ts";
import { ItemAttempts } from "./item-attempts.ts";
import { ItemPump } from "./item-pump.ts";
import type { AnyJobKind } from "./kind.ts";
import { CoreWatch } from "./outage.ts";
import { RateMeter, Throttle } from "./progress.ts";
import { errorText, type ProbePolicy, type RetryPolicy } from "./retry.ts";
import type { JobRow, JobStore } from "./store/job-store.ts";

export interface ActiveJobsDeps {
  store: JobStore;
  events: EventBus;
  now: () => number;
  coreFor: (profileId: string) => CoreClient;
  /** A registered kind (a VALIDATION error for one this Gatehouse does not know). */
  kind: (name: string) => AnyJobKind;
  retry: RetryPolicy;
  probe: ProbePolicy;
  progressIntervalMs: number;
  /** A job's summary, for its progress event (job-views.ts). */
  summary: (id: string) => Promise<JobSummary>;
  /** The store could not be written: the runner tries again; default console.error. */
  onStoreError?: (text: string) => void;
}

export class ActiveJobs {
  private readonly byId = new Map<string, ActiveJob>();
  private readonly pump: ItemPump;
  /** close() began: no new items are taken. */
  private stopping = false;
  /** close() ended: nothing is journaled any more (the database is about to close). */
  private closed = false;

  constructor(private readonly deps: ActiveJobsDeps) {
    const attempts = new ItemAttempts({ store: deps.store, retry: deps.retry, closed: () => this.closed, waitForCore: (active, reason) => this.waitForCore(active, reason) });
    this.pump = new ItemPump({
      store: deps.store,
      stopping: () => this.stopping,
      closed: () => this.closed,
      runItem: (active, claimed) => attempts.run(active, claimed),
      ended: (active) => {
        this.deactivate(active);
        this.emitNow(active.id);
      },
      storeError: (err) => this.storeError(err),
    });
  }

  get(id: string): ActiveJob | undefined {
    return this.byId.get(id);
  }

  all(): ActiveJob[] {
    return [...this.byId.values()];
  }

  /** close() began. */
  isStopping(): boolean {
    return this.stopping;
  }

  /** This instance works on the job from now on, from the state its row holds (a profile that cannot be used fails it). */
  activate(row: JobRow): void {
    if (this.byId.has(row.id) || this.stopping) return;
    const kind = this.deps.kind(row.kind);
    let core: CoreClient;
    try {
      core = this.deps.coreFor(row.profile_id);
    } catch (err) {
      void this.deps.store
        .setState(row.id, "failed", { finished: true, error: `The job's connection profile cannot be used: ${errorText(err)}` })
        .then(() => this.emitNow(row.id), (e: unknown) => this.storeError(e));
      return;
    }
    const active: ActiveJob = {
      id: row.id,
      profileId: row.profile_id,
      createdBy: row.created_by,
      kind,
      core,
      state: row.state,
      inFlight: new Map(),
      waits: new Map(),
      meter: new RateMeter(this.deps.now),
      throttle: new Throttle(this.deps.progressIntervalMs, () => void this.emit(row.id)),
      watch: new CoreWatch(core, this.deps.probe),
      chain: Promise.resolve(),
      pumpQueued: false,
      toJournal: [],
    };
    this.byId.set(row.id, active);
    this.adopt(active, row.state, true);
  }

  /** The runner of a job takes up the state the store holds for it (`fresh`: it was just made, and starts from nothing). */
  adopt(active: ActiveJob, state: JobState, fresh = false): void {
    const was = fresh ? undefined : active.state;
    active.state = state;
    if (state === "running") {
      if (was !== "running") {
        active.watch.stop();
        active.meter.reset();
      }
      this.pump.pump(active);
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

  /** After this instance changed a job's state: its runner follows what the store now says (another instance may have got there first). */
  follow(row: JobRow): void {
    const active = this.byId.get(row.id);
    if (active) this.adopt(active, row.state);
    else if (row.state === "running" || row.state === "waiting") this.activate(row);
    else this.emitNow(row.id);
  }

  /** The job's runner, if this instance still works on it, takes up the state the store now holds. */
  async followIfActive(active: ActiveJob): Promise<void> {
    const row = await this.deps.store.job(active.id);
    if (row && this.byId.get(active.id) === active) this.adopt(active, row.state);
  }

  /** A job.progress event now (for a job this instance works on, through its throttle). */
  emitNow(id: string): void {
    const active = this.byId.get(id);
    if (active) active.throttle.request(true);
    else void this.emit(id);
  }

  storeError(err: unknown): void {
    if (this.closed) return;
    const text = `Gatehouse jobs: the job store failed (${errorText(err)}); trying again.`;
    if (this.deps.onStoreError) this.deps.onStoreError(text);
    else console.error(text);
  }

  /** close() begins: no new items are taken, no job is taken up. */
  stopTaking(): void {
    this.stopping = true;
  }

  /** Waits a little for the items under way, then journals nothing more. Running jobs stay "running" for the next start. */
  async close(graceMs: number): Promise<void> {
    this.stopping = true;
    await Promise.allSettled([...this.byId.values()].map((a) => a.chain));
    const flights: Promise<void>[] = [];
    for (const active of this.byId.values()) {
      active.watch.stop();
      for (const end of active.waits.values()) end("close");
      flights.push(...active.inFlight.values());
    }
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([Promise.allSettled(flights), new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs)))]);
    clearTimeout(timer);
    this.closed = true;
    for (const active of this.byId.values()) active.throttle.stop();
    this.byId.clear();
  }

  private deactivate(active: ActiveJob): void {
    active.throttle.stop();
    active.watch.stop();
    this.byId.delete(active.id);
  }

  /** The job stops taking items and probes its Core with backoff; it carries on by itself when the Core answers. */
  private async waitForCore(active: ActiveJob, reason: string): Promise<void> {
    if (active.state !== "running" || this.stopping) return;
    this.adopt(active, "waiting");
    const error = `${reason} The job waits for the Core and carries on by itself when it answers.`;
    // Paused or cancelled meanwhile (here or by another instance): that holds instead.
    if (!(await this.deps.store.setState(active.id, "waiting", { error }, ["running", "waiting"]))) await this.followIfActive(active);
    else this.emitNow(active.id);
  }

  /** A probe found the Core again: the job runs (unless it was paused or cancelled meanwhile). */
  private async backFromOutage(active: ActiveJob): Promise<void> {
    if (this.closed || this.stopping || active.state !== "waiting") return;
    try {
      await this.deps.store.setState(active.id, "running", { error: null }, ["waiting"]);
      await this.followIfActive(active);
    } catch (err) {
      this.storeError(err);
      active.watch.waitFor(() => void this.backFromOutage(active));
    }
  }

  private async emit(id: string): Promise<void> {
    if (this.closed) return;
    let s: JobSummary;
    try {
      s = await this.deps.summary(id);
    } catch {
      return; // the store is closing, or the job was removed with its profile
    }
    if (this.closed) return;
    this.deps.events.emit("job.progress", { jobId: s.id, profileId: s.profileId, state: s.state, done: s.done, failed: s.failed, skipped: s.skipped, total: s.total, etaMs: s.etaMs });
  }
}
