/**
 * End-of-migration marks in PostgreSQL, shared by two or more team-server instances (marks.ts
 * says what they are): an item another instance takes over after this one died sees how far it got.
 */
import type pg from "pg";
import type { BulkImportProgress } from "../../../shared/contract/operations/migration-end.ts";
import { PostgresInviteStore } from "../../services/invites/store/postgres-invite-store.ts";
import type { InviteStore, Queued } from "../../services/invites/store/invite-store.ts";
import { inTransaction } from "../../store/postgres/transaction.ts";
import { countDeliveries, markValues, queueThenMark, toMark, type Mark, type MarkedValue, type MarkFields, type MarkRow, type Marks, type NewMark, type OutboxMessage, type Phase } from "./marks.ts";

export const MIGRATION_END_POSTGRES = `CREATE TABLE migration_end_marks (
     job_id TEXT NOT NULL,
     item_index INTEGER NOT NULL,
     phase TEXT NOT NULL,
     super_tokens_id TEXT,
     staged_id TEXT,
     result TEXT,
     updated_at BIGINT NOT NULL,
     PRIMARY KEY (job_id, item_index)
   );
   CREATE TABLE migration_end_jobs (
     job_id TEXT PRIMARY KEY,
     profile_id TEXT NOT NULL,
     path TEXT NOT NULL,
     bulk_state TEXT,
     created_at BIGINT NOT NULL
   );`;

const UPSERT = `INSERT INTO migration_end_marks (job_id, item_index, phase, super_tokens_id, staged_id, result, updated_at)
  VALUES ($1, $2, $3, $4, $5, $6, $7)
  ON CONFLICT (job_id, item_index) DO UPDATE SET phase = excluded.phase,
    super_tokens_id = CASE WHEN $8 THEN migration_end_marks.super_tokens_id ELSE excluded.super_tokens_id END,
    staged_id = CASE WHEN $9 THEN migration_end_marks.staged_id ELSE excluded.staged_id END,
    result = CASE WHEN $10 THEN migration_end_marks.result ELSE excluded.result END,
    updated_at = excluded.updated_at`;

export class PostgresMarks implements Marks {
  constructor(
    readonly pool: pg.Pool,
    private readonly now: () => number,
  ) {}

  async get(jobId: string, index: number): Promise<Mark | undefined> {
    const { rows } = await this.pool.query<MarkRow>("SELECT phase, super_tokens_id, staged_id, result, updated_at FROM migration_end_marks WHERE job_id = $1 AND item_index = $2", [jobId, index]);
    return rows[0] && toMark(rows[0]);
  }

  async set(jobId: string, index: number, phase: Phase, fields?: MarkFields): Promise<void> {
    await this.pool.query(UPSERT, this.args(jobId, index, phase, fields));
  }

  async setMany(jobId: string, marks: NewMark[]): Promise<void> {
    await inTransaction(this.pool, async (client) => {
      for (const m of marks) await client.query(UPSERT, this.args(jobId, m.index, m.phase, m.fields));
    });
  }

  async queueMarked<T>(outbox: InviteStore, m: OutboxMessage, jobId: string, index: number, then: (queued: Queued) => MarkedValue<T>): Promise<T> {
    if (!(outbox instanceof PostgresInviteStore) || outbox.pool !== this.pool) return queueThenMark(this, outbox, m, jobId, index, then);
    return inTransaction(this.pool, async (client) => {
      const { value, mark } = then(await outbox.queueWith(client, m.scope, m.profileId, m.draft));
      await client.query(UPSERT, this.args(jobId, index, mark.phase, mark.fields));
      return value;
    });
  }

  async deliveries(jobId: string): Promise<{ sent: number; outbox: number }> {
    const { rows } = await this.pool.query<{ delivery: string | null; n: number }>(
      "SELECT (result::jsonb)->>'delivery' AS delivery, COUNT(*)::int AS n FROM migration_end_marks WHERE job_id = $1 AND phase IN ('delivered', 'mailing') GROUP BY 1",
      [jobId],
    );
    return countDeliveries(rows);
  }

  async saveBulkProgress(jobId: string, profileId: string, progress: BulkImportProgress): Promise<void> {
    await this.pool.query(
      `INSERT INTO migration_end_jobs (job_id, profile_id, path, bulk_state, created_at) VALUES ($1, $2, 'bulk-import', $3, $4)
       ON CONFLICT (job_id) DO UPDATE SET bulk_state = excluded.bulk_state`,
      [jobId, profileId, JSON.stringify(progress), this.now()],
    );
  }

  async bulkProgress(jobId: string): Promise<BulkImportProgress | null> {
    const { rows } = await this.pool.query<{ bulk_state: string | null }>("SELECT bulk_state FROM migration_end_jobs WHERE job_id = $1", [jobId]);
    return rows[0]?.bulk_state ? (JSON.parse(rows[0].bulk_state) as BulkImportProgress) : null;
  }

  private args(jobId: string, index: number, phase: Phase, fields?: MarkFields): unknown[] {
    const v = markValues(fields);
    return [jobId, index, phase, v.st, v.staged, v.result, this.now(), v.keepSt, v.keepStaged, v.keepResult];
  }
}
