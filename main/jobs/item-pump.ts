/**
 * A running job's pump: takes its pending items while there is room (the kind's concurrency),
 * each claim journaling the oldest outcome not yet journaled in the same statement (so outcomes
 * never queue up behind claims), writes the rest, and finishes the job when nothing is left.
 * Claims and finishes of one job run one after another on its chain; a failed store write is
 * tried again a little later.
 */
import { TERMINAL, type ActiveJob, type Finished } from "./active-job.ts";
import type { Claimed, JobStore } from "./store/job-store.ts";

const STORE_RETRY_MS = 1000;

export interface ItemPumpDeps {
  store: JobStore;
  /** close() began: no new items are taken. */
  stopping: () => boolean;
  /** close() ended: nothing is journaled any more. */
  closed: () => boolean;
  /** Runs one item to its final outcome (item-attempts.ts). */
  runItem: (active: ActiveJob, claimed: Claimed) => Promise<Finished | undefined>;
  /** The job ended (completed, cancelled or failed) with nothing under way here. */
  ended: (active: ActiveJob) => void;
  storeError: (err: unknown) => void;
}

export class ItemPump {
  constructor(private readonly deps: ItemPumpDeps) {}

  /** Queues a pump on the job's chain (one already queued and not begun takes this request too). */
  pump(active: ActiveJob): void {
    if (this.deps.closed() || active.pumpQueued) return;
    active.pumpQueued = true;
    active.chain = active.chain
      .then(() => {
        active.pumpQueued = false;
        return this.pumpNow(active);
      })
      .catch((err: unknown) => {
        if (this.deps.closed()) return;
        this.deps.storeError(err);
        setTimeout(() => this.pump(active), STORE_RETRY_MS).unref();
      });
  }

  private async pumpNow(active: ActiveJob): Promise<void> {
    const { store } = this.deps;
    if (this.deps.closed()) return;
    while (!this.deps.stopping() && active.state === "running" && active.inFlight.size < Math.max(1, active.kind.concurrency)) {
      const finished = active.toJournal[0];
      const claimed = await store.claimNext(active.id, finished);
      if (finished) this.journaled(active);
      if (!claimed) break;
      this.fly(active, claimed);
    }
    for (let finished = active.toJournal[0]; finished && !this.deps.closed(); finished = active.toJournal[0]) {
      await store.finishItem(active.id, finished.index, finished.outcome);
      this.journaled(active);
    }
    if (this.deps.stopping() || active.inFlight.size > 0) return;
    if (active.state === "running") {
      // On a shared store, items other instances run keep the job open; the sweep looks again.
      if (await store.completeIfDone(active.id)) {
        active.state = "completed";
        this.deps.ended(active);
      }
    } else if (TERMINAL.includes(active.state)) {
      this.deps.ended(active);
    }
  }

  /** The oldest outcome waiting was journaled. */
  private journaled(active: ActiveJob): void {
    active.toJournal.shift();
    active.meter.tick();
    active.throttle.request();
  }

  private fly(active: ActiveJob, claimed: Claimed): void {
    const flight = this.deps.runItem(active, claimed).then(
      // A flight ends once its outcome is journaled (close() waits for that).
      (outcome) => {
        active.inFlight.delete(claimed.index);
        if (outcome) active.toJournal.push(outcome);
        this.pump(active);
        return active.chain;
      },
      (err: unknown) => {
        active.inFlight.delete(claimed.index);
        this.deps.storeError(err);
        this.pump(active);
        return active.chain;
      },
    );
    active.inFlight.set(claimed.index, flight);
  }
}
