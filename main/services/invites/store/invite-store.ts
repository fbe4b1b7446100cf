/**
 * Where the invites area keeps its state: the invite records per Core ("scope": every profile on
 * the same Core sees the same invites), the outbox of unsent messages per profile (they hold
 * working links: only the profile that made them shows them), the per-profile invite settings (the
 * SMTP password as sealed by the SecretBox: the store never sees it open) and the marks of bulk
 * invite jobs. Gatehouse's SQLite by default (sqlite-invite-store.ts); PostgreSQL for team servers
 * with two or more instances (postgres-invite-store.ts), so that every instance lists the same
 * invites and outbox, and a bulk job taken over from a dead instance sees what it delivered.
 *
 * What must happen together is one method (one transaction): an invite and the end of its pending
 * note (recordInvite), a revoke and its unsent messages (revoke), a bulk row's outbox message,
 * record and mark (bulkDelivered).
 */
import type { InviteFilter } from "../../../../shared/contract/invite-statuses.ts";
import type { OutboxEntry } from "../../../../shared/contract/operations/invites.ts";

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

export interface LinkState {
  expiresAt: number;
  delivery: Delivery;
  messageId: string | null;
  error: string | null;
}

export interface PageQuery {
  status: InviteFilter;
  search: string;
  now: number;
  offset: number;
  limit: number;
}

/** A message for the outbox. `origin` names what made it (a job's item): a second message of the same origin is not added. */
export type OutboxDraft = Omit<OutboxEntry, "id" | "handledAt" | "link"> & { link: string; origin?: string };

/** The outbox message that holds a draft: the one added, or the one of the same origin already there. */
export interface Queued {
  id: number;
  link: string;
  linkExpiresAt: number;
}

/** A profile's stored invite settings: JSON as written by InviteSettingsStore, and the sealed SMTP password. */
export interface StoredSettings {
  settings: string;
  smtpPasswordSealed: string | null;
}

/** How far a bulk invite job's item got (main/jobs/kinds/invites-bulk.ts). */
export interface BulkMark {
  /** Only "delivered" is written now; marks from earlier versions may hold "signing-up" or "recorded" (read as nothing done). */
  phase: "signing-up" | "recorded" | "delivered";
  userId: string | null;
  created: boolean;
  /** The item's result (JSON), once delivered. */
  result: string | null;
}

/** A bulk row's local effects, written at once (see InviteStore.bulkDelivered). */
export interface BulkDelivery<T> {
  scope: string;
  profileId: string;
  /** The message, when it goes to the outbox (it was not mailed). */
  queue?: OutboxDraft;
  /**
   * Given the outbox message's id (null: nothing was queued), what to record: the invite (added
   * when `create` and the scope has none, else only its link), and the item's mark (none when the
   * row is not delivered), and what bulkDelivered answers.
   */
  then(outboxId: number | null): { record: InviteRecordRow; create: boolean; mark?: { jobId: string; index: number; mark: BulkMark }; value: T };
}

export interface InviteStore {
  /** Adds the invite, or replaces the scope's record of that user (keeping an acceptance seen before). */
  insert(row: InviteRecordRow): Promise<void>;
  /** Records an invite found on the Core unless this console knows it already; true when added. */
  insertFound(row: InviteRecordRow): Promise<boolean>;
  /** insert, and the end of the contact's pending note, at once (see InvitesService.create). */
  recordInvite(row: InviteRecordRow, pending: { tenantId: string; contact: string }): Promise<void>;
  get(scope: string, userId: string): Promise<InviteRecordRow | undefined>;
  /** A page of a tenant's invites, newest first, with a status filter and an email/phone prefix. */
  page(scope: string, tenantId: string, q: PageQuery): Promise<{ rows: InviteRecordRow[]; total: number }>;
  counts(scope: string, tenantId: string, now: number): Promise<Record<InviteFilter, number>>;
  /** Invites of the tenant that are neither revoked nor seen accepted: the ones whose acceptance may have changed on the Core. */
  openUserIds(scope: string, tenantId: string): Promise<string[]>;
  /** Acceptances seen on the Core (an acceptance already kept is not changed). */
  accepted(scope: string, seen: readonly { userId: string; at: number }[]): Promise<void>;
  linkSent(scope: string, userId: string, link: LinkState): Promise<void>;
  /**
   * The invite revoked (`unknown` recorded when the scope has no record of the user) and its
   * messages not yet sent dropped from the outbox of every profile (their links are dead): how many.
   */
  revoke(scope: string, userId: string, at: number, unknown: InviteRecordRow): Promise<number>;

  syncState(scope: string, tenantId: string): Promise<SyncState | null>;
  synced(scope: string, tenantId: string, s: SyncState): Promise<void>;

  /** A single invite that signed the user up and has not recorded the invite yet (see InvitesService.create). */
  pendingSince(scope: string, tenantId: string, contact: string): Promise<number | undefined>;
  pendingStart(scope: string, tenantId: string, contact: string, at: number): Promise<void>;
  pendingEnd(scope: string, tenantId: string, contact: string): Promise<void>;

  addToOutbox(scope: string, profileId: string, draft: OutboxDraft): Promise<Queued>;
  outboxPage(scope: string, profileId: string, q: { includeHandled: boolean; offset: number; limit: number }): Promise<{ entries: OutboxEntry[]; total: number }>;
  /** Every message of the profile's outbox, newest first. */
  outboxAll(scope: string, profileId: string, includeHandled: boolean): Promise<OutboxEntry[]>;
  markHandled(scope: string, profileId: string, which: { ids: number[]; all: boolean }, at: number): Promise<number>;

  settings(profileId: string): Promise<StoredSettings | undefined>;
  saveSettings(profileId: string, stored: StoredSettings, at: number): Promise<void>;

  bulkMark(jobId: string, index: number): Promise<BulkMark | undefined>;
  setBulkMark(jobId: string, index: number, mark: BulkMark, at: number): Promise<void>;
  /** A bulk row's outbox message (if any), invite record and mark, in one transaction; answers then's value. */
  bulkDelivered<T>(d: BulkDelivery<T>, at: number): Promise<T>;
}

/** SQL for each status at a moment `now` (`now` is the parameter's placeholder). */
export function statusCondition(status: Exclude<InviteFilter, "all">, now: string): string {
  switch (status) {
    case "revoked":
      return "revoked_at IS NOT NULL";
    case "accepted":
      return "revoked_at IS NULL AND accepted_at IS NOT NULL";
    case "link-expired":
      return `revoked_at IS NULL AND accepted_at IS NULL AND link_expires_at IS NOT NULL AND link_expires_at <= ${now}`;
    case "pending":
      return `revoked_at IS NULL AND accepted_at IS NULL AND (link_expires_at IS NULL OR link_expires_at > ${now})`;
  }
}

/** A LIKE pattern for the prefix (its wildcards escaped with "\"). */
export const likePrefix = (s: string): string => `${s.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** The search condition: email or phone starts with it (a phone with or without its "+"); `like` is the pattern's placeholder. */
export const searchCondition = (like: string): string => `(email LIKE ${like} ESCAPE '\\' OR phone_number LIKE ${like} ESCAPE '\\' OR phone_number LIKE '+' || ${like} ESCAPE '\\')`;

export interface OutboxRow {
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

export const toOutboxEntry = (r: OutboxRow): OutboxEntry => ({
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
