/** Profiles, settings and the audit log. */
export const CORE_MIGRATIONS: string[] = [
  `CREATE TABLE profiles (
     id TEXT PRIMARY KEY,
     name TEXT NOT NULL,
     uris TEXT NOT NULL,
     api_key_sealed TEXT,
     role TEXT NOT NULL,
     default_tenant TEXT NOT NULL,
     timeout_ms INTEGER NOT NULL,
     contract TEXT NOT NULL,
     embedded INTEGER NOT NULL DEFAULT 0,
     created_at INTEGER NOT NULL,
     updated_at INTEGER NOT NULL
   );
   CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
   CREATE TABLE audit_log (
     seq INTEGER PRIMARY KEY,
     at INTEGER NOT NULL,
     operator TEXT NOT NULL,
     role TEXT NOT NULL,
     profile TEXT NOT NULL,
     operation TEXT NOT NULL,
     target TEXT,
     input TEXT NOT NULL,
     outcome TEXT NOT NULL,
     detail TEXT,
     prev_hash TEXT NOT NULL,
     hash TEXT NOT NULL
   );
   CREATE INDEX audit_by_operator ON audit_log (operator, seq);
   CREATE INDEX audit_by_target ON audit_log (target, seq);
   CREATE INDEX audit_by_operation ON audit_log (operation, seq);`,
  // The team server records where each call came from (desktop entries have none).
  `ALTER TABLE audit_log ADD COLUMN address TEXT`,
];
