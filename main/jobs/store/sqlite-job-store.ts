/**
 * The job journal in Gatehouse's SQLite (the default store: desktop, one team server): jobs and
 * their items, one row each. This process is the store's only user, so its methods run
 * synchronously inside; they answer as promises for the runner's JobStore. No leases: at start-up
 * every item left running by the last process goes back to pending (recover).
 */
import { randomUUID } from "node:crypto";
import type { ItemState, JobItem, JobState } from "../../../shared/contract/operations/jobs.ts";
import type { JsonObject } from "../../../shared/contract/schemas.ts";
import type { StoreDb } from "../../store/database.ts";
import { preparedFor, type Prepared } from "../../store/statements.ts";
import type { PreparedItem } from "../kind.ts";
import { type Claimed, type Counts, type FinalOutcome, type ItemOutcome, type JobRow, type JobStore, type StateChange, type ItemRow, toItem } from "./job-store.ts";

/** SQLite's item row: the common one, with the columns only this store reads. */
type SqliteItemRow = ItemRow & { valid: number; tries: number };

const SETTLED = ["completed", "cancelled", "failed"];

export class SqliteJobStore implements JobStore {
  readonly sharedPollMs = null;
  private readonly sql: Prepared;

  constructor(
    private readonly db: StoreDb,
    private readonly now: () => number,
  ) {
    this.sql = preparedFor(db);
  }

  /** One instance has this store: `pinned` changes nothing. */
  createDraft(job: { kind: string; profileId: string; createdBy: string; inputSummary: string; pinned?: boolean }, items: readonly PreparedItem[]): Promise<string> {
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
    return Promise.resolve(id);
  }

  job(id: string): Promise<JobRow | undefined> {
    return Promise.resolve(this.sql("SELECT * FROM jobs WHERE id = ?").get(id) as JobRow | undefined);
  }

  jobsOf(profileId: string, offset: number, limit: number): Promise<{ rows: JobRow[]; total: number }> {
    const rows = this.sql("SELECT * FROM jobs WHERE profile_id = ? ORDER BY created_at DESC, rowid DESC LIMIT ? OFFSET ?").all(profileId, limit, offset) as JobRow[];
    const { n } = this.sql("SELECT COUNT(*) AS n FROM jobs WHERE profile_id = ?").get(profileId) as { n: number };
    return Promise.resolve({ rows, total: n });
  }

  jobsIn(states: readonly JobState[]): Promise<JobRow[]> {
    return Promise.resolve(states.flatMap((state) => this.sql("SELECT * FROM jobs WHERE state = ? ORDER BY created_at").all(state) as JobRow[]));
  }

  setState(id: string, state: JobState, change: StateChange = {}, from?: readonly JobState[]): Promise<boolean> {
    return Promise.resolve(this.setStateNow(id, state, change, from));
  }

  completeIfDone(id: string): Promise<boolean> {
    const open = this.sql("SELECT 1 FROM job_items WHERE job_id = ? AND state IN ('pending', 'running') LIMIT 1").get(id);
    return Promise.resolve(open ? false : this.setStateNow(id, "completed", { finished: true }, ["running"]));
  }

  cancel(id: string, reason: string): Promise<boolean> {
    return Promise.resolve(
      this.db.transaction(() => {
        const row = this.sql("SELECT state FROM jobs WHERE id = ?").get(id) as { state: JobState } | undefined;
        if (!row || SETTLED.includes(row.state)) return false;
        this.setStateNow(id, "cancelled", { finished: true, ...(row.state === "waiting" ? { error: null } : {}) });
        this.sql("UPDATE job_items SET state = 'skipped', error = ?, updated_at = ? WHERE job_id = ? AND state = 'pending'").run(reason, this.now(), id);
        return true;
      })(),
    );
  }

  counts(id: string): Promise<Counts> {
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
    return Promise.resolve(counts);
  }

  items(id: string, offset: number, limit: number, state?: ItemState | "invalid"): Promise<{ items: JobItem[]; total: number }> {
    const where = state === undefined ? "" : state === "invalid" ? " AND valid = 0" : " AND state = ?";
    const args: (string | number)[] = state === undefined || state === "invalid" ? [id] : [id, state];
    const rows = this.sql(`SELECT * FROM job_items WHERE job_id = ?${where} ORDER BY idx LIMIT ? OFFSET ?`).all(...args, limit, offset) as SqliteItemRow[];
    const { n } = this.sql(`SELECT COUNT(*) AS n FROM job_items WHERE job_id = ?${where}`).get(...args) as { n: number };
    return Promise.resolve({ items: rows.map(toItem), total: n });
  }

  claimNext(id: string, finished?: { index: number; outcome: FinalOutcome }): Promise<Claimed | undefined> {
    if (!finished) return Promise.resolve(this.claimOne(id));
    return Promise.resolve(
      this.db.transaction(() => {
        this.finishNow(id, finished.index, finished.outcome);
        return this.claimOne(id);
      })(),
    );
  }

  private claimOne(id: string): Claimed | undefined {
    // INDEXED BY: left to itself SQLite walks the primary key in idx order past every finished
    // item, which makes each claim cost O(items done) and a 10k-row job quadratic.
    const row = this.sql(
      `UPDATE job_items SET state = 'running', attempts = attempts + 1, tries = tries + 1, updated_at = ?
       WHERE job_id = ? AND idx = (SELECT idx FROM job_items INDEXED BY job_items_by_state WHERE job_id = ? AND state = 'pending' ORDER BY idx LIMIT 1)
       RETURNING idx, input, attempts, tries`,
    ).get(this.now(), id, id) as Pick<SqliteItemRow, "idx" | "input" | "attempts" | "tries"> | undefined;
    return row && { index: row.idx, input: JSON.parse(row.input) as JsonObject, attempts: row.attempts, tries: row.tries };
  }

  nextAttempt(id: string, index: number): Promise<{ attempts: number; tries: number } | undefined> {
    return Promise.resolve(
      this.sql("UPDATE job_items SET attempts = attempts + 1, tries = tries + 1, updated_at = ? WHERE job_id = ? AND idx = ? AND state = 'running' RETURNING attempts, tries").get(this.now(), id, index) as
        | { attempts: number; tries: number }
        | undefined,
    );
  }

  giveBack(id: string, index: number, error: string): Promise<void> {
    this.sql("UPDATE job_items SET state = 'pending', attempts = MAX(0, attempts - 1), error = ?, updated_at = ? WHERE job_id = ? AND idx = ?").run(error, this.now(), id, index);
    return Promise.resolve();
  }

  retryFailed(id: string): Promise<number> {
    return Promise.resolve(this.sql("UPDATE job_items SET state = 'pending', attempts = 0, updated_at = ? WHERE job_id = ? AND state = 'failed'").run(this.now(), id).changes);
  }

  finishItem(id: string, index: number, outcome: ItemOutcome): Promise<void> {
    this.finishNow(id, index, outcome);
    return Promise.resolve();
  }

  /** Items that were under way when the last process stopped go back to pending (runItem is idempotent). */
  recover(id: string): Promise<void> {
    this.sql("UPDATE job_items SET state = 'pending', updated_at = ? WHERE job_id = ? AND state = 'running'").run(this.now(), id);
    return Promise.resolve();
  }

  renew(): Promise<void> {
    return Promise.resolve();
  }

  requeueExpired(): Promise<string[]> {
    return Promise.resolve([]);
  }

  private finishNow(id: string, index: number, outcome: ItemOutcome): void {
    const result = "result" in outcome && outcome.result ? JSON.stringify(outcome.result) : null;
    const error = outcome.state === "done" ? null : outcome.error;
    this.sql("UPDATE job_items SET state = ?, result = COALESCE(?, result), error = ?, updated_at = ? WHERE job_id = ? AND idx = ?")
      .run(outcome.state, result, error, this.now(), id, index);
  }

  private setStateNow(id: string, state: JobState, change: StateChange, from?: readonly JobState[]): boolean {
    const at = this.now();
    const only = from ? ` AND state IN (${from.map(() => "?").join(", ")})` : "";
    return (
      this.sql(
        `UPDATE jobs SET state = ?, updated_at = ?,
           error = CASE WHEN ? THEN ? ELSE error END,
           started_at = CASE WHEN ? AND started_at IS NULL THEN ? ELSE started_at END,
           finished_at = CASE WHEN ? THEN ? WHEN ? THEN NULL ELSE finished_at END
         WHERE id = ?${only}`,
      ).run(
        state,
        at,
        change.error !== undefined ? 1 : 0,
        change.error ?? null,
        change.started ? 1 : 0,
        at,
        change.finished ? 1 : 0,
        at,
        change.reopened ? 1 : 0,
        id,
        ...(from ?? []),
      ).changes > 0
    );
  }
}
