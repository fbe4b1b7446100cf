/**
 * The job journal in Gatehouse's SQLite: jobs and their items, one row each. Every state change
 * of an item is written here before the runner acts on it, so a restart knows where it was.
 */
import { randomUUID } from "node:crypto";
import type { ItemState, JobItem, JobState } from "../../shared/contract/operations/jobs.ts";
import type { JsonObject } from "../../shared/contract/schemas.ts";
import type { StoreDb } from "../store/database.ts";
import { preparedFor, type Prepared } from "../store/statements.ts";
import type { PreparedItem } from "./kind.ts";

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

interface ItemRow {
  idx: number;
  input: string;
  valid: number;
  plan: string | null;
  state: ItemState;
  attempts: number;
  tries: number;
  result: string | null;
  error: string | null;
  updated_at: number;
}

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

export type Counts = Record<ItemState, number> & { total: number; valid: number };

const toItem = (r: ItemRow): JobItem => ({
  index: r.idx,
  input: JSON.parse(r.input) as JsonObject,
  state: r.state,
  plan: r.plan,
  attempts: r.attempts,
  result: r.result === null ? null : (JSON.parse(r.result) as JsonObject),
  error: r.error,
  updatedAt: r.updated_at,
});

export class JobJournal {
  private readonly sql: Prepared;

  constructor(
    private readonly db: StoreDb,
    private readonly now: () => number,
  ) {
    this.sql = preparedFor(db);
  }

  createDraft(job: { kind: string; profileId: string; createdBy: string; inputSummary: string }, items: readonly PreparedItem[]): string {
    const id = randomUUID();
    const at = this.now();
    const insertItem = this.sql(
      "INSERT INTO job_items (job_id, idx, input, valid, plan, state, attempts, result, error, updated_at) VALUES (?, ?, ?, ?, ?, ?, 0, NULL, ?, ?)",
    );
    this.db.transaction(() => {
      this.sql("INSERT INTO jobs (id, kind, profile_id, created_by, input_summary, state, created_at, updated_at) VALUES (?, ?, ?, ?, ?, 'draft', ?, ?)")
        .run(id, job.kind, job.profileId, job.createdBy, job.inputSummary, at, at);
      items.forEach((item, idx) => {
        const valid = item.error === undefined;
        // Invalid items are skipped from the start; their error is the dry run's verdict.
        insertItem.run(id, idx, JSON.stringify(item.input), valid ? 1 : 0, item.plan ?? null, valid ? "pending" : "skipped", item.error ?? null, at);
      });
    })();
    return id;
  }

  job(id: string): JobRow | undefined {
    return this.sql("SELECT * FROM jobs WHERE id = ?").get(id) as JobRow | undefined;
  }

  /** A page of one profile's jobs, newest first, and how many it has. */
  jobsOf(profileId: string, offset: number, limit: number): { rows: JobRow[]; total: number } {
    const rows = this.sql("SELECT * FROM jobs WHERE profile_id = ? ORDER BY created_at DESC, rowid DESC LIMIT ? OFFSET ?").all(profileId, limit, offset) as JobRow[];
    const { n } = this.sql("SELECT COUNT(*) AS n FROM jobs WHERE profile_id = ?").get(profileId) as { n: number };
    return { rows, total: n };
  }

  jobsIn(state: JobState): JobRow[] {
    return this.sql("SELECT * FROM jobs WHERE state = ? ORDER BY created_at").all(state) as JobRow[];
  }

  /** `finished`: stamps finished_at; `reopened`: clears it (failed items run again). */
  setState(id: string, state: JobState, extra: { error?: string | null; started?: boolean; finished?: boolean; reopened?: boolean } = {}): void {
    const at = this.now();
    this.sql(
        `UPDATE jobs SET state = ?, updated_at = ?,
           error = CASE WHEN ? THEN ? ELSE error END,
           started_at = CASE WHEN ? AND started_at IS NULL THEN ? ELSE started_at END,
           finished_at = CASE WHEN ? THEN ? WHEN ? THEN NULL ELSE finished_at END
         WHERE id = ?`,
      )
      .run(state, at, extra.error !== undefined ? 1 : 0, extra.error ?? null, extra.started ? 1 : 0, at, extra.finished ? 1 : 0, at, extra.reopened ? 1 : 0, id);
  }

  counts(id: string): Counts {
    const counts: Counts = { pending: 0, running: 0, done: 0, failed: 0, skipped: 0, total: 0, valid: 0 };
    const rows = this.sql("SELECT state, valid, COUNT(*) AS n FROM job_items WHERE job_id = ? GROUP BY state, valid").all(id) as {
      state: ItemState;
      valid: number;
      n: number;
    }[];
    for (const r of rows) {
      counts[r.state] += r.n;
      counts.total += r.n;
      if (r.valid) counts.valid += r.n;
    }
    return counts;
  }

  items(id: string, offset: number, limit: number, state?: ItemState | "invalid"): { items: JobItem[]; total: number } {
    const where = state === undefined ? "" : state === "invalid" ? " AND valid = 0" : " AND state = ?";
    const args: (string | number)[] = state === undefined || state === "invalid" ? [id] : [id, state];
    const rows = this.sql(`SELECT * FROM job_items WHERE job_id = ?${where} ORDER BY idx LIMIT ? OFFSET ?`).all(...args, limit, offset) as ItemRow[];
    const { n } = this.sql(`SELECT COUNT(*) AS n FROM job_items WHERE job_id = ?${where}`).get(...args) as { n: number };
    return { items: rows.map(toItem), total: n };
  }

  *allItems(id: string): Generator<JobItem> {
    for (const row of this.sql("SELECT * FROM job_items WHERE job_id = ? ORDER BY idx").iterate(id) as Iterable<ItemRow>) yield toItem(row);
  }

  /**
   * The next pending item, marked running with one more attempt (journaled before the attempt);
   * with `finished`, that item's outcome is written in the same transaction (one commit, not two).
   */
  claimNext(id: string, finished?: { index: number; outcome: FinalOutcome }): Claimed | undefined {
    if (!finished) return this.claimOne(id);
    return this.db.transaction(() => {
      this.finishItem(id, finished.index, finished.outcome);
      return this.claimOne(id);
    })();
  }

  private claimOne(id: string): Claimed | undefined {
    // INDEXED BY: left to itself SQLite walks the primary key in idx order past every finished
    // item, which makes each claim cost O(items done) and a 10k-row job quadratic.
    const row = this.sql(
      `UPDATE job_items SET state = 'running', attempts = attempts + 1, tries = tries + 1, updated_at = ?
       WHERE job_id = ? AND idx = (SELECT idx FROM job_items INDEXED BY job_items_by_state WHERE job_id = ? AND state = 'pending' ORDER BY idx LIMIT 1)
       RETURNING idx, input, attempts, tries`,
    ).get(this.now(), id, id) as Pick<ItemRow, "idx" | "input" | "attempts" | "tries"> | undefined;
    return row && { index: row.idx, input: JSON.parse(row.input) as JsonObject, attempts: row.attempts, tries: row.tries };
  }

  /** Another attempt of an item that is already running (after a backoff). */
  nextAttempt(id: string, index: number): { attempts: number; tries: number } {
    return this.sql("UPDATE job_items SET attempts = attempts + 1, tries = tries + 1, updated_at = ? WHERE job_id = ? AND idx = ? RETURNING attempts, tries").get(this.now(), id, index) as {
      attempts: number;
      tries: number;
    };
  }

  /**
   * An item cut off because the Core could not be reached goes back to pending, its attempt given
   * back: an outage is not the item's fault. (`tries` keeps counting, so the kind knows it was tried.)
   */
  giveBack(id: string, index: number, error: string): void {
    this.sql("UPDATE job_items SET state = 'pending', attempts = MAX(0, attempts - 1), error = ?, updated_at = ? WHERE job_id = ? AND idx = ?").run(error, this.now(), id, index);
  }

  /** Failed items go back to pending with a fresh count of attempts; how many. */
  retryFailed(id: string): number {
    return this.sql("UPDATE job_items SET state = 'pending', attempts = 0, updated_at = ? WHERE job_id = ? AND state = 'failed'").run(this.now(), id).changes;
  }

  finishItem(id: string, index: number, outcome: FinalOutcome | { state: "pending" | "skipped" | "running"; error: string }): void {
    const result = "result" in outcome && outcome.result ? JSON.stringify(outcome.result) : null;
    const error = outcome.state === "done" ? null : outcome.error;
    this.sql("UPDATE job_items SET state = ?, result = COALESCE(?, result), error = ?, updated_at = ? WHERE job_id = ? AND idx = ?")
      .run(outcome.state, result, error, this.now(), id, index);
  }

  /** Cancel: every item not yet started is skipped. */
  skipPending(id: string, reason: string): void {
    this.sql("UPDATE job_items SET state = 'skipped', error = ?, updated_at = ? WHERE job_id = ? AND state = 'pending'").run(reason, this.now(), id);
  }

  /** After a crash or close: items that were under way go back to pending (runItem is idempotent). */
  requeueRunning(id: string): number {
    return this.sql("UPDATE job_items SET state = 'pending', updated_at = ? WHERE job_id = ? AND state = 'running'").run(this.now(), id).changes;
  }
}
