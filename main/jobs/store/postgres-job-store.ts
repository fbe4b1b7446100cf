/**
 * The job store in PostgreSQL, shared by two or more team-server instances (job-store.ts says
 * how): an item is claimed by one instance (FOR UPDATE SKIP LOCKED, so two instances never take
 * the same one) with a lease on the database's clock (so the instances' clocks need not agree),
 * renewed while the instance works on it; an item whose lease ran out goes back to pending and is
 * taken up by another instance as a repeat. Job state (running, paused, cancelled, waiting) lives
 * here only: an instance claims nothing for a job that is not running, whoever paused it.
 */
import { randomUUID } from "node:crypto";
import type pg from "pg";
import type { ItemState, JobItem, JobState } from "../../../shared/contract/operations/jobs.ts";
import type { JsonObject } from "../../../shared/contract/schemas.ts";
import { inTransaction } from "../../store/postgres/transaction.ts";
import type { PreparedItem } from "../kind.ts";
import { type Claimed, type Counts, type FinalOutcome, type ItemOutcome, type JobRow, type JobStore, type StateChange, type ItemRow, toItem } from "./job-store.ts";

export interface PostgresJobStoreOptions {
  pool: pg.Pool;
  now: () => number;
  /** This instance, as items' owner (a fresh one per process: a restarted instance takes its old items over as a repeat). */
  instanceId?: string;
  /** How long a claim holds without renewal: longer than a Core call can take (a dead instance's last calls land first). */
  leaseMs?: number;
}

/** The database's clock in epoch ms: leases are compared on one clock. */
const DB_NOW = "(extract(epoch from clock_timestamp()) * 1000)::bigint";
const JOB_COLUMNS = "id, kind, profile_id, created_by, input_summary, state, error, created_at, started_at, finished_at, updated_at";
const INSERT_BATCH = 5000;

export class PostgresJobStore implements JobStore {
  readonly sharedPollMs: number;
  readonly instanceId: string;
  private readonly pool: pg.Pool;
  private readonly now: () => number;
  private readonly leaseMs: number;

  constructor(options: PostgresJobStoreOptions) {
    this.pool = options.pool;
    this.now = options.now;
    this.instanceId = options.instanceId ?? randomUUID();
    this.leaseMs = options.leaseMs ?? 30_000;
    // Renewed three to four times per lease: one slow round does not lose it.
    this.sharedPollMs = Math.max(50, Math.floor(this.leaseMs / 4));
  }

  async createDraft(job: { kind: string; profileId: string; createdBy: string; inputSummary: string; pinned?: boolean }, items: readonly PreparedItem[]): Promise<string> {
    const id = randomUUID();
    const at = this.now();
    await inTransaction(this.pool, async (c) => {
      await c.query(`INSERT INTO jobs (id, kind, profile_id, created_by, input_summary, state, created_at, updated_at, pinned_to) VALUES ($1, $2, $3, $4, $5, 'draft', $6, $6, $7)`, [
        id,
        job.kind,
        job.profileId,
        job.createdBy,
        job.inputSummary,
        at,
        job.pinned ? this.instanceId : null,
      ]);
      for (let from = 0; from < items.length; from += INSERT_BATCH) {
        const batch = items.slice(from, from + INSERT_BATCH);
        // Invalid items are skipped from the start; their error is the dry run's verdict.
        await c.query(
          `INSERT INTO job_items (job_id, idx, input, valid, plan, state, error, updated_at)
           SELECT $1, u.idx, u.input, u.valid, u.plan, CASE WHEN u.valid THEN 'pending' ELSE 'skipped' END, u.error, $2
           FROM unnest($3::int[], $4::text[], $5::boolean[], $6::text[], $7::text[]) AS u (idx, input, valid, plan, error)`,
          [
            id,
            at,
            batch.map((_, i) => from + i),
            batch.map((item) => JSON.stringify(item.input)),
            batch.map((item) => item.error === undefined),
            batch.map((item) => item.plan ?? null),
            batch.map((item) => item.error ?? null),
          ],
        );
      }
    });
    return id;
  }

  async job(id: string): Promise<JobRow | undefined> {
    return (await this.pool.query<JobRow>(`SELECT ${JOB_COLUMNS} FROM jobs WHERE id = $1`, [id])).rows[0];
  }

  async jobsOf(profileId: string, offset: number, limit: number): Promise<{ rows: JobRow[]; total: number }> {
    const rows = await this.pool.query<JobRow>(`SELECT ${JOB_COLUMNS} FROM jobs WHERE profile_id = $1 ORDER BY created_at DESC, seq DESC LIMIT $2 OFFSET $3`, [profileId, limit, offset]);
    const total = await this.pool.query<{ n: number }>("SELECT COUNT(*)::int AS n FROM jobs WHERE profile_id = $1", [profileId]);
    return { rows: rows.rows, total: total.rows[0]?.n ?? 0 };
  }

  async jobsIn(states: readonly JobState[]): Promise<JobRow[]> {
    return (await this.pool.query<JobRow>(`SELECT ${JOB_COLUMNS} FROM jobs WHERE state = ANY($1::text[]) ORDER BY created_at, seq`, [states])).rows;
  }

  async setState(id: string, state: JobState, change: StateChange = {}, from?: readonly JobState[]): Promise<boolean> {
    return this.setStateWith(this.pool, id, state, change, from);
  }

  async completeIfDone(id: string): Promise<boolean> {
    const res = await this.pool.query(
      `UPDATE jobs SET state = 'completed', finished_at = $2, updated_at = $2
       WHERE id = $1 AND state = 'running' AND NOT EXISTS (SELECT 1 FROM job_items WHERE job_id = $1 AND state IN ('pending', 'running'))`,
      [id, this.now()],
    );
    return (res.rowCount ?? 0) > 0;
  }

  async cancel(id: string, reason: string): Promise<boolean> {
    return inTransaction(this.pool, async (c) => {
      const row = (await c.query<{ state: JobState }>("SELECT state FROM jobs WHERE id = $1 FOR UPDATE", [id])).rows[0];
      if (!row || row.state === "completed" || row.state === "cancelled" || row.state === "failed") return false;
      await this.setStateWith(c, id, "cancelled", { finished: true, ...(row.state === "waiting" ? { error: null } : {}) });
      await c.query("UPDATE job_items SET state = 'skipped', error = $2, updated_at = $3 WHERE job_id = $1 AND state = 'pending'", [id, reason, this.now()]);
      return true;
    });
  }

  async counts(id: string): Promise<Counts> {
    const counts: Counts = { pending: 0, running: 0, done: 0, failed: 0, skipped: 0, total: 0, valid: 0 };
    const rows = await this.pool.query<{ state: ItemState; valid: boolean; n: number }>("SELECT state, valid, COUNT(*)::int AS n FROM job_items WHERE job_id = $1 GROUP BY state, valid", [id]);
    for (const r of rows.rows) {
      counts[r.state] += r.n;
      counts.total += r.n;
      if (r.valid) counts.valid += r.n;
    }
    return counts;
  }

  async items(id: string, offset: number, limit: number, state?: ItemState | "invalid"): Promise<{ items: JobItem[]; total: number }> {
    const where = state === undefined ? "" : state === "invalid" ? " AND NOT valid" : " AND state = $2";
    const args: unknown[] = state === undefined || state === "invalid" ? [id] : [id, state];
    const n = args.length;
    const rows = await this.pool.query<ItemRow>(
      `SELECT idx, input, plan, state, attempts, result, error, updated_at FROM job_items WHERE job_id = $1${where} ORDER BY idx LIMIT $${n + 1} OFFSET $${n + 2}`,
      [...args, limit, offset],
    );
    const total = await this.pool.query<{ n: number }>(`SELECT COUNT(*)::int AS n FROM job_items WHERE job_id = $1${where}`, args);
    return { items: rows.rows.map(toItem), total: total.rows[0]?.n ?? 0 };
  }

  async claimNext(id: string, finished?: { index: number; outcome: FinalOutcome }): Promise<Claimed | undefined> {
    // One statement, one round trip: the outcome of the item that just ended (fenced by its
    // owner), and the next pending item of the job if it is still running. SKIP LOCKED: an item
    // another instance is claiming right now is passed over, not waited for.
    const finish = finished
      ? `WITH finished AS (
           UPDATE job_items SET state = $5, result = COALESCE($6, result), error = $7, updated_at = $4, owner = NULL, lease_until = NULL
           WHERE job_id = $1 AND idx = $8 AND owner = $2 AND state = 'running')`
      : "";
    const args: unknown[] = [id, this.instanceId, this.leaseMs, this.now()];
    if (finished) args.push(...this.outcomeArgs(finished.outcome), finished.index);
    const res = await this.pool.query<{ idx: number; input: string; attempts: number; tries: number }>(
      `${finish}
       UPDATE job_items SET state = 'running', attempts = attempts + 1, tries = tries + 1, owner = $2, lease_until = ${DB_NOW} + $3, updated_at = $4
       WHERE job_id = $1 AND idx = (
         SELECT idx FROM job_items WHERE job_id = $1 AND state = 'pending' ORDER BY idx LIMIT 1 FOR UPDATE SKIP LOCKED
       ) AND EXISTS (SELECT 1 FROM jobs WHERE id = $1 AND state = 'running' AND (pinned_to IS NULL OR pinned_to = $2))
       RETURNING idx, input, attempts, tries`,
      args,
    );
    const row = res.rows[0];
    return row && { index: row.idx, input: JSON.parse(row.input) as JsonObject, attempts: row.attempts, tries: row.tries };
  }

  async nextAttempt(id: string, index: number): Promise<{ attempts: number; tries: number } | undefined> {
    const res = await this.pool.query<{ attempts: number; tries: number }>(
      `UPDATE job_items SET attempts = attempts + 1, tries = tries + 1, updated_at = $4, lease_until = ${DB_NOW} + $5
       WHERE job_id = $1 AND idx = $2 AND owner = $3 AND state = 'running' RETURNING attempts, tries`,
      [id, index, this.instanceId, this.now(), this.leaseMs],
    );
    return res.rows[0];
  }

  async giveBack(id: string, index: number, error: string): Promise<void> {
    await this.pool.query(
      `UPDATE job_items SET state = 'pending', attempts = GREATEST(0, attempts - 1), error = $4, updated_at = $5, owner = NULL, lease_until = NULL
       WHERE job_id = $1 AND idx = $2 AND owner = $3 AND state = 'running'`,
      [id, index, this.instanceId, error, this.now()],
    );
  }

  async finishItem(id: string, index: number, outcome: ItemOutcome): Promise<void> {
    const stillMine = outcome.state === "running";
    await this.pool.query(
      `UPDATE job_items SET state = $4, result = COALESCE($5, result), error = $6, updated_at = $7,
         owner = ${stillMine ? "owner" : "NULL"}, lease_until = ${stillMine ? "lease_until" : "NULL"}
       WHERE job_id = $1 AND idx = $2 AND owner = $3 AND state = 'running'`,
      [id, index, this.instanceId, ...this.outcomeArgs(outcome), this.now()],
    );
  }

  async retryFailed(id: string): Promise<number> {
    const res = await this.pool.query("UPDATE job_items SET state = 'pending', attempts = 0, updated_at = $2 WHERE job_id = $1 AND state = 'failed'", [id, this.now()]);
    return res.rowCount ?? 0;
  }

  /** Nothing at start-up: another instance may be running the job's items; those of a dead one come back when their lease runs out. */
  recover(): Promise<void> {
    return Promise.resolve();
  }

  /** Only the items named: one this instance lost track of (a claim whose answer never came) is left to expire. */
  async renew(held: readonly { jobId: string; indexes: readonly number[] }[]): Promise<void> {
    for (const { jobId, indexes } of held) {
      if (indexes.length === 0) continue;
      await this.pool.query(`UPDATE job_items SET lease_until = ${DB_NOW} + $4 WHERE job_id = $1 AND idx = ANY($2::int[]) AND owner = $3 AND state = 'running'`, [
        jobId,
        indexes,
        this.instanceId,
        this.leaseMs,
      ]);
    }
  }

  async requeueExpired(): Promise<string[]> {
    const res = await this.pool.query<{ job_id: string }>(
      `UPDATE job_items SET state = 'pending', owner = NULL, lease_until = NULL, updated_at = $1
       WHERE state = 'running' AND lease_until < ${DB_NOW} RETURNING job_id`,
      [this.now()],
    );
    return [...new Set(res.rows.map((r) => r.job_id))];
  }

  /** state, result, error: the parameters of an outcome. */
  private outcomeArgs(outcome: ItemOutcome): [string, string | null, string | null] {
    const result = "result" in outcome && outcome.result ? JSON.stringify(outcome.result) : null;
    return [outcome.state, result, outcome.state === "done" ? null : outcome.error];
  }

  private async setStateWith(db: pg.Pool | pg.PoolClient, id: string, state: JobState, change: StateChange, from?: readonly JobState[]): Promise<boolean> {
    const at = this.now();
    const res = await db.query(
      `UPDATE jobs SET state = $2, updated_at = $3,
         error = CASE WHEN $4 THEN $5 ELSE error END,
         started_at = CASE WHEN $6 AND started_at IS NULL THEN $3 ELSE started_at END,
         finished_at = CASE WHEN $7 THEN $3 WHEN $8 THEN NULL ELSE finished_at END
       WHERE id = $1 AND ($9::text[] IS NULL OR state = ANY($9::text[]))`,
      [id, state, at, change.error !== undefined, change.error ?? null, change.started === true, change.finished === true, change.reopened === true, from ?? null],
    );
    return (res.rowCount ?? 0) > 0;
  }
}
