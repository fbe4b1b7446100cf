/**
 * The local record of invites sent (links, delivery, revocations) and the outbox, in SQLite, per
 * Core ("scope"): every profile on the same Core sees the same invites.
 */
import type { OutboxEntry } from "../../../shared/contract/operations/invites.ts";
import type { StoreDb } from "../../store/database.ts";
import { preparedFor, type Prepared } from "../../store/statements.ts";

export type Delivery = "sent" | "outbox" | "failed";

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

export class InviteRecords {
  private readonly sql: Prepared;

  constructor(private readonly db: StoreDb) {
    this.sql = preparedFor(db);
  }

  insert(row: InviteRecordRow): void {
    this.sql(
        `INSERT INTO invites (scope, user_id, tenant_id, email, phone_number, invited_at, invited_by, link_expires_at, delivery, message_id, delivery_error, revoked_at)
         VALUES (@scope, @user_id, @tenant_id, @email, @phone_number, @invited_at, @invited_by, @link_expires_at, @delivery, @message_id, @delivery_error, @revoked_at)
         ON CONFLICT (scope, user_id) DO UPDATE SET tenant_id = excluded.tenant_id, email = excluded.email, phone_number = excluded.phone_number,
           invited_at = excluded.invited_at, invited_by = excluded.invited_by, link_expires_at = excluded.link_expires_at, delivery = excluded.delivery,
           message_id = excluded.message_id, delivery_error = excluded.delivery_error, revoked_at = excluded.revoked_at`,
      )
      .run(row);
  }

  get(scope: string, userId: string): InviteRecordRow | undefined {
    return this.sql("SELECT * FROM invites WHERE scope = ? AND user_id = ?").get(scope, userId) as InviteRecordRow | undefined;
  }

  list(scope: string, tenantId: string): InviteRecordRow[] {
    return this.sql("SELECT * FROM invites WHERE scope = ? AND tenant_id = ? ORDER BY invited_at DESC, user_id").all(scope, tenantId) as InviteRecordRow[];
  }

  linkSent(scope: string, userId: string, link: { expiresAt: number; delivery: Delivery; messageId: string | null; error: string | null }): void {
    this.sql("UPDATE invites SET link_expires_at = ?, delivery = ?, message_id = ?, delivery_error = ? WHERE scope = ? AND user_id = ?")
      .run(link.expiresAt, link.delivery, link.messageId, link.error, scope, userId);
  }

  revoked(scope: string, userId: string, at: number): void {
    this.sql("UPDATE invites SET revoked_at = ? WHERE scope = ? AND user_id = ?").run(at, scope, userId);
  }

  addToOutbox(scope: string, entry: Omit<OutboxEntry, "id" | "handledAt">): number {
    const result = this.sql(
        `INSERT INTO invite_outbox (scope, tenant_id, user_id, recipient, channel, subject, body, link, link_expires_at, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(scope, entry.tenantId, entry.userId, entry.to, entry.channel, entry.subject, entry.text, entry.link, entry.linkExpiresAt, entry.createdAt);
    return Number(result.lastInsertRowid);
  }

  outbox(scope: string, includeHandled: boolean): OutboxEntry[] {
    const rows = this.sql(`SELECT * FROM invite_outbox WHERE scope = ? ${includeHandled ? "" : "AND handled_at IS NULL"} ORDER BY id DESC`)
      .all(scope) as OutboxRow[];
    return rows.map((r) => ({
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
    }));
  }

  markHandled(scope: string, ids: number[], at: number): number {
    const stmt = this.sql("UPDATE invite_outbox SET handled_at = ? WHERE scope = ? AND id = ? AND handled_at IS NULL");
    return this.db.transaction(() => ids.reduce((n, id) => n + stmt.run(at, scope, id).changes, 0))();
  }
}
