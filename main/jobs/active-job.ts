/**
 * A job this instance works on, as the runner holds it in memory (its rows are the store's): the
 * items under way, those waiting out a backoff, the outcomes not journaled yet, and the job's
 * rate, progress throttle and watch on its Core. The engine's parts (active-jobs.ts, item-pump.ts,
 * item-attempts.ts, shared-follower.ts) share it.
 */
import type { JobState } from "../../shared/contract/operations/jobs.ts";
import type { CoreClient } from "../core/core-client.ts";
import type { AnyJobKind } from "./kind.ts";
import type { CoreWatch } from "./outage.ts";
import type { RateMeter, Throttle } from "./progress.ts";
import type { FinalOutcome } from "./store/job-store.ts";

/** Why an item's backoff ended. */
export type WaitEnd = "elapsed" | "pause" | "cancel" | "close" | "outage";
/** An item's final outcome, for the journal. */
export type Finished = { index: number; outcome: FinalOutcome };

export interface ActiveJob {
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

export const TERMINAL: readonly JobState[] = ["completed", "cancelled", "failed"];
