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
import type { InviteStore, OutboxDraft, Queued } from "../../services/invites/store/invite-store.ts";

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

/** An outbox message: where it goes and what it says. */
export interface OutboxMessage {
  scope: string;
  profileId: string;
  draft: OutboxDraft;
}

/** What queueMarked answers, and the item's mark that goes with the message. */
export interface MarkedValue<T> {
  value: T;
  mark: Omit<NewMark, "index">;
}

export interface Marks {
  get(jobId: string, index: number): Promise<Mark | undefined>;
  /** Sets the phase; fields not given keep their value. */
  set(jobId: string, index: number, phase: Phase, fields?: MarkFields): Promise<void>;
  /** Several items' marks in one transaction (a bulk-import batch). */
  setMany(jobId: string, marks: NewMark[]): Promise<void>;
  /**
   * A message queued in the invites' outbox and the mark `then` makes of it: one transaction when
   * the outbox lives in the same database as the marks (SQLite with SQLite, PostgreSQL with the
   * same pool), so a crash leaves both or neither; otherwise the mark right after the message (a
   * repeat finds the message by its origin and does not queue a second).
   */
  queueMarked<T>(outbox: InviteStore, message: OutboxMessage, jobId: string, index: number, then: (queued: Queued) => MarkedValue<T>): Promise<T>;
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

/** The mark right after the message, for an outbox in another database than the marks. */
export async function queueThenMark<T>(marks: Marks, outbox: InviteStore, m: OutboxMessage, jobId: string, index: number, then: (queued: Queued) => MarkedValue<T>): Promise<T> {
  const { value, mark } = then(await outbox.addToOutbox(m.scope, m.profileId, m.draft));
  await marks.set(jobId, index, mark.phase, mark.fields);
  return value;
}

export const countDeliveries = (rows: { delivery: string | null; n: number }[]): { sent: number; outbox: number } => {
  const out = { sent: 0, outbox: 0 };
  for (const r of rows) if (r.delivery === "sent" || r.delivery === "outbox") out[r.delivery] += r.n;
  return out;
};
