/**
 * Where the job engine keeps its jobs and their items: Gatehouse's SQLite (sqlite-job-store.ts,
 * the default: desktop, one team server) or PostgreSQL (postgres-job-store.ts: two or more team
 * server instances sharing their jobs). Every state change of an item is written here before the
 * runner acts on it, so a restart, or another instance, knows where it was.
 *
 * A shared store claims items for one instance with a lease: the instance renews it while it works
 * (renew), and an item whose lease ran out (its instance died) goes back to pending for another
 * (requeueExpired), which takes it up as a repeat (tries > 1): the kinds' idempotent runItem looks
 * at what the Core holds before doing anything, as after a restart. Writes about an item are fenced
 * by its owner: an instance that lost its lease cannot overwrite what the new owner journals.
 */
import type { ItemState, JobItem, JobState } from "../../../shared/contract/operations/jobs.ts";
import type { JsonObject } from "../../../shared/contract/schemas.ts";
import type { PreparedItem } from "../kind.ts";

export interface JobRow {
  id: string;
  kind: string;
  profile_id: string;
  created_by: string;
  input_summary: string;
  state: JobState;
  error: string | null;
  created_at: number;
  started_at: number | null;
  finished_at: number | null;
  updated_at: number;
}

/** An item's row as both stores keep it (the columns its view needs). */
export interface ItemRow {
  idx: number;
  input: string;
  plan: string | null;
  state: ItemState;
  attempts: number;
  result: string | null;
  error: string | null;
  updated_at: number;
}

/** An item as the jobs.* operations show it. */
export const toItem = (r: ItemRow): JobItem => ({
  index: r.idx,
  input: JSON.parse(r.input) as JsonObject,
  state: r.state,
  plan: r.plan,
  attempts: r.attempts,
  result: r.result === null ? null : (JSON.parse(r.result) as JsonObject),
  error: r.error,
  updatedAt: r.updated_at,
});

/** An item taken up for an attempt: `attempts` counts toward the cap, `tries` every take-up (given back or not). */
export interface Claimed {
  index: number;
  input: JsonObject;
  attempts: number;
  tries: number;
}

/** How an item ended: done with its result, or failed with its error. */
export type FinalOutcome =
  | { state: "done"; result: JsonObject }
  | { state: "failed"; error: string }
  /** Found at run time to need nothing (see ItemSkipped): why, and what the result file says of it. */
  | { state: "skipped"; error: string; result?: JsonObject };

/** What finishItem may write: a final outcome, or (with an error) back to pending, skipped, or still running between attempts. */
export type ItemOutcome = FinalOutcome | { state: "pending" | "skipped" | "running"; error: string };

export type Counts = Record<ItemState, number> & { total: number; valid: number };

export interface StateChange {
  error?: string | null;
  /** Stamps started_at (first start only). */
  started?: boolean;
  /** Stamps finished_at. */
  finished?: boolean;
  /** Clears finished_at (failed items run again). */
  reopened?: boolean;
}

export interface JobStore {
  /** Null: this Gatehouse is the store's only user. Else how often the runner renews its leases and looks at what other instances did. */
  readonly sharedPollMs: number | null;

  /** `pinned`: only this instance may claim the job's items (an instance-bound kind; see JobKind). */
  createDraft(job: { kind: string; profileId: string; createdBy: string; inputSummary: string; pinned?: boolean }, items: readonly PreparedItem[]): Promise<string>;
  job(id: string): Promise<JobRow | undefined>;
  /** A page of one profile's jobs, newest first, and how many it has. */
  jobsOf(profileId: string, offset: number, limit: number): Promise<{ rows: JobRow[]; total: number }>;
  jobsIn(states: readonly JobState[]): Promise<JobRow[]>;
  /** With `from`, only when the job is in one of those states (another instance may have moved it): whether it changed. */
  setState(id: string, state: JobState, change?: StateChange, from?: readonly JobState[]): Promise<boolean>;
  /** A running job with no item pending or running is completed: whether this call did it. */
  completeIfDone(id: string): Promise<boolean>;
  /** Cancel: the job cancelled and every item not yet started skipped, at once; whether it changed (false: it had finished). */
  cancel(id: string, reason: string): Promise<boolean>;

  counts(id: string): Promise<Counts>;
  items(id: string, offset: number, limit: number, state?: ItemState | "invalid"): Promise<{ items: JobItem[]; total: number }>;

  /**
   * The next pending item of a running job, marked running (for this instance) with one more
   * attempt, journaled before the attempt; with `finished`, that item's outcome is written in the
   * same transaction. Undefined: nothing pending (or the job is not running any more).
   */
  claimNext(id: string, finished?: { index: number; outcome: FinalOutcome }): Promise<Claimed | undefined>;
  /** Another attempt of an item this instance runs (after a backoff); undefined when it is not this instance's any more. */
  nextAttempt(id: string, index: number): Promise<{ attempts: number; tries: number } | undefined>;
  /** An item cut off because the Core could not be reached goes back to pending, its attempt given back (tries keeps counting). */
  giveBack(id: string, index: number, error: string): Promise<void>;
  finishItem(id: string, index: number, outcome: ItemOutcome): Promise<void>;
  /** Failed items go back to pending with a fresh count of attempts; how many. */
  retryFailed(id: string): Promise<number>;
  /** At start-up, for a job that was running or paused: items left running by a dead process go back to pending (a shared store leaves that to leases). */
  recover(id: string): Promise<void>;

  /** Shared: this instance still works on these items of these jobs (under way, or ended and not journaled yet). */
  renew(held: readonly { jobId: string; indexes: readonly number[] }[]): Promise<void>;
  /** Shared: items whose lease ran out go back to pending; the jobs they belong to. */
  requeueExpired(): Promise<string[]>;
}
