/**
 * The team server's sign-in state (main/team/): sessions, one-time links, TOTP second factors and
 * sign-in throttling. Operators themselves (email, password, role) live on the operator
 * directory's SuperTokens Core, not here. Every token is kept as its SHA-256 only.
 */
export const TEAM_MIGRATIONS: string[] = [
  `CREATE TABLE team_sessions (
     token_hash TEXT PRIMARY KEY,
     user_id TEXT NOT NULL,
     email TEXT NOT NULL,
     role TEXT NOT NULL,
     address TEXT NOT NULL,
     created_at INTEGER NOT NULL,
     last_seen_at INTEGER NOT NULL,
     -- when the role was last confirmed on the directory's Core
     checked_at INTEGER NOT NULL
   );
   CREATE INDEX team_sessions_user ON team_sessions (user_id);
   CREATE TABLE team_links (
     token_hash TEXT PRIMARY KEY,
     -- 'set-password' (invites, the first admin) or 'second-factor' (a sign-in awaiting its code)
     purpose TEXT NOT NULL,
     user_id TEXT NOT NULL,
     created_at INTEGER NOT NULL,
     expires_at INTEGER NOT NULL,
     used_at INTEGER
   );
   CREATE INDEX team_links_user ON team_links (user_id, purpose);
   CREATE TABLE team_totp (
     user_id TEXT PRIMARY KEY,
     -- the secret, sealed by the SecretBox
     sealed_secret TEXT NOT NULL,
     -- null while the enrolment awaits its first code
     confirmed_at INTEGER,
     -- the last time step accepted: a code is never taken twice
     last_step INTEGER NOT NULL DEFAULT -1
   );
   CREATE TABLE team_throttle (
     -- 'account:<email>' or 'address:<ip>'
     key TEXT PRIMARY KEY,
     failures INTEGER NOT NULL,
     -- a count is forgotten once its last failure is older than the window (and no pause holds)
     last_failure_at INTEGER NOT NULL,
     locked_until INTEGER NOT NULL DEFAULT 0
   );`,
];
