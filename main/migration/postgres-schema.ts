/**
 * The migration area's roster, user index and classification in PostgreSQL (one step of
 * main/store/postgres/migrations.ts), as in SQLite (main/store/migrations/migration.ts) but for
 * the columns SQLite no longer reads. Ids, emails and search keys compare byte by byte (COLLATE
 * "C"), as in SQLite, whatever the database's locale: the lists page by legacy id and search by
 * prefix with range conditions, which a linguistic collation would break.
 */
export const MIGRATION_DATA_POSTGRES = `CREATE TABLE migration_sources (
     profile_id TEXT PRIMARY KEY,
     -- csv | service | demo
     kind TEXT NOT NULL,
     file_name TEXT,
     url TEXT,
     -- the legacy service's bearer token, sealed by the SecretBox (the store never sees it open)
     token_sealed TEXT,
     tenant_id TEXT,
     set_at BIGINT NOT NULL,
     set_by TEXT NOT NULL,
     updated_at BIGINT,
     skipped_disabled INTEGER NOT NULL DEFAULT 0,
     read_job_id TEXT,
     read_error TEXT,
     roster_version INTEGER NOT NULL DEFAULT 0
   );
   CREATE TABLE migration_roster (
     profile_id TEXT NOT NULL,
     legacy_id TEXT COLLATE "C" NOT NULL,
     email TEXT NOT NULL,
     email_lower TEXT COLLATE "C" NOT NULL,
     email_verified INTEGER NOT NULL,
     created_at BIGINT,
     -- never sent to the renderer, logs or audit entries
     password_hash TEXT,
     hash_algorithm TEXT,
     data TEXT,
     tenant_id TEXT COLLATE "C" NOT NULL,
     PRIMARY KEY (profile_id, legacy_id)
   );
   CREATE INDEX migration_roster_by_email ON migration_roster (profile_id, email_lower);
   -- a legacy service's listing as read so far (job_id = the read job; page -1 marks the roster replaced)
   CREATE TABLE migration_roster_staging (
     job_id TEXT NOT NULL,
     legacy_id TEXT COLLATE "C" NOT NULL,
     email TEXT NOT NULL,
     email_verified INTEGER NOT NULL,
     created_at BIGINT,
     data TEXT,
     PRIMARY KEY (job_id, legacy_id)
   );
   CREATE TABLE migration_read_pages (
     job_id TEXT NOT NULL,
     page INTEGER NOT NULL,
     cursor_out TEXT,
     users INTEGER NOT NULL,
     skipped INTEGER NOT NULL,
     total INTEGER,
     problem_count INTEGER NOT NULL DEFAULT 0,
     problems TEXT,
     PRIMARY KEY (job_id, page)
   );

   -- the local user index: what the last scan saw of each SuperTokens user (JSON arrays as text)
   CREATE TABLE user_index (
     profile_id TEXT NOT NULL,
     user_id TEXT COLLATE "C" NOT NULL,
     time_joined BIGINT NOT NULL,
     emails TEXT NOT NULL,
     phones TEXT NOT NULL,
     login_methods TEXT NOT NULL,
     tenant_ids TEXT NOT NULL,
     email_verified INTEGER NOT NULL,
     sig TEXT NOT NULL,
     pl_phone TEXT,
     temp_password INTEGER NOT NULL DEFAULT 0,
     sf_link TEXT COLLATE "C",
     invite_state TEXT,
     mig_legacy_id TEXT,
     mig_at BIGINT,
     mig_via TEXT,
     -- migrated | temporary-password | conflict | outside-roster
     roster_rel TEXT NOT NULL DEFAULT 'outside-roster',
     -- none | linked (not resolved yet) | enrolled | broken
     sf_state TEXT NOT NULL DEFAULT 'none',
     PRIMARY KEY (profile_id, user_id)
   );
   CREATE INDEX user_index_by_rel ON user_index (profile_id, roster_rel) WHERE roster_rel != 'outside-roster';
   CREATE INDEX user_index_by_link ON user_index (profile_id) WHERE sf_link IS NOT NULL;
   -- each user in each of its tenants, in join order, with what the Users list's filters ask
   CREATE TABLE user_index_tenants (
     profile_id TEXT NOT NULL,
     tenant_id TEXT COLLATE "C" NOT NULL,
     time_joined BIGINT NOT NULL,
     user_id TEXT COLLATE "C" NOT NULL,
     temp INTEGER NOT NULL DEFAULT 0,
     rel TEXT NOT NULL DEFAULT 'outside-roster',
     sf TEXT NOT NULL DEFAULT 'none',
     invite TEXT,
     PRIMARY KEY (profile_id, tenant_id, time_joined, user_id)
   );
   CREATE INDEX user_index_tenants_temp ON user_index_tenants (profile_id, tenant_id, time_joined, user_id) WHERE temp = 1;
   CREATE INDEX user_index_tenants_rel ON user_index_tenants (profile_id, tenant_id, rel, time_joined, user_id) WHERE rel != 'outside-roster';
   CREATE INDEX user_index_tenants_sf ON user_index_tenants (profile_id, tenant_id, sf, time_joined, user_id) WHERE sf != 'none';
   CREATE INDEX user_index_tenants_invite ON user_index_tenants (profile_id, tenant_id, invite, time_joined, user_id) WHERE invite IS NOT NULL;
   -- lower-cased emails, "@domain"s and phones of each user: conflicts by email, prefix search
   CREATE TABLE user_index_keys (
     profile_id TEXT NOT NULL,
     key TEXT COLLATE "C" NOT NULL,
     user_id TEXT COLLATE "C" NOT NULL,
     PRIMARY KEY (profile_id, key, user_id)
   );
   -- the scan's own journal: where each chunk of pages stands
   CREATE TABLE user_index_scan_chunks (
     job_id TEXT NOT NULL,
     tenant_id TEXT NOT NULL,
     chunk INTEGER NOT NULL,
     cursor TEXT,
     pages INTEGER NOT NULL DEFAULT 0,
     users INTEGER NOT NULL DEFAULT 0,
     done INTEGER NOT NULL DEFAULT 0,
     result TEXT,
     PRIMARY KEY (job_id, tenant_id, chunk)
   );
   CREATE TABLE user_index_meta (
     profile_id TEXT PRIMARY KEY,
     built_at BIGINT,
     refreshed_at BIGINT,
     last_job_id TEXT,
     roster_version INTEGER,
     users INTEGER
   );
   -- a full scan's users as read (appended, no index), the index replaced from them at its end
   CREATE TABLE user_index_stage (
     job_id TEXT NOT NULL,
     user_id TEXT COLLATE "C" NOT NULL,
     time_joined BIGINT NOT NULL,
     emails TEXT NOT NULL,
     phones TEXT NOT NULL,
     login_methods TEXT NOT NULL,
     tenant_ids TEXT NOT NULL,
     email_verified INTEGER NOT NULL,
     sig TEXT NOT NULL,
     pl_phone TEXT,
     temp_password INTEGER NOT NULL,
     sf_link TEXT,
     invite_state TEXT,
     mig_legacy_id TEXT,
     mig_at BIGINT,
     mig_via TEXT
   );

   -- each roster user's state as the last classification found it
   CREATE TABLE migration_status (
     profile_id TEXT NOT NULL,
     legacy_id TEXT COLLATE "C" NOT NULL,
     state TEXT NOT NULL,
     user_id TEXT COLLATE "C",
     reason TEXT,
     PRIMARY KEY (profile_id, legacy_id)
   );
   CREATE INDEX migration_status_by_state ON migration_status (profile_id, state, legacy_id);`;
