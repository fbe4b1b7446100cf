/**
 * The local record of invites (links, delivery, acceptance once seen, revocations) per Core
 * ("scope": every profile on the same Core sees the same invites), and the outbox of unsent
 * messages per profile (they hold working links: only the profile that made them shows them).
 */
import type { InviteFilter } from "../../../shared/contract/invite-statuses.ts";
import type { OutboxEntry } from "../../../shared/contract/operations/invites.ts";
import type { StoreDb } from "../../store/database.ts";
import { preparedFor, type Prepared } from "../../store/statements.ts";

export type Delivery = "sent" | "outbox" | "failed" | "elsewhere";

export interface InviteRecordRow {
  scope: string;
  user_id: string;
  tenant_id: string;
  email: string | null;
  phone_number: string | null;
  invited_at: number;
  invited_by: string;
  link_expires_at: number | null;
  delivery: Delivery;
  message_id: string | null;
  delivery_error: string | null;
  revoked_at: number | null;
  /** When the invitee first signed in, once Gatehouse saw it on the Core (never changes after). */
  accepted_at?: number | null;
}

export interface SyncState {
  syncedAt: number;
  scanned: number;
  found: number;
  truncated: boolean;
}

interface OutboxRow {
  id: number;
  tenant_id: string;
  user_id: string;
  recipient: string;
  channel: "email" | "sms";
  subject: string;
  body: string;
  link: string;
  link_expires_at: number;
  created_at: number;
  handled_at: number | null;
}

/** SQL for each status at a moment `now` (the `?` is now). */
const STATUS_SQL: Record<Exclude<InviteFilter, "all">, string> = {
  revoked: "revoked_at IS NOT NULL",
  accepted: "revoked_at IS NULL AND accepted_at IS NOT NULL",
  "link-expired": "revoked_at IS NULL AND accepted_at IS NULL AND link_expires_at IS NOT NULL AND link_expires_at <= @now",
  pending: "revoked_at IS NULL AND accepted_at IS NULL AND (link_expires_at IS NULL OR link_expires_at > @now)",
};

const likePrefix = (s: string) => `${s.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

const toEntry = (r: OutboxRow): OutboxEntry => ({
  id: r.id,
  createdAt: r.created_at,
  tenantId: r.tenant_id,
  userId: r.user_id,
  to: r.recipient,
  channel: r.channel,
  subject: r.subject,
  text: r.body,
  link: r.link,
  linkExpiresAt: r.link_expires_at,
  handledAt: r.handled_at,
});

/** Outbox rows of a profile: its own, and those from before messages were tied to a profile. */
const OUTBOX_OF = "scope = @scope AND (profile_id = @profile OR profile_id IS NULL)";

export class InviteRecords {
  private readonly sql: Prepared;

  constructor(private readonly db: StoreDb) {
    this.sql = preparedFor(db);
  }

  insert(row: InviteRecordRow): void {
    this.sql(
      `INSERT INTO invites (scope, user_id, tenant_id, email, phone_number, invited_at, invited_by, link_expires_at, delivery, message_id, delivery_error, revoked_at, accepted_at)
       VALUES (@scope, @user_id, @tenant_id, @email, @phone_number, @invited_at, @invited_by, @link_expires_at, @delivery, @message_id, @delivery_error, @revoked_at, @accepted_at)
       ON CONFLICT (scope, user_id) DO UPDATE SET tenant_id = excluded.tenant_id, email = excluded.email, phone_number = excluded.phone_number,
         invited_at = excluded.invited_at, invited_by = excluded.invited_by, link_expires_at = excluded.link_expires_at, delivery = excluded.delivery,
         message_id = excluded.message_id, delivery_error = excluded.delivery_error, revoked_at = excluded.revoked_at,
         accepted_at = COALESCE(invites.accepted_at, excluded.accepted_at)`,
    ).run({ accepted_at: null, ...row });
  }

  /** Records an invite found on the Core unless this console knows it already; true when added. */
  insertFound(row: InviteRecordRow): boolean {
    return (
      this.sql(
        `INSERT INTO invites (scope, user_id, tenant_id, email, phone_number, invited_at, invited_by, link_expires_at, delivery, message_id, delivery_error, revoked_at, accepted_at)
         VALUES (@scope, @user_id, @tenant_id, @email, @phone_number, @invited_at, @invited_by, @link_expires_at, @delivery, @message_id, @delivery_error, @revoked_at, @accepted_at)
         ON CONFLICT (scope, user_id) DO NOTHING`,
      ).run({ accepted_at: null, ...row }).changes > 0
    );
  }

  get(scope: string, userId: string): InviteRecordRow | undefined {
    return this.sql("SELECT * FROM invites WHERE scope = ? AND user_id = ?").get(scope, userId) as InviteRecordRow | undefined;
  }

  /** A page of a tenant's invites, newest first, with a status filter and an email/phone prefix. */
  page(scope: string, tenantId: string, q: { status: InviteFilter; search: string; now: number; offset: number; limit: number }): { rows: InviteRecordRow[]; total: number } {
    const where = [
      "scope = @scope AND tenant_id = @tenant",
      ...(q.status === "all" ? [] : [STATUS_SQL[q.status]]),
      // A phone can be looked for with or without its "+".
      ...(q.search ? ["(email LIKE @like ESCAPE '\\' OR phone_number LIKE @like ESCAPE '\\' OR phone_number LIKE '+' || @like ESCAPE '\\')"] : []),
    ].join(" AND ");
    const params = { scope, tenant: tenantId, now: q.now, like: likePrefix(q.search.toLowerCase()) };
    const rows = this.sql(`SELECT * FROM invites WHERE ${where} ORDER BY invited_at DESC, user_id LIMIT @limit OFFSET @offset`).all({ ...params, limit: q.limit, offset: q.offset }) as InviteRecordRow[];
    const { n } = this.sql(`SELECT COUNT(*) AS n FROM invites WHERE ${where}`).get(params) as { n: number };
    return { rows, total: n };
  }

  counts(scope: string, tenantId: string, now: number): Record<InviteFilter, number> {
    const cases = (Object.entries(STATUS_SQL) as [Exclude<InviteFilter, "all">, string][]).map(([k, cond]) => `SUM(CASE WHEN ${cond} THEN 1 ELSE 0 END) AS "${k}"`);
    const row = this.sql(`SELECT COUNT(*) AS "all", ${cases.join(", ")} FROM invites WHERE scope = @scope AND tenant_id = @tenant`).get({ scope, tenant: tenantId, now }) as Record<InviteFilter, number | null>;
    return { all: row.all ?? 0, pending: row.pending ?? 0, accepted: row.accepted ?? 0, "link-expired": row["link-expired"] ?? 0, revoked: row.revoked ?? 0 };
  }

  /** Invites of the tenant that are neither revoked nor seen accepted: the ones whose acceptance may have changed on the Core. */
  openUserIds(scope: string, tenantId: string): string[] {
    return (this.sql("SELECT user_id FROM invites WHERE scope = ? AND tenant_id = ? AND revoked_at IS NULL AND accepted_at IS NULL").all(scope, tenantId) as { user_id: string }[]).map((r) => r.user_id);
  }

  accepted(scope: string, userId: string, at: number): void {
    this.sql("UPDATE invites SET accepted_at = ? WHERE scope = ? AND user_id = ? AND accepted_at IS NULL").run(at, scope, userId);
  }

  linkSent(scope: string, userId: string, link: { expiresAt: number; delivery: Delivery; messageId: string | null; error: string | null }): void {
    this.sql("UPDATE invites SET link_expires_at = ?, delivery = ?, message_id = ?, delivery_error = ? WHERE scope = ? AND user_id = ?").run(
      link.expiresAt,
      link.delivery,
      link.messageId,
      link.error,
      scope,
      userId,
    );
  }

  revoked(scope: string, userId: string, at: number): void {
    this.sql("UPDATE invites SET revoked_at = ? WHERE scope = ? AND user_id = ?").run(at, scope, userId);
  }

  syncState(scope: string, tenantId: string): SyncState | null {
    const row = this.sql("SELECT synced_at, scanned, found, truncated FROM invite_syncs WHERE scope = ? AND tenant_id = ?").get(scope, tenantId) as
      | { synced_at: number; scanned: number; found: number; truncated: number }
      | undefined;
    return row ? { syncedAt: row.synced_at, scanned: row.scanned, found: row.found, truncated: row.truncated === 1 } : null;
  }

  synced(scope: string, tenantId: string, s: SyncState): void {
    this.sql(
      `INSERT INTO invite_syncs (scope, tenant_id, synced_at, scanned, found, truncated) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (scope, tenant_id) DO UPDATE SET synced_at = excluded.synced_at, scanned = excluded.scanned, found = excluded.found, truncated = excluded.truncated`,
    ).run(scope, tenantId, s.syncedAt, s.scanned, s.found, s.truncated ? 1 : 0);
  }

  /** A single invite that signed the user up and has not recorded the invite yet (see InvitesService.create). */
  pendingSince(scope: string, tenantId: string, contact: string): number | undefined {
    return (this.sql("SELECT started_at FROM invite_pending WHERE scope = ? AND tenant_id = ? AND contact = ?").get(scope, tenantId, contact) as { started_at: number } | undefined)?.started_at;
  }

  pendingStart(scope: string, tenantId: string, contact: string, at: number): void {
    this.sql("INSERT OR REPLACE INTO invite_pending (scope, tenant_id, contact, started_at) VALUES (?, ?, ?, ?)").run(scope, tenantId, contact, at);
  }

  pendingEnd(scope: string, tenantId: string, contact: string): void {
    this.sql("DELETE FROM invite_pending WHERE scope = ? AND tenant_id = ? AND contact = ?").run(scope, tenantId, contact);
  }

  addToOutbox(scope: string, profileId: string, entry: Omit<OutboxEntry, "id" | "handledAt" | "link"> & { link: string }): number {
    const result = this.sql(
      `INSERT INTO invite_outbox (scope, profile_id, tenant_id, user_id, recipient, channel, subject, body, link, link_expires_at, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(scope, profileId, entry.tenantId, entry.userId, entry.to, entry.channel, entry.subject, entry.text, entry.link, entry.linkExpiresAt, entry.createdAt);
    return Number(result.lastInsertRowid);
  }

  outboxPage(scope: string, profileId: string, q: { includeHandled: boolean; offset: number; limit: number }): { entries: OutboxEntry[]; total: number } {
    const where = `${OUTBOX_OF}${q.includeHandled ? "" : " AND handled_at IS NULL"}`;
    const params = { scope, profile: profileId };
    const rows = this.sql(`SELECT * FROM invite_outbox WHERE ${where} ORDER BY id DESC LIMIT @limit OFFSET @offset`).all({ ...params, limit: q.limit, offset: q.offset }) as OutboxRow[];
    const { n } = this.sql(`SELECT COUNT(*) AS n FROM invite_outbox WHERE ${where}`).get(params) as { n: number };
    return { entries: rows.map(toEntry), total: n };
  }

  *outboxAll(scope: string, profileId: string, includeHandled: boolean): Generator<OutboxEntry> {
    const rows = this.sql(`SELECT * FROM invite_outbox WHERE ${OUTBOX_OF}${includeHandled ? "" : " AND handled_at IS NULL"} ORDER BY id DESC`).iterate({ scope, profile: profileId }) as Iterable<OutboxRow>;
    for (const r of rows) yield toEntry(r);
  }

  markHandled(scope: string, profileId: string, which: { ids: number[]; all: boolean }, at: number): number {
    if (which.all) return this.sql(`UPDATE invite_outbox SET handled_at = @at WHERE ${OUTBOX_OF} AND handled_at IS NULL`).run({ scope, profile: profileId, at }).changes;
    const stmt = this.sql(`UPDATE invite_outbox SET handled_at = @at WHERE ${OUTBOX_OF} AND id = @id AND handled_at IS NULL`);
    return this.db.transaction(() => which.ids.reduce((n, id) => n + stmt.run({ scope, profile: profileId, at, id }).changes, 0))();
  }

  /** A revoked invite's messages not yet sent leave the outbox (on every profile: their links are dead). */
  dropUnsent(scope: string, userId: string): number {
    return this.sql("DELETE FROM invite_outbox WHERE scope = ? AND user_id = ? AND handled_at IS NULL").run(scope, userId).changes;
  }
}
