/**
 * On a shared store (PostgreSQL, two or more instances) the job's state is the store's, and every
 * instance claims items of every running job. Every sharedPollMs a sweep renews this instance's
 * leases, puts back the items of dead instances, takes up jobs started elsewhere, and follows
 * what other instances did to the jobs this one runs (paused, resumed, cancelled, waiting for the
 * Core). A store that is not shared (sharedPollMs null) has no sweep.
 */
import type { ActiveJobs } from "./active-jobs.ts";
import type { JobStore } from "./store/job-store.ts";

export class SharedFollower {
  private readonly timer: NodeJS.Timeout | undefined;
  private sweeping: Promise<void> | undefined;

  constructor(
    private readonly store: JobStore,
    private readonly jobs: ActiveJobs,
    /** Whether this Gatehouse knows the kind (a job of a kind it does not know is left to instances that do). */
    private readonly hasKind: (name: string) => boolean,
  ) {
    const every = store.sharedPollMs;
    if (every !== null) {
      this.timer = setInterval(() => {
        this.sweeping ??= this.sweep()
          .catch((err: unknown) => this.jobs.storeError(err))
          .finally(() => (this.sweeping = undefined));
      }, every);
      this.timer.unref();
    }
  }

  /** No more sweeps; resolves when the one under way (if any) has ended. */
  stop(): Promise<void> | undefined {
    clearInterval(this.timer);
    return this.sweeping;
  }

  private async sweep(): Promise<void> {
    if (this.jobs.isStopping()) return;
    await this.store.renew(this.jobs.all().map((a) => ({ jobId: a.id, indexes: [...a.inFlight.keys(), ...a.toJournal.map((f) => f.index)] })));
    await this.store.requeueExpired();
    const live = new Set<string>();
    for (const row of await this.store.jobsIn(["running", "waiting"])) {
      if (this.jobs.isStopping()) return;
      live.add(row.id);
      const active = this.jobs.get(row.id);
      if (active) this.jobs.adopt(active, row.state);
      else if (this.hasKind(row.kind)) this.jobs.activate(row);
    }
    for (const active of this.jobs.all()) if (!live.has(active.id)) await this.jobs.followIfActive(active);
  }
}
