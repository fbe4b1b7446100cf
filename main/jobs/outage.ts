/**
 * A running job's watch on whether its Core can be reached at all. When an item is cut off by a
 * transport error or a timeout, the runner asks reachable(): one probe (GET /apiversion, which
 * changes nothing) answers for every item cut off at the same moment. If the Core is gone the
 * job waits, and waitFor() probes again with backoff until the Core answers.
 */
import type { CoreClient } from "../core/core-client.ts";
import { isOutage, type ProbePolicy } from "./retry.ts";

export class CoreWatch {
  private probing: Promise<boolean> | undefined;
  private timer: NodeJS.Timeout | undefined;
  /** Bumped by stop(): a probe answered after it no longer calls back. */
  private round = 0;

  constructor(
    private readonly core: CoreClient,
    private readonly policy: ProbePolicy,
  ) {}

  /** Whether the Core answers now (any answer, even an error of its own, means it is there). */
  reachable(): Promise<boolean> {
    this.probing ??= this.core
      .cdiVersions()
      .then(
        () => true,
        (err: unknown) => !isOutage(err),
      )
      .finally(() => (this.probing = undefined));
    return this.probing;
  }

  /** Probes after a backoff, again and again (longer each time), until the Core answers: then `back()`. */
  waitFor(back: () => void): void {
    this.stop();
    const round = this.round;
    let failed = 0;
    const next = () => {
      const step = Math.min(this.policy.capMs, this.policy.baseMs * 2 ** failed);
      this.timer = setTimeout(
        () => {
          this.timer = undefined;
          void this.reachable().then((up) => {
            if (round !== this.round) return;
            if (up) back();
            else {
              failed += 1;
              next();
            }
          });
        },
        step / 2 + Math.random() * (step / 2),
      );
    };
    next();
  }

  /** No more probes (the job was paused, cancelled, or Gatehouse closes). */
  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.round += 1;
  }
}
