/** The invites area's store in Gatehouse's SQLite (invite-store.ts says what it keeps): the default. */
import { INVITE_STATUSES, type InviteFilter } from "../../../../shared/contract/invite-statuses.ts";
import type { OutboxEntry } from "../../../../shared/contract/operations/invites.ts";
import type { StoreDb } from "../../../store/database.ts";
import { preparedFor, type Prepared } from "../../../store/statements.ts";
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

/** Outbox rows of a profile: its own, and those from before messages were tied to a profile. */
const OUTBOX_OF = "scope = @scope AND (profile_id = @profile OR profile_id IS NULL)";
const INSERT = `INSERT INTO invites (scope, user_id, tenant_id, email, phone_number, invited_at, invited_by, link_expires_at, delivery, message_id, delivery_error, revoked_at, accepted_at)
  VALUES (@scope, @user_id, @tenant_id, @email, @phone_number, @invited_at, @invited_by, @link_expires_at, @delivery, @message_id, @delivery_error, @revoked_at, @accepted_at)`;
const LINK_SET = "link_expires_at = excluded.link_expires_at, delivery = excluded.delivery, message_id = excluded.message_id, delivery_error = excluded.delivery_error";

export class SqliteInviteStore implements InviteStore {
  private readonly sql: Prepared;

  /** `db` is public for a caller that writes its own rows in one transaction with queueNow (migration/end/sqlite-marks.ts). */
  constructor(readonly db: StoreDb) {
    this.sql = preparedFor(db);
  }

  async insert(row: InviteRecordRow): Promise<void> {
    this.insertNow(row);
  }

  async insertFound(row: InviteRecordRow): Promise<boolean> {
    return this.sql(`${INSERT} ON CONFLICT (scope, user_id) DO NOTHING`).run({ accepted_at: null, ...row }).changes > 0;
  }

  async recordInvite(row: InviteRecordRow, pending: { tenantId: string; contact: string }): Promise<void> {
    this.db.transaction(() => {
      this.insertNow(row);
      this.pendingEndNow(row.scope, pending.tenantId, pending.contact);
    })();
  }

  async get(scope: string, userId: string): Promise<InviteRecordRow | undefined> {
    return this.getNow(scope, userId);
  }

  async page(scope: string, tenantId: string, q: PageQuery): Promise<{ rows: InviteRecordRow[]; total: number }> {
    const where = ["scope = @scope AND tenant_id = @tenant", ...(q.status === "all" ? [] : [statusCondition(q.status, "@now")]), ...(q.search ? [searchCondition("@like")] : [])].join(" AND ");
    const params = { scope, tenant: tenantId, now: q.now, like: likePrefix(q.search.toLowerCase()) };
    const rows = this.sql(`SELECT * FROM invites WHERE ${where} ORDER BY invited_at DESC, user_id LIMIT @limit OFFSET @offset`).all({ ...params, limit: q.limit, offset: q.offset }) as InviteRecordRow[];
    const { n } = this.sql(`SELECT COUNT(*) AS n FROM invites WHERE ${where}`).get(params) as { n: number };
    return { rows, total: n };
  }

  async counts(scope: string, tenantId: string, now: number): Promise<Record<InviteFilter, number>> {
    const cases = INVITE_STATUSES.map((k) => `SUM(CASE WHEN ${statusCondition(k, "@now")} THEN 1 ELSE 0 END) AS "${k}"`);
    const row = this.sql(`SELECT COUNT(*) AS "all", ${cases.join(", ")} FROM invites WHERE scope = @scope AND tenant_id = @tenant`).get({ scope, tenant: tenantId, now }) as Record<InviteFilter, number | null>;
    return { all: row.all ?? 0, pending: row.pending ?? 0, accepted: row.accepted ?? 0, "link-expired": row["link-expired"] ?? 0, revoked: row.revoked ?? 0 };
  }

  async openUserIds(scope: string, tenantId: string): Promise<string[]> {
    return (this.sql("SELECT user_id FROM invites WHERE scope = ? AND tenant_id = ? AND revoked_at IS NULL AND accepted_at IS NULL").all(scope, tenantId) as { user_id: string }[]).map((r) => r.user_id);
  }

  async accepted(scope: string, seen: readonly { userId: string; at: number }[]): Promise<void> {
    const stmt = this.sql("UPDATE invites SET accepted_at = ? WHERE scope = ? AND user_id = ? AND accepted_at IS NULL");
    this.db.transaction(() => {
      for (const s of seen) stmt.run(s.at, scope, s.userId);
    })();
  }

  async linkSent(scope: string, userId: string, link: LinkState): Promise<void> {
    this.linkSentNow(scope, userId, link);
  }

  async revoke(scope: string, userId: string, at: number, unknown: InviteRecordRow): Promise<number> {
    return this.db.transaction(() => {
      const changed = this.sql("UPDATE invites SET revoked_at = ? WHERE scope = ? AND user_id = ?").run(at, scope, userId).changes;
      if (changed === 0) this.insertNow(unknown);
      return this.sql("DELETE FROM invite_outbox WHERE scope = ? AND user_id = ? AND handled_at IS NULL").run(scope, userId).changes;
    })();
  }

  async syncState(scope: string, tenantId: string): Promise<SyncState | null> {
    const row = this.sql("SELECT synced_at, scanned, found, truncated FROM invite_syncs WHERE scope = ? AND tenant_id = ?").get(scope, tenantId) as
      | { synced_at: number; scanned: number; found: number; truncated: number }
      | undefined;
    return row ? { syncedAt: row.synced_at, scanned: row.scanned, found: row.found, truncated: row.truncated === 1 } : null;
  }

  async synced(scope: string, tenantId: string, s: SyncState): Promise<void> {
    this.sql(
      `INSERT INTO invite_syncs (scope, tenant_id, synced_at, scanned, found, truncated) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (scope, tenant_id) DO UPDATE SET synced_at = excluded.synced_at, scanned = excluded.scanned, found = excluded.found, truncated = excluded.truncated`,
    ).run(scope, tenantId, s.syncedAt, s.scanned, s.found, s.truncated ? 1 : 0);
  }

  async pendingSince(scope: string, tenantId: string, contact: string): Promise<number | undefined> {
    return (this.sql("SELECT started_at FROM invite_pending WHERE scope = ? AND tenant_id = ? AND contact = ?").get(scope, tenantId, contact) as { started_at: number } | undefined)?.started_at;
  }

  async pendingStart(scope: string, tenantId: string, contact: string, at: number): Promise<void> {
    this.sql("INSERT OR REPLACE INTO invite_pending (scope, tenant_id, contact, started_at) VALUES (?, ?, ?, ?)").run(scope, tenantId, contact, at);
  }

  async pendingEnd(scope: string, tenantId: string, contact: string): Promise<void> {
    this.pendingEndNow(scope, tenantId, contact);
  }

  async addToOutbox(scope: string, profileId: string, draft: OutboxDraft): Promise<Queued> {
    return this.db.transaction(() => this.queueNow(scope, profileId, draft))();
  }

  async outboxPage(scope: string, profileId: string, q: { includeHandled: boolean; offset: number; limit: number }): Promise<{ entries: OutboxEntry[]; total: number }> {
    const where = `${OUTBOX_OF}${q.includeHandled ? "" : " AND handled_at IS NULL"}`;
    const params = { scope, profile: profileId };
    const rows = this.sql(`SELECT * FROM invite_outbox WHERE ${where} ORDER BY id DESC LIMIT @limit OFFSET @offset`).all({ ...params, limit: q.limit, offset: q.offset }) as OutboxRow[];
    const { n } = this.sql(`SELECT COUNT(*) AS n FROM invite_outbox WHERE ${where}`).get(params) as { n: number };
    return { entries: rows.map(toOutboxEntry), total: n };
  }

  async outboxAll(scope: string, profileId: string, includeHandled: boolean): Promise<OutboxEntry[]> {
    const rows = this.sql(`SELECT * FROM invite_outbox WHERE ${OUTBOX_OF}${includeHandled ? "" : " AND handled_at IS NULL"} ORDER BY id DESC`).all({ scope, profile: profileId }) as OutboxRow[];
    return rows.map(toOutboxEntry);
  }

  async markHandled(scope: string, profileId: string, which: { ids: number[]; all: boolean }, at: number): Promise<number> {
    if (which.all) return this.sql(`UPDATE invite_outbox SET handled_at = @at WHERE ${OUTBOX_OF} AND handled_at IS NULL`).run({ scope, profile: profileId, at }).changes;
    const stmt = this.sql(`UPDATE invite_outbox SET handled_at = @at WHERE ${OUTBOX_OF} AND id = @id AND handled_at IS NULL`);
    return this.db.transaction(() => which.ids.reduce((n, id) => n + stmt.run({ scope, profile: profileId, at, id }).changes, 0))();
  }

  async settings(profileId: string): Promise<StoredSettings | undefined> {
    const row = this.sql("SELECT settings, smtp_password_sealed FROM invite_settings WHERE profile_id = ?").get(profileId) as { settings: string; smtp_password_sealed: string | null } | undefined;
    return row && { settings: row.settings, smtpPasswordSealed: row.smtp_password_sealed };
  }

  async saveSettings(profileId: string, stored: StoredSettings, at: number): Promise<void> {
    this.sql(
      `INSERT INTO invite_settings (profile_id, settings, smtp_password_sealed, updated_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (profile_id) DO UPDATE SET settings = excluded.settings, smtp_password_sealed = excluded.smtp_password_sealed, updated_at = excluded.updated_at`,
    ).run(profileId, stored.settings, stored.smtpPasswordSealed, at);
  }

  async bulkMark(jobId: string, index: number): Promise<BulkMark | undefined> {
    const row = this.sql("SELECT phase, user_id, created, result FROM invite_bulk_items WHERE job_id = ? AND item_index = ?").get(jobId, index) as
      | { phase: BulkMark["phase"]; user_id: string | null; created: number; result: string | null }
      | undefined;
    return row && { phase: row.phase, userId: row.user_id, created: row.created === 1, result: row.result };
  }

  async setBulkMark(jobId: string, index: number, mark: BulkMark, at: number): Promise<void> {
    this.setBulkMarkNow(jobId, index, mark, at);
  }

  async bulkDelivered<T>(d: BulkDelivery<T>, at: number): Promise<T> {
    return this.db.transaction(() => {
      const id = d.queue ? this.queueNow(d.scope, d.profileId, d.queue).id : null;
      const { record, create, mark, value } = d.then(id);
      if (create && !this.getNow(record.scope, record.user_id)) this.insertNow(record);
      else this.linkSentNow(record.scope, record.user_id, { expiresAt: record.link_expires_at ?? 0, delivery: record.delivery, messageId: record.message_id, error: record.delivery_error });
      if (mark) this.setBulkMarkNow(mark.jobId, mark.index, mark.mark, at);
      return value;
    })();
  }

  private insertNow(row: InviteRecordRow): void {
    this.sql(
      `${INSERT} ON CONFLICT (scope, user_id) DO UPDATE SET tenant_id = excluded.tenant_id, email = excluded.email, phone_number = excluded.phone_number,
         invited_at = excluded.invited_at, invited_by = excluded.invited_by, ${LINK_SET}, revoked_at = excluded.revoked_at,
         accepted_at = COALESCE(invites.accepted_at, excluded.accepted_at)`,
    ).run({ accepted_at: null, ...row });
  }

  private getNow(scope: string, userId: string): InviteRecordRow | undefined {
    return this.sql("SELECT * FROM invites WHERE scope = ? AND user_id = ?").get(scope, userId) as InviteRecordRow | undefined;
  }

  private linkSentNow(scope: string, userId: string, link: LinkState): void {
    this.sql("UPDATE invites SET link_expires_at = ?, delivery = ?, message_id = ?, delivery_error = ? WHERE scope = ? AND user_id = ?").run(link.expiresAt, link.delivery, link.messageId, link.error, scope, userId);
  }

  private pendingEndNow(scope: string, tenantId: string, contact: string): void {
    this.sql("DELETE FROM invite_pending WHERE scope = ? AND tenant_id = ? AND contact = ?").run(scope, tenantId, contact);
  }

  /** Inside a transaction of `db`: the message of the same origin if there is one, else a new one. */
  queueNow(scope: string, profileId: string, e: OutboxDraft): Queued {
    if (e.origin !== undefined) {
      const had = this.sql("SELECT id, link, link_expires_at FROM invite_outbox WHERE origin = ?").get(e.origin) as { id: number; link: string; link_expires_at: number } | undefined;
      if (had) return { id: had.id, link: had.link, linkExpiresAt: had.link_expires_at };
    }
    const result = this.sql(
      `INSERT INTO invite_outbox (scope, profile_id, tenant_id, user_id, recipient, channel, subject, body, link, link_expires_at, created_at, origin)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(scope, profileId, e.tenantId, e.userId, e.to, e.channel, e.subject, e.text, e.link, e.linkExpiresAt, e.createdAt, e.origin ?? null);
    return { id: Number(result.lastInsertRowid), link: e.link, linkExpiresAt: e.linkExpiresAt };
  }

  private setBulkMarkNow(jobId: string, index: number, mark: BulkMark, at: number): void {
    this.sql(
      `INSERT INTO invite_bulk_items (job_id, item_index, phase, user_id, created, result, updated_at) VALUES (@job, @index, @phase, @user, @created, @result, @at)
       ON CONFLICT (job_id, item_index) DO UPDATE SET phase = excluded.phase, user_id = excluded.user_id, created = excluded.created, result = excluded.result, updated_at = excluded.updated_at`,
    ).run({ job: jobId, index, phase: mark.phase, user: mark.userId, created: mark.created ? 1 : 0, result: mark.result, at });
  }
}
