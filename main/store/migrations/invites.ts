/** Invites sent from this console, their per-profile settings, and the outbox of unsent messages. */
export const INVITES_MIGRATIONS: string[] = [
  `CREATE TABLE invite_settings (
     profile_id TEXT PRIMARY KEY,
     settings TEXT NOT NULL,
     smtp_password_sealed TEXT,
     updated_at INTEGER NOT NULL
   );
   -- scope: the Core the invites live in ("embedded", or its URIs), so every profile on it sees them.
   CREATE TABLE invites (
     scope TEXT NOT NULL,
     user_id TEXT NOT NULL,
     tenant_id TEXT NOT NULL,
     email TEXT,
     phone_number TEXT,
     invited_at INTEGER NOT NULL,
     invited_by TEXT NOT NULL,
     link_expires_at INTEGER,
     delivery TEXT NOT NULL,
     message_id TEXT,
     delivery_error TEXT,
     revoked_at INTEGER,
     PRIMARY KEY (scope, user_id)
   );
   CREATE INDEX invites_by_tenant ON invites (scope, tenant_id, invited_at);
   CREATE TABLE invite_outbox (
     id INTEGER PRIMARY KEY,
     scope TEXT NOT NULL,
     tenant_id TEXT NOT NULL,
     user_id TEXT NOT NULL,
     recipient TEXT NOT NULL,
     channel TEXT NOT NULL,
     subject TEXT NOT NULL,
     body TEXT NOT NULL,
     link TEXT NOT NULL,
     link_expires_at INTEGER NOT NULL,
     created_at INTEGER NOT NULL,
     handled_at INTEGER
   );
   CREATE INDEX invite_outbox_by_scope ON invite_outbox (scope, handled_at, id);`,
  // Bulk invites (main/jobs/kinds/invites-bulk.ts): how far each job item got, so that a repeat after
  // a crash neither signs up twice nor mails twice. phase: signing-up, recorded, delivered.
  `CREATE TABLE invite_bulk_items (
     job_id TEXT NOT NULL,
     item_index INTEGER NOT NULL,
     phase TEXT NOT NULL,
     user_id TEXT,
     created INTEGER NOT NULL DEFAULT 0,
     result TEXT,
     updated_at INTEGER NOT NULL,
     PRIMARY KEY (job_id, item_index)
   );`,
  // Outbox messages hold working links: each belongs to the profile that made it and is shown
  // only there (rows from before have none: shown on every profile of their Core). Acceptance is
  // permanent, so it is kept once seen (status filters and counts without asking the Core).
  // invite_syncs: when a tenant's invites were last looked for on the Core. invite_pending: a single
  // invite between its sign-up and its record, so a retry after a failure finishes it.
  `ALTER TABLE invite_outbox ADD COLUMN profile_id TEXT;
   CREATE INDEX invite_outbox_by_profile ON invite_outbox (profile_id, handled_at, id);
   CREATE INDEX invite_outbox_by_user ON invite_outbox (scope, user_id);
   ALTER TABLE invites ADD COLUMN accepted_at INTEGER;
   CREATE TABLE invite_syncs (
     scope TEXT NOT NULL,
     tenant_id TEXT NOT NULL,
     synced_at INTEGER NOT NULL,
     scanned INTEGER NOT NULL,
     found INTEGER NOT NULL,
     truncated INTEGER NOT NULL,
     PRIMARY KEY (scope, tenant_id)
   );
   CREATE TABLE invite_pending (
     scope TEXT NOT NULL,
     tenant_id TEXT NOT NULL,
     contact TEXT NOT NULL,
     started_at INTEGER NOT NULL,
     PRIMARY KEY (scope, tenant_id, contact)
   );`,
  // origin: what made a message (a job's item), so that a repeat of the item finds it instead of
  // queueing a second one (the reset links' marks are not in the same store as the outbox on PostgreSQL).
  `ALTER TABLE invite_outbox ADD COLUMN origin TEXT;
   CREATE UNIQUE INDEX invite_outbox_by_origin ON invite_outbox (origin);`,
];
