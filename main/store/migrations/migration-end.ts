/**
 * The end of the migration and reset links (main/migration/end/, main/migration/reset-links/):
 * - migration_end_marks: what an item of an end-of-migration or reset-links job got to beyond the
 *   runner's journal — the account it made (so a repeat after a crash adopts it instead of making
 *   a second), the bulk-import staging, and the reset link's delivery (so nobody gets a second
 *   mail). One row per item, written in the same transaction as the outbox message it describes.
 * - migration_end_jobs: per end-of-migration job, the path it takes and (bulk import) the last
 *   look at the Core's processing state, for the screen.
 * - reset_link_settings: per profile, the reset mail's template.
 * Never a password or password hash.
 */
export const MIGRATION_END_MIGRATIONS: string[] = [
  `CREATE TABLE migration_end_marks (
     job_id TEXT NOT NULL,
     item_index INTEGER NOT NULL,
     phase TEXT NOT NULL,
     super_tokens_id TEXT,
     staged_id TEXT,
     result TEXT,
     updated_at INTEGER NOT NULL,
     PRIMARY KEY (job_id, item_index)
   ) WITHOUT ROWID;
   CREATE TABLE migration_end_jobs (
     job_id TEXT PRIMARY KEY,
     profile_id TEXT NOT NULL,
     path TEXT NOT NULL,
     bulk_state TEXT,
     created_at INTEGER NOT NULL
   );
   CREATE INDEX migration_end_jobs_by_profile ON migration_end_jobs (profile_id, created_at);
   CREATE TABLE reset_link_settings (
     profile_id TEXT PRIMARY KEY,
     settings TEXT NOT NULL,
     updated_at INTEGER NOT NULL
   );`,
];
