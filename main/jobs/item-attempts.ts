/**
 * One item of a running job, attempt after attempt: transport errors and Core 5xx are tried again
 * after a backoff (retry.ts), an item cut off because the Core cannot be reached goes back to
 * pending and the job waits for its Core (outage.ts), and before an item fails the kind's
 * reconcile() checks what the Core really holds for it. Each attempt is journaled before
 * (claim/nextAttempt) and after (a retry's wait here; the final outcome, returned, by the pump).
 */
import { GatehouseError } from "../../shared/contract/errors.ts";
import type { JsonObject } from "../../shared/contract/schemas.ts";
import { TERMINAL, type ActiveJob, type Finished, type WaitEnd } from "./active-job.ts";
import { ItemSkipped, type ItemContext } from "./kind.ts";
import { plural } from "./plural.ts";
import { backoffMs, errorText, isOutage, isTransient, type RetryPolicy } from "./retry.ts";
import type { Claimed, JobStore } from "./store/job-store.ts";

export interface ItemAttemptsDeps {
  store: JobStore;
  retry: RetryPolicy;
  /** close() ended: an item under way is abandoned, nothing more is journaled. */
  closed: () => boolean;
  /** The Core cannot be reached: the job stops taking items and waits for it. */
  waitForCore: (active: ActiveJob, reason: string) => Promise<void>;
}

export class ItemAttempts {
  constructor(private readonly deps: ItemAttemptsDeps) {}

  /** Runs the item to its final outcome. Undefined: nothing to journal (given back, skipped on cancel, abandoned, or taken over). */
  async run(active: ActiveJob, claimed: Claimed): Promise<Finished | undefined> {
    const { store, retry } = this.deps;
    const { index, input } = claimed;
    let { attempts: attempt, tries } = claimed;
    for (;;) {
      let outcome: { ok: true; result: JsonObject } | { ok: false; err: unknown };
      try {
        // An attempt over the cap (after restarts) is not made: the item fails with its last error.
        if (attempt > retry.maxAttempts) throw new GatehouseError({ code: "INTERNAL", message: `gave up after ${plural(retry.maxAttempts, "attempt")}` });
        outcome = { ok: true, result: await active.kind.runItem(input, this.context(active, index, attempt, tries)) };
      } catch (err) {
        outcome = { ok: false, err };
      }
      if (this.deps.closed()) return; // abandoned at close: the journal still says running, so a restart does it again (idempotently)
      if (outcome.ok) return { index, outcome: { state: "done", result: outcome.result } };
      if (outcome.err instanceof ItemSkipped) {
        return { index, outcome: { state: "skipped", error: outcome.err.reason, ...(outcome.err.result ? { result: outcome.err.result } : {}) } };
      }
      const text = errorText(outcome.err);
      if (isOutage(outcome.err) && !(await active.watch.reachable())) return this.cutOff(active, index, text);
      if (this.deps.closed()) return;
      if (!isTransient(outcome.err) || attempt >= retry.maxAttempts) {
        const error = isTransient(outcome.err) ? `${text} (after ${plural(attempt, "attempt")})` : text;
        return this.reconcile(active, index, input, this.context(active, index, attempt, tries), error);
      }
      await store.finishItem(active.id, index, { state: "running", error: text });
      const end = await this.wait(active, index, backoffMs(retry, attempt));
      if (end === "close" || this.deps.closed()) return;
      if (end === "pause" || end === "outage" || active.state === "paused" || active.state === "waiting") {
        await store.finishItem(active.id, index, { state: "pending", error: text });
        active.throttle.request();
        return undefined;
      }
      if (end === "cancel" || TERMINAL.includes(active.state)) {
        await store.finishItem(active.id, index, { state: "skipped", error: `cancelled (last error: ${text})` });
        active.throttle.request();
        return undefined;
      }
      const next = await store.nextAttempt(active.id, index);
      if (!next) return undefined; // another instance took the item over (this one lost its lease)
      ({ attempts: attempt, tries } = next);
    }
  }

  private context(active: ActiveJob, index: number, attempt: number, tries: number): ItemContext {
    return { core: active.core, profileId: active.profileId, createdBy: active.createdBy, jobId: active.id, index, attempt, fresh: tries <= 1 };
  }

  /** Before an item fails: what the Core really holds for it (the kind may finish it from there). */
  private async reconcile(active: ActiveJob, index: number, input: JsonObject, ctx: ItemContext, error: string): Promise<Finished | undefined> {
    if (!active.kind.reconcile) return { index, outcome: { state: "failed", error } };
    try {
      const found = await active.kind.reconcile(input, { ...ctx, error });
      if (this.deps.closed()) return;
      return { index, outcome: found.state === "done" ? { state: "done", result: found.result } : { state: "failed", error: found.error } };
    } catch (err) {
      if (this.deps.closed()) return;
      if (isOutage(err) && !(await active.watch.reachable())) return this.cutOff(active, index, errorText(err));
      return { index, outcome: { state: "failed", error: `${error} (what the Core holds for it could not be checked: ${errorText(err)})` } };
    }
  }

  /** An item cut off because the Core cannot be reached: back to pending, its attempt given back; the job waits. */
  private async cutOff(active: ActiveJob, index: number, text: string): Promise<undefined> {
    if (this.deps.closed()) return undefined;
    if (active.state === "cancelled") await this.deps.store.finishItem(active.id, index, { state: "skipped", error: `cancelled (last error: ${text})` });
    else {
      await this.deps.store.giveBack(active.id, index, `${text} (not counted: the Core could not be reached)`);
      await this.deps.waitForCore(active, text);
    }
    active.throttle.request();
    return undefined;
  }

  /** A backoff that pause, cancel, an outage or close() end early. */
  private wait(active: ActiveJob, index: number, ms: number): Promise<WaitEnd> {
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
}
