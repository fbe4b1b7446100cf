/**
 * What an item of this area's jobs got to, beyond the runner's journal (migration_end_marks):
 *   signing-up  about to create the account (a repeat looks for it before creating another);
 *   account     the account is there (super_tokens_id), complete with mapping, metadata and
 *               verification; the reset link is next;
 *   staging     (bulk import) about to be staged on the Core (a repeat looks for it there first);
 *   staged      (bulk import) staged on the Core under staged_id, waiting for its import;
 *   mailing     the reset mail's end mark was on its way to the mail server (result: the delivery);
 *   delivered   the link went out (result: the delivery); a repeat returns it and sends nothing.
 * A mark is written (awaited) before the effect it announces is attempted. Kept with the last look
 * at the Core per bulk-import job (migration_end_jobs), in Gatehouse's SQLite (sqlite-marks.ts)
 * or, for two or more team-server instances, in PostgreSQL (postgres-marks.ts): an item taken
 * over from a dead instance sees what that instance got to.
 */
import type { BulkImportProgress } from "../../../shared/contract/operations/migration-end.ts";
import type { JsonObject } from "../../../shared/contract/schemas.ts";

export type Phase = "signing-up" | "account" | "staging" | "staged" | "mailing" | "delivered";

export interface Mark {
  phase: Phase;
  superTokensId: string | null;
  stagedId: string | null;
  result: JsonObject | null;
  updatedAt: number;
}

/** Fields not given keep their value. */
export interface MarkFields {
  superTokensId?: string | null;
  stagedId?: string | null;
  result?: JsonObject | null;
}

export interface NewMark {
  index: number;
  phase: Phase;
  fields?: MarkFields;
}

export interface Marks {
  get(jobId: string, index: number): Promise<Mark | undefined>;
  /** Sets the phase; fields not given keep their value. */
  set(jobId: string, index: number, phase: Phase, fields?: MarkFields): Promise<void>;
  /** Several items' marks in one transaction (a bulk-import batch). */
  setMany(jobId: string, marks: NewMark[]): Promise<void>;
  /**
   * `write` (a write to this instance's SQLite: the invite outbox) and the mark it returns: one
   * transaction on SQLite; on PostgreSQL the mark follows the write (the outbox is per instance).
   */
  afterLocalWrite<T>(jobId: string, index: number, write: () => { value: T; mark: Omit<NewMark, "index"> }): Promise<T>;
  /** Deliveries of a job so far, per delivery ("sent" / "outbox"). */
  deliveries(jobId: string): Promise<{ sent: number; outbox: number }>;
  /** The last look at the Core of a bulk-import job, for migrationEnd.status after a restart or on another instance. */
  saveBulkProgress(jobId: string, profileId: string, progress: BulkImportProgress): Promise<void>;
  bulkProgress(jobId: string): Promise<BulkImportProgress | null>;
}

/** A mark's row as both stores keep it. */
export interface MarkRow {
  phase: Phase;
  super_tokens_id: string | null;
  staged_id: string | null;
  result: string | null;
  updated_at: number;
}

export const toMark = (row: MarkRow): Mark => ({
  phase: row.phase,
  superTokensId: row.super_tokens_id,
  stagedId: row.staged_id,
  result: row.result === null ? null : (JSON.parse(row.result) as JsonObject),
  updatedAt: row.updated_at,
});

/** The values an upsert writes: the new ones, and which columns keep what they held. */
export const markValues = (fields: MarkFields = {}) => ({
  st: fields.superTokensId ?? null,
  staged: fields.stagedId ?? null,
  result: fields.result ? JSON.stringify(fields.result) : null,
  keepSt: fields.superTokensId === undefined,
  keepStaged: fields.stagedId === undefined,
  keepResult: fields.result === undefined,
});

export const countDeliveries = (rows: { delivery: string | null; n: number }[]): { sent: number; outbox: number } => {
  const out = { sent: 0, outbox: 0 };
  for (const r of rows) if (r.delivery === "sent" || r.delivery === "outbox") out[r.delivery] += r.n;
  return out;
};
