/**
 * The invites area's tables in PostgreSQL (team servers with two or more instances): the same as
 * in SQLite (main/store/migrations/invites.ts) as they stand now. Append-only steps.
 */
export const INVITES_POSTGRES_MIGRATIONS: readonly string[] = [
  `CREATE TABLE invite_settings (
     profile_id TEXT PRIMARY KEY,
     settings TEXT NOT NULL,
     smtp_password_sealed TEXT,
     updated_at BIGINT NOT NULL
   );
   -- scope: the Core the invites live in ("embedded", or its URIs), so every profile on it sees them.
   CREATE TABLE invites (
     scope TEXT NOT NULL,
     user_id TEXT NOT NULL,
     tenant_id TEXT NOT NULL,
     email TEXT,
     phone_number TEXT,
     invited_at BIGINT NOT NULL,
     invited_by TEXT NOT NULL,
     link_expires_at BIGINT,
     delivery TEXT NOT NULL,
     message_id TEXT,
     delivery_error TEXT,
     revoked_at BIGINT,
     accepted_at BIGINT,
     PRIMARY KEY (scope, user_id)
   );
   CREATE INDEX invites_by_tenant ON invites (scope, tenant_id, invited_at);
   -- Messages hold working links: each is shown only on the profile that made it. origin: the job
   -- item that made it (a repeat finds it instead of queueing another).
   CREATE TABLE invite_outbox (
     id BIGSERIAL PRIMARY KEY,
     scope TEXT NOT NULL,
     profile_id TEXT,
     tenant_id TEXT NOT NULL,
     user_id TEXT NOT NULL,
     recipient TEXT NOT NULL,
     channel TEXT NOT NULL,
     subject TEXT NOT NULL,
     body TEXT NOT NULL,
     link TEXT NOT NULL,
     link_expires_at BIGINT NOT NULL,
     created_at BIGINT NOT NULL,
     handled_at BIGINT,
     origin TEXT UNIQUE
   );
   CREATE INDEX invite_outbox_by_scope ON invite_outbox (scope, handled_at, id);
   CREATE INDEX invite_outbox_by_user ON invite_outbox (scope, user_id);
   -- Bulk invites (main/jobs/kinds/invites-bulk.ts): how far each job item got, whichever instance ran it.
   CREATE TABLE invite_bulk_items (
     job_id TEXT NOT NULL,
     item_index INTEGER NOT NULL,
     phase TEXT NOT NULL,
     user_id TEXT,
     created BOOLEAN NOT NULL DEFAULT false,
     result TEXT,
     updated_at BIGINT NOT NULL,
     PRIMARY KEY (job_id, item_index)
   );
   CREATE TABLE invite_syncs (
     scope TEXT NOT NULL,
     tenant_id TEXT NOT NULL,
     synced_at BIGINT NOT NULL,
     scanned INTEGER NOT NULL,
     found INTEGER NOT NULL,
     truncated BOOLEAN NOT NULL,
     PRIMARY KEY (scope, tenant_id)
   );
   CREATE TABLE invite_pending (
     scope TEXT NOT NULL,
     tenant_id TEXT NOT NULL,
     contact TEXT NOT NULL,
     started_at BIGINT NOT NULL,
     PRIMARY KEY (scope, tenant_id, contact)
   );`,
];
