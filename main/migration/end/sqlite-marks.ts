/** End-of-migration marks in Gatehouse's SQLite (marks.ts says what they are); async so that a failure rejects, as on PostgreSQL. */
import type { BulkImportProgress } from "../../../shared/contract/operations/migration-end.ts";
import { SqliteInviteStore } from "../../services/invites/store/sqlite-invite-store.ts";
import type { InviteStore, Queued } from "../../services/invites/store/invite-store.ts";
import type { StoreDb } from "../../store/database.ts";
import { preparedFor, type Prepared } from "../../store/statements.ts";
import { countDeliveries, markValues, queueThenMark, toMark, type Mark, type MarkedValue, type MarkFields, type MarkRow, type Marks, type NewMark, type OutboxMessage, type Phase } from "./marks.ts";

const UPSERT = `INSERT INTO migration_end_marks (job_id, item_index, phase, super_tokens_id, staged_id, result, updated_at)
  VALUES (@job, @index, @phase, @st, @staged, @result, @at)
  ON CONFLICT (job_id, item_index) DO UPDATE SET phase = excluded.phase,
    super_tokens_id = CASE WHEN @keepSt THEN super_tokens_id ELSE excluded.super_tokens_id END,
    staged_id = CASE WHEN @keepStaged THEN staged_id ELSE excluded.staged_id END,
    result = CASE WHEN @keepResult THEN result ELSE excluded.result END,
    updated_at = excluded.updated_at`;

export class SqliteMarks implements Marks {
  private readonly sql: Prepared;

  constructor(
    private readonly db: StoreDb,
    private readonly now: () => number,
  ) {
    this.sql = preparedFor(db);
  }

  async get(jobId: string, index: number): Promise<Mark | undefined> {
    const row = this.sql("SELECT phase, super_tokens_id, staged_id, result, updated_at FROM migration_end_marks WHERE job_id = ? AND item_index = ?").get(jobId, index) as MarkRow | undefined;
    return row && toMark(row);
  }

  async set(jobId: string, index: number, phase: Phase, fields?: MarkFields): Promise<void> {
    this.write(jobId, index, phase, fields);
  }

  async setMany(jobId: string, marks: NewMark[]): Promise<void> {
    this.db.transaction(() => marks.forEach((m) => this.write(jobId, m.index, m.phase, m.fields)))();
  }

  async queueMarked<T>(outbox: InviteStore, m: OutboxMessage, jobId: string, index: number, then: (queued: Queued) => MarkedValue<T>): Promise<T> {
    if (!(outbox instanceof SqliteInviteStore) || outbox.db !== this.db) return queueThenMark(this, outbox, m, jobId, index, then);
    return this.db.transaction(() => {
      const { value, mark } = then(outbox.queueNow(m.scope, m.profileId, m.draft));
      this.write(jobId, index, mark.phase, mark.fields);
      return value;
    })();
  }

  async deliveries(jobId: string): Promise<{ sent: number; outbox: number }> {
    const rows = this.sql(
      "SELECT json_extract(result, '$.delivery') AS delivery, COUNT(*) AS n FROM migration_end_marks WHERE job_id = ? AND phase IN ('delivered', 'mailing') GROUP BY 1",
    ).all(jobId) as { delivery: string | null; n: number }[];
    return countDeliveries(rows);
  }

  async saveBulkProgress(jobId: string, profileId: string, progress: BulkImportProgress): Promise<void> {
    this.sql(
      `INSERT INTO migration_end_jobs (job_id, profile_id, path, bulk_state, created_at) VALUES (?, ?, 'bulk-import', ?, ?)
       ON CONFLICT (job_id) DO UPDATE SET bulk_state = excluded.bulk_state`,
    ).run(jobId, profileId, JSON.stringify(progress), this.now());
  }

  async bulkProgress(jobId: string): Promise<BulkImportProgress | null> {
    const row = this.sql("SELECT bulk_state FROM migration_end_jobs WHERE job_id = ?").get(jobId) as { bulk_state: string | null } | undefined;
    return row?.bulk_state ? (JSON.parse(row.bulk_state) as BulkImportProgress) : null;
  }

  private write(jobId: string, index: number, phase: Phase, fields?: MarkFields): void {
    const v = markValues(fields);
    this.sql(UPSERT).run({ job: jobId, index, phase, st: v.st, staged: v.staged, result: v.result, keepSt: v.keepSt ? 1 : 0, keepStaged: v.keepStaged ? 1 : 0, keepResult: v.keepResult ? 1 : 0, at: this.now() });
  }
}
