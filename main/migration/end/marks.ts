/**
 * What an item of this area's jobs got to, beyond the runner's journal (migration_end_marks):
 *   signing-up  about to create the account (a repeat looks for it before creating another);
 *   account     the account is there (super_tokens_id), complete with mapping, metadata and
 *               verification; the reset link is next;
 *   staging     (bulk import) about to be staged on the Core (a repeat looks for it there first);
 *   staged      (bulk import) staged on the Core under staged_id, waiting for its import;
 *   mailing     the reset mail's end mark was on its way to the mail server (result: the delivery);
 *   delivered   the link went out (result: the delivery); a repeat returns it and sends nothing.
 * Written synchronously: a mark is on disk before the effect it announces is attempted.
 */
import type { JsonObject } from "../../../shared/contract/schemas.ts";
import type { StoreDb } from "../../store/database.ts";
import { preparedFor, type Prepared } from "../../store/statements.ts";

export type Phase = "signing-up" | "account" | "staging" | "staged" | "mailing" | "delivered";

export interface Mark {
  phase: Phase;
  superTokensId: string | null;
  stagedId: string | null;
  result: JsonObject | null;
  updatedAt: number;
}

interface Row {
  phase: Phase;
  super_tokens_id: string | null;
  staged_id: string | null;
  result: string | null;
  updated_at: number;
}

export class Marks {
  private readonly sql: Prepared;

  constructor(
    readonly db: StoreDb,
    private readonly now: () => number,
  ) {
    this.sql = preparedFor(db);
  }

  get(jobId: string, index: number): Mark | undefined {
    const row = this.sql("SELECT phase, super_tokens_id, staged_id, result, updated_at FROM migration_end_marks WHERE job_id = ? AND item_index = ?").get(jobId, index) as Row | undefined;
    return row && { phase: row.phase, superTokensId: row.super_tokens_id, stagedId: row.staged_id, result: row.result === null ? null : (JSON.parse(row.result) as JsonObject), updatedAt: row.updated_at };
  }

  /** Sets the phase; fields not given keep their value. */
  set(jobId: string, index: number, phase: Phase, fields: { superTokensId?: string | null; stagedId?: string | null; result?: JsonObject | null } = {}): void {
    this.sql(
      `INSERT INTO migration_end_marks (job_id, item_index, phase, super_tokens_id, staged_id, result, updated_at)
       VALUES (@job, @index, @phase, @st, @staged, @result, @at)
       ON CONFLICT (job_id, item_index) DO UPDATE SET phase = excluded.phase,
         super_tokens_id = CASE WHEN @keepSt THEN super_tokens_id ELSE excluded.super_tokens_id END,
         staged_id = CASE WHEN @keepStaged THEN staged_id ELSE excluded.staged_id END,
         result = CASE WHEN @keepResult THEN result ELSE excluded.result END,
         updated_at = excluded.updated_at`,
    ).run({
      job: jobId,
      index,
      phase,
      st: fields.superTokensId ?? null,
      staged: fields.stagedId ?? null,
      result: fields.result ? JSON.stringify(fields.result) : null,
      keepSt: fields.superTokensId === undefined ? 1 : 0,
      keepStaged: fields.stagedId === undefined ? 1 : 0,
      keepResult: fields.result === undefined ? 1 : 0,
      at: this.now(),
    });
  }

  /** Deliveries of a job so far, per delivery ("sent" / "outbox"). */
  deliveries(jobId: string): { sent: number; outbox: number } {
    const rows = this.sql(
      "SELECT json_extract(result, '$.delivery') AS delivery, COUNT(*) AS n FROM migration_end_marks WHERE job_id = ? AND phase IN ('delivered', 'mailing') GROUP BY 1",
    ).all(jobId) as { delivery: string | null; n: number }[];
    const out = { sent: 0, outbox: 0 };
    for (const r of rows) if (r.delivery === "sent" || r.delivery === "outbox") out[r.delivery] += r.n;
    return out;
  }
}
