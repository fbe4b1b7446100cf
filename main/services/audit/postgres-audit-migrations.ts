/** The audit log's tables in PostgreSQL (team servers with two or more instances); append-only steps. */
export const AUDIT_POSTGRES_MIGRATIONS: readonly string[] = [
  `CREATE TABLE audit_log (
     seq BIGINT PRIMARY KEY,
     at BIGINT NOT NULL,
     operator TEXT NOT NULL,
     address TEXT,
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
   CREATE INDEX audit_by_operator ON audit_log (lower(operator), seq);
   CREATE INDEX audit_by_target ON audit_log (target, seq);
   CREATE INDEX audit_by_operation ON audit_log (lower(operation), seq);
   -- The chain's key and its head, sealed by the server key.
   CREATE TABLE audit_settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);`,
];
