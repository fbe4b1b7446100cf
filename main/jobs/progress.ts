/**
 * A job's rate and ETA from its recent completions, and a throttle so progress events go out
 * at most every `intervalMs` per job (the latest one always goes out, a little later).
 */
const WINDOW = 50;
const WINDOW_MS = 60_000;

export class RateMeter {
  private readonly stamps: number[] = [];

  constructor(private readonly now: () => number) {}

  /** One item finished (done or failed). */
  tick(): void {
    this.stamps.push(this.now());
    if (this.stamps.length > WINDOW) this.stamps.shift();
  }

  /** Forget the rate (after a pause: the gap is not the Core's speed). */
  reset(): void {
    this.stamps.length = 0;
  }

  /** Milliseconds until `remaining` items are done at the recent rate; null before there is one. */
  etaMs(remaining: number): number | null {
    if (remaining <= 0) return 0;
    const now = this.now();
    const recent = this.stamps.filter((t) => now - t <= WINDOW_MS);
    const first = recent[0];
    if (recent.length < 2 || first === undefined) return null;
    const span = Math.max(1, now - first);
    const perMs = (recent.length - 1) / span;
    return Math.round(remaining / perMs);
  }
}

export class Throttle {
  private last = Number.NEGATIVE_INFINITY;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly intervalMs: number,
    private readonly send: () => void,
  ) {}

  /** Sends now if the interval has passed, or once at its end otherwise. `force`: now, whatever. */
  request(force = false): void {
    const now = Date.now();
    if (force || now - this.last >= this.intervalMs) {
      this.flush();
      return;
    }
    this.timer ??= setTimeout(() => this.flush(), this.intervalMs - (now - this.last));
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private flush(): void {
    this.stop();
    this.last = Date.now();
    this.send();
  }
}
