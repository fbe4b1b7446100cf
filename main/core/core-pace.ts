/**
 * How hard Gatehouse leans on one Core, whoever makes the calls (a dry run's look-ups, a users
 * page's fan-out, a job's items, all at once): at most `limit` requests in flight per Core. The
 * limit is halved when the Core answers 5xx or 429 — contention: a real Core on its in-memory
 * database answers concurrent look-ups with 500 SQLITE_LOCKED_SHAREDCACHE — and raised by one
 * after RAISE_AFTER × `limit` good answers in a row (additive increase, multiplicative decrease,
 * as TCP does), so a fan-out slows down while the Core struggles and speeds up again when it
 * copes. The raise is slow on purpose: each probe above what the Core copes with costs a 500 and
 * a retry after a backoff, far more than a request fewer in flight.
 *
 * It lives below supertokens-node, in the fetch guard, so no caller can forget it.
 */

/** The most requests in flight to one Core; also where the limit starts. */
export const PACE_MAX = 32;
/** Good answers in a row, per unit of the limit, before the limit is raised by one. */
export const RAISE_AFTER = 4;

type Outcome = "ok" | "contention" | "neutral";

export class CorePace {
  private inFlight = 0;
  private readonly queue: (() => void)[] = [];
  private limitNow: number;
  private okInRow = 0;
  /** Bumped at each cut: a burst of 5xx from requests sent before the cut cuts once, not once each. */
  private generation = 0;

  constructor(private readonly max = PACE_MAX) {
    this.limitNow = max;
  }

  get limit(): number {
    return this.limitNow;
  }

  /** Runs one request when there is room; `classify` says whether its answer signals contention. */
  async run<T>(fn: () => Promise<T>, classify: (value: T) => Outcome): Promise<T> {
    if (this.queue.length === 0 && this.inFlight < this.limitNow) this.inFlight += 1;
    else await new Promise<void>((resolve) => this.queue.push(resolve)); // wake() hands over its slot
    const sentIn = this.generation;
    let outcome: Outcome = "neutral";
    try {
      const value = await fn();
      outcome = classify(value);
      return value;
    } finally {
      this.inFlight -= 1;
      this.settle(outcome, sentIn);
      this.wake();
    }
  }

  private settle(outcome: Outcome, sentIn: number): void {
    if (outcome === "contention") {
      this.okInRow = 0;
      if (sentIn !== this.generation) return;
      this.generation += 1;
      this.limitNow = Math.max(1, Math.floor(this.limitNow / 2));
    } else if (outcome === "ok" && this.limitNow < this.max && ++this.okInRow >= RAISE_AFTER * this.limitNow) {
      this.okInRow = 0;
      this.limitNow += 1;
    }
  }

  private wake(): void {
    while (this.queue.length > 0 && this.inFlight < this.limitNow) {
      // The slot is taken here for the call woken (it resumes later), first come first served.
      this.inFlight += 1;
      this.queue.shift()?.();
    }
  }
}

const paces = new Map<string, CorePace>();

/** The pace of the Core at these URIs (one per Core for the whole process). */
export function paceFor(key: string): CorePace {
  let pace = paces.get(key);
  if (!pace) {
    pace = new CorePace();
    paces.set(key, pace);
  }
  return pace;
}
