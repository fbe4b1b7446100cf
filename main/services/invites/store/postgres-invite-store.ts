/**
 * The invites area's store in PostgreSQL (invite-store.ts says what it keeps), shared by two or
 * more team-server instances: each lists the same invites and outbox, and a bulk invite job's item
 * taken over from a dead instance finds the mark that instance wrote with its delivery.
 */
import type pg from "pg";
import { INVITE_STATUSES, type InviteFilter } from "../../../../shared/contract/invite-statuses.ts";
import type { OutboxEntry } from "../../../../shared/contract/operations/invites.ts";
import { inTransaction } from "../../../store/postgres/transaction.ts";
import {
  likePrefix,
  searchCondition,
  statusCondition,
  toOutboxEntry,
  type BulkDelivery,
  type BulkMark,
  type InviteRecordRow,
  type InviteStore,
  type LinkState,
  type OutboxDraft,
  type OutboxRow,
  type PageQuery,
  type Queued,
  type StoredSettings,
  type SyncState,
} from "./invite-store.ts";

type Db = pg.Pool | pg.PoolClient;

const COLUMNS = "scope, user_id, tenant_id, email, phone_number, invited_at, invited_by, link_expires_at, delivery, message_id, delivery_error, revoked_at, accepted_at";
const INSERT = `INSERT INTO invites (${COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`;
const LINK_SET = "link_expires_at = excluded.link_expires_at, delivery = excluded.delivery, message_id = excluded.message_id, delivery_error = excluded.delivery_error";
const REPLACE = `${INSERT} ON CONFLICT (scope, user_id) DO UPDATE SET tenant_id = excluded.tenant_id, email = excluded.email, phone_number = excluded.phone_number,
  invited_at = excluded.invited_at, invited_by = excluded.invited_by, ${LINK_SET}, revoked_at = excluded.revoked_at,
  accepted_at = COALESCE(invites.accepted_at, excluded.accepted_at)`;
/** Outbox rows of a profile ($1 scope, $2 profile): its own, and those from before messages were tied to a profile. */
const OUTBOX_OF = "scope = $1 AND (profile_id = $2 OR profile_id IS NULL)";

const rowArgs = (r: InviteRecordRow): unknown[] => [
  r.scope,
  r.user_id,
  r.tenant_id,
  r.email,
  r.phone_number,
  r.invited_at,
  r.invited_by,
  r.link_expires_at,
  r.delivery,
  r.message_id,
  r.delivery_error,
  r.revoked_at,
  r.accepted_at ?? null,
];

/** Numbered parameters for SQL built from parts: each value gets the next $n. */
function params(): { values: unknown[]; $: (value: unknown) => string } {
  const values: unknown[] = [];
  return { values, $: (value) => `$${values.push(value)}` };
}

export class PostgresInviteStore implements InviteStore {
  /** `pool` is public for a caller that writes its own rows in one transaction with queueWith (migration/end/postgres-marks.ts). */
  constructor(readonly pool: pg.Pool) {}

  async insert(row: InviteRecordRow): Promise<void> {
    await this.pool.query(REPLACE, rowArgs(row));
  }

  async insertFound(row: InviteRecordRow): Promise<boolean> {
    return ((await this.pool.query(`${INSERT} ON CONFLICT (scope, user_id) DO NOTHING`, rowArgs(row))).rowCount ?? 0) > 0;
  }

  async recordInvite(row: InviteRecordRow, pending: { tenantId: string; contact: string }): Promise<void> {
    await inTransaction(this.pool, async (c) => {
      await c.query(REPLACE, rowArgs(row));
      await c.query("DELETE FROM invite_pending WHERE scope = $1 AND tenant_id = $2 AND contact = $3", [row.scope, pending.tenantId, pending.contact]);
    });
  }

  async get(scope: string, userId: string): Promise<InviteRecordRow | undefined> {
    return this.getWith(this.pool, scope, userId);
  }

  async page(scope: string, tenantId: string, q: PageQuery): Promise<{ rows: InviteRecordRow[]; total: number }> {
    const p = params();
    const where = [
      `scope = ${p.$(scope)} AND tenant_id = ${p.$(tenantId)}`,
      // "now" is a parameter only where the status needs it (an unused parameter has no type).
      ...(q.status === "all" ? [] : [statusCondition(q.status, "@now").replace("@now", () => p.$(q.now))]),
      ...(q.search ? [searchCondition(`${p.$(likePrefix(q.search.toLowerCase()))}::text`)] : []),
    ].join(" AND ");
    const n = p.values.length;
    const rows = await this.pool.query<InviteRecordRow>(`SELECT ${COLUMNS} FROM invites WHERE ${where} ORDER BY invited_at DESC, user_id LIMIT $${n + 1} OFFSET $${n + 2}`, [
      ...p.values,
      q.limit,
      q.offset,
    ]);
    const total = await this.pool.query<{ n: number }>(`SELECT COUNT(*) AS n FROM invites WHERE ${where}`, p.values);
    return { rows: rows.rows, total: total.rows[0]?.n ?? 0 };
  }

  async counts(scope: string, tenantId: string, now: number): Promise<Record<InviteFilter, number>> {
    const cases = INVITE_STATUSES.map((k) => `COUNT(*) FILTER (WHERE ${statusCondition(k, "$3")}) AS "${k}"`);
    const res = await this.pool.query<Record<InviteFilter, number>>(`SELECT COUNT(*) AS "all", ${cases.join(", ")} FROM invites WHERE scope = $1 AND tenant_id = $2`, [scope, tenantId, now]);
    const row = res.rows[0];
    return { all: row?.all ?? 0, pending: row?.pending ?? 0, accepted: row?.accepted ?? 0, "link-expired": row?.["link-expired"] ?? 0, revoked: row?.revoked ?? 0 };
  }

  async openUserIds(scope: string, tenantId: string): Promise<string[]> {
    const res = await this.pool.query<{ user_id: string }>("SELECT user_id FROM invites WHERE scope = $1 AND tenant_id = $2 AND revoked_at IS NULL AND accepted_at IS NULL", [scope, tenantId]);
    return res.rows.map((r) => r.user_id);
  }

  async accepted(scope: string, seen: readonly { userId: string; at: number }[]): Promise<void> {
    if (seen.length === 0) return;
    await this.pool.query(
      `UPDATE invites SET accepted_at = s.at FROM unnest($2::text[], $3::bigint[]) AS s (user_id, at)
       WHERE invites.scope = $1 AND invites.user_id = s.user_id AND invites.accepted_at IS NULL`,
      [scope, seen.map((s) => s.userId), seen.map((s) => s.at)],
    );
  }

  async linkSent(scope: string, userId: string, link: LinkState): Promise<void> {
    await this.linkSentWith(this.pool, scope, userId, link);
  }

  async revoke(scope: string, userId: string, at: number, unknown: InviteRecordRow): Promise<number> {
    return inTransaction(this.pool, async (c) => {
      const changed = await c.query("UPDATE invites SET revoked_at = $3 WHERE scope = $1 AND user_id = $2", [scope, userId, at]);
      if ((changed.rowCount ?? 0) === 0) await c.query(REPLACE, rowArgs(unknown));
      const dropped = await c.query("DELETE FROM invite_outbox WHERE scope = $1 AND user_id = $2 AND handled_at IS NULL", [scope, userId]);
      return dropped.rowCount ?? 0;
    });
  }

  async syncState(scope: string, tenantId: string): Promise<SyncState | null> {
    const res = await this.pool.query<{ synced_at: number; scanned: number; found: number; truncated: boolean }>(
      "SELECT synced_at, scanned, found, truncated FROM invite_syncs WHERE scope = $1 AND tenant_id = $2",
      [scope, tenantId],
    );
    const row = res.rows[0];
    return row ? { syncedAt: row.synced_at, scanned: row.scanned, found: row.found, truncated: row.truncated } : null;
  }

  async synced(scope: string, tenantId: string, s: SyncState): Promise<void> {
    await this.pool.query(
      `INSERT INTO invite_syncs (scope, tenant_id, synced_at, scanned, found, truncated) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (scope, tenant_id) DO UPDATE SET synced_at = excluded.synced_at, scanned = excluded.scanned, found = excluded.found, truncated = excluded.truncated`,
      [scope, tenantId, s.syncedAt, s.scanned, s.found, s.truncated],
    );
  }

  async pendingSince(scope: string, tenantId: string, contact: string): Promise<number | undefined> {
    const res = await this.pool.query<{ started_at: number }>("SELECT started_at FROM invite_pending WHERE scope = $1 AND tenant_id = $2 AND contact = $3", [scope, tenantId, contact]);
    return res.rows[0]?.started_at;
  }

  async pendingStart(scope: string, tenantId: string, contact: string, at: number): Promise<void> {
    await this.pool.query(
      `INSERT INTO invite_pending (scope, tenant_id, contact, started_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (scope, tenant_id, contact) DO UPDATE SET started_at = excluded.started_at`,
      [scope, tenantId, contact, at],
    );
  }

  async pendingEnd(scope: string, tenantId: string, contact: string): Promise<void> {
    await this.pool.query("DELETE FROM invite_pending WHERE scope = $1 AND tenant_id = $2 AND contact = $3", [scope, tenantId, contact]);
  }

  async addToOutbox(scope: string, profileId: string, draft: OutboxDraft): Promise<Queued> {
    return this.queueWith(this.pool, scope, profileId, draft);
  }

  async outboxPage(scope: string, profileId: string, q: { includeHandled: boolean; offset: number; limit: number }): Promise<{ entries: OutboxEntry[]; total: number }> {
    const where = `${OUTBOX_OF}${q.includeHandled ? "" : " AND handled_at IS NULL"}`;
    const rows = await this.pool.query<OutboxRow>(`SELECT * FROM invite_outbox WHERE ${where} ORDER BY id DESC LIMIT $3 OFFSET $4`, [scope, profileId, q.limit, q.offset]);
    const total = await this.pool.query<{ n: number }>(`SELECT COUNT(*) AS n FROM invite_outbox WHERE ${where}`, [scope, profileId]);
    return { entries: rows.rows.map(toOutboxEntry), total: total.rows[0]?.n ?? 0 };
  }

  async outboxAll(scope: string, profileId: string, includeHandled: boolean): Promise<OutboxEntry[]> {
    const res = await this.pool.query<OutboxRow>(`SELECT * FROM invite_outbox WHERE ${OUTBOX_OF}${includeHandled ? "" : " AND handled_at IS NULL"} ORDER BY id DESC`, [scope, profileId]);
    return res.rows.map(toOutboxEntry);
  }

  async markHandled(scope: string, profileId: string, which: { ids: number[]; all: boolean }, at: number): Promise<number> {
    const res = which.all
      ? await this.pool.query(`UPDATE invite_outbox SET handled_at = $3 WHERE ${OUTBOX_OF} AND handled_at IS NULL`, [scope, profileId, at])
      : await this.pool.query(`UPDATE invite_outbox SET handled_at = $3 WHERE ${OUTBOX_OF} AND id = ANY($4::bigint[]) AND handled_at IS NULL`, [scope, profileId, at, which.ids]);
    return res.rowCount ?? 0;
  }

  async settings(profileId: string): Promise<StoredSettings | undefined> {
    const res = await this.pool.query<{ settings: string; smtp_password_sealed: string | null }>("SELECT settings, smtp_password_sealed FROM invite_settings WHERE profile_id = $1", [profileId]);
    const row = res.rows[0];
    return row && { settings: row.settings, smtpPasswordSealed: row.smtp_password_sealed };
  }

  async saveSettings(profileId: string, stored: StoredSettings, at: number): Promise<void> {
    await this.pool.query(
      `INSERT INTO invite_settings (profile_id, settings, smtp_password_sealed, updated_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (profile_id) DO UPDATE SET settings = excluded.settings, smtp_password_sealed = excluded.smtp_password_sealed, updated_at = excluded.updated_at`,
      [profileId, stored.settings, stored.smtpPasswordSealed, at],
    );
  }

  async bulkMark(jobId: string, index: number): Promise<BulkMark | undefined> {
    const res = await this.pool.query<{ phase: BulkMark["phase"]; user_id: string | null; created: boolean; result: string | null }>(
      "SELECT phase, user_id, created, result FROM invite_bulk_items WHERE job_id = $1 AND item_index = $2",
      [jobId, index],
    );
    const row = res.rows[0];
    return row && { phase: row.phase, userId: row.user_id, created: row.created, result: row.result };
  }

  async setBulkMark(jobId: string, index: number, mark: BulkMark, at: number): Promise<void> {
    await this.setBulkMarkWith(this.pool, jobId, index, mark, at);
  }

  async bulkDelivered<T>(d: BulkDelivery<T>, at: number): Promise<T> {
    return inTransaction(this.pool, async (c) => {
      const id = d.queue ? (await this.queueWith(c, d.scope, d.profileId, d.queue)).id : null;
      const { record, create, mark, value } = d.then(id);
      if (create) await c.query(`${INSERT} ON CONFLICT (scope, user_id) DO UPDATE SET ${LINK_SET}`, rowArgs(record));
      else await this.linkSentWith(c, record.scope, record.user_id, { expiresAt: record.link_expires_at ?? 0, delivery: record.delivery, messageId: record.message_id, error: record.delivery_error });
      if (mark) await this.setBulkMarkWith(c, mark.jobId, mark.index, mark.mark, at);
      return value;
    });
  }

  private async getWith(db: Db, scope: string, userId: string): Promise<InviteRecordRow | undefined> {
    return (await db.query<InviteRecordRow>(`SELECT ${COLUMNS} FROM invites WHERE scope = $1 AND user_id = $2`, [scope, userId])).rows[0];
  }

  private async linkSentWith(db: Db, scope: string, userId: string, link: LinkState): Promise<void> {
    await db.query("UPDATE invites SET link_expires_at = $3, delivery = $4, message_id = $5, delivery_error = $6 WHERE scope = $1 AND user_id = $2", [
      scope,
      userId,
      link.expiresAt,
      link.delivery,
      link.messageId,
      link.error,
    ]);
  }

  /** The message of the same origin if there is one, else a new one (two instances racing for one origin: one row, both answer it); `db` may be a client in a transaction. */
  async queueWith(db: Db, scope: string, profileId: string, e: OutboxDraft): Promise<Queued> {
    const inserted = await db.query<{ id: number }>(
      `INSERT INTO invite_outbox (scope, profile_id, tenant_id, user_id, recipient, channel, subject, body, link, link_expires_at, created_at, origin)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) ON CONFLICT (origin) DO NOTHING RETURNING id`,
      [scope, profileId, e.tenantId, e.userId, e.to, e.channel, e.subject, e.text, e.link, e.linkExpiresAt, e.createdAt, e.origin ?? null],
    );
    const id = inserted.rows[0]?.id;
    if (id !== undefined) return { id, link: e.link, linkExpiresAt: e.linkExpiresAt };
    const had = await db.query<{ id: number; link: string; link_expires_at: number }>("SELECT id, link, link_expires_at FROM invite_outbox WHERE origin = $1", [e.origin]);
    const row = had.rows[0];
    if (!row) throw new Error(`The outbox message of ${e.origin ?? "?"} was neither added nor found.`);
    return { id: row.id, link: row.link, linkExpiresAt: row.link_expires_at };
  }

  private async setBulkMarkWith(db: Db, jobId: string, index: number, mark: BulkMark, at: number): Promise<void> {
    await db.query(
      `INSERT INTO invite_bulk_items (job_id, item_index, phase, user_id, created, result, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (job_id, item_index) DO UPDATE SET phase = excluded.phase, user_id = excluded.user_id, created = excluded.created, result = excluded.result, updated_at = excluded.updated_at`,
      [jobId, index, mark.phase, mark.userId, mark.created, mark.result, at],
    );
  }
}
