/**
 * Schema step 2: the staged users of the Core's bulk import (the bulk_import_users table of the
 * Core's PostgreSQL plugin): the user as staged (JSON, plain-text passwords as sent), its status
 * (NEW, PROCESSING, FAILED), the error of a failed import, and when it was staged and last changed.
 */
export const BULK_IMPORT_SCHEMA = `
CREATE TABLE IF NOT EXISTS bulk_import_users (
  id TEXT PRIMARY KEY,
  raw_data TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'NEW',
  primary_user_id TEXT,
  error_msg TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
-- The listing's order (newest first, ties by id), with and without a status filter.
CREATE INDEX IF NOT EXISTS bulk_import_users_pagination ON bulk_import_users (created_at DESC, id DESC);
CREATE INDEX IF NOT EXISTS bulk_import_users_status_pagination ON bulk_import_users (status, created_at DESC, id DESC);
`;
