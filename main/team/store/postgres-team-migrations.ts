/**
 * The team server's sign-in state in PostgreSQL (several server instances sharing one database):
 * the same tables as in SQLite (main/store/migrations/team.ts). Append-only steps.
 */
export const TEAM_POSTGRES_MIGRATIONS: readonly string[] = [
  `CREATE TABLE team_sessions (
     token_hash TEXT PRIMARY KEY,
     user_id TEXT NOT NULL,
     email TEXT NOT NULL,
     role TEXT NOT NULL,
     address TEXT NOT NULL,
     created_at BIGINT NOT NULL,
     last_seen_at BIGINT NOT NULL,
     checked_at BIGINT NOT NULL
   );
   CREATE INDEX team_sessions_user ON team_sessions (user_id);
   CREATE TABLE team_links (
     token_hash TEXT PRIMARY KEY,
     purpose TEXT NOT NULL,
     user_id TEXT NOT NULL,
     created_at BIGINT NOT NULL,
     expires_at BIGINT NOT NULL,
     used_at BIGINT
   );
   CREATE INDEX team_links_user ON team_links (user_id, purpose);
   CREATE TABLE team_totp (
     user_id TEXT PRIMARY KEY,
     sealed_secret TEXT NOT NULL,
     confirmed_at BIGINT,
     last_step BIGINT NOT NULL DEFAULT -1
   );
   CREATE TABLE team_throttle (
     key TEXT PRIMARY KEY,
     failures INTEGER NOT NULL,
     last_failure_at BIGINT NOT NULL,
     locked_until BIGINT NOT NULL DEFAULT 0
   );`,
];
