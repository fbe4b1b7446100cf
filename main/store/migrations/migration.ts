/**
 * The migration area (main/migration/): per connection profile, the legacy roster and its source,
 * the local user index the scan job fills, what each roster user was classified as, dated
 * snapshots, and the end criterion.
 */
export const MIGRATION_MIGRATIONS: string[] = [
  `CREATE TABLE migration_sources (
     profile_id TEXT PRIMARY KEY,
     -- csv | service | demo
     kind TEXT NOT NULL,
     file_name TEXT,
     url TEXT,
     -- the legacy service's bearer token, sealed by the SecretBox like API keys
     token_sealed TEXT,
     tenant_id TEXT,
     set_at INTEGER NOT NULL,
     set_by TEXT NOT NULL,
     -- when the roster in force was last replaced, and how many disabled accounts it left out
     updated_at INTEGER,
     skipped_disabled INTEGER NOT NULL DEFAULT 0,
     -- the latest read of the legacy service (a job), and its error when it ended without replacing the roster
     read_job_id TEXT,
     read_error TEXT,
     -- bumped on every replacement: a scan records the version it classified
     roster_version INTEGER NOT NULL DEFAULT 0
   );
   CREATE TABLE migration_roster (
     profile_id TEXT NOT NULL,
     legacy_id TEXT NOT NULL,
     email TEXT NOT NULL,
     email_lower TEXT NOT NULL,
     email_verified INTEGER NOT NULL,
     created_at INTEGER,
     -- never sent to the renderer, logs or audit entries
     password_hash TEXT,
     hash_algorithm TEXT,
     data TEXT,
     tenant_id TEXT NOT NULL,
     PRIMARY KEY (profile_id, legacy_id)
   ) WITHOUT ROWID;
   CREATE INDEX migration_roster_by_email ON migration_roster (profile_id, email_lower);
   -- a legacy service's listing as read so far, page by page (job_id = the read job; page -1 marks the roster replaced)
   CREATE TABLE migration_roster_staging (
     job_id TEXT NOT NULL,
     legacy_id TEXT NOT NULL,
     email TEXT NOT NULL,
     email_verified INTEGER NOT NULL,
     created_at INTEGER,
     data TEXT,
     PRIMARY KEY (job_id, legacy_id)
   ) WITHOUT ROWID;
   CREATE TABLE migration_read_pages (
     job_id TEXT NOT NULL,
     page INTEGER NOT NULL,
     cursor_out TEXT,
     users INTEGER NOT NULL,
     skipped INTEGER NOT NULL,
     total INTEGER,
     -- listed users that are not valid: how many, and the first few as JSON ({ line, field, message })
     problem_count INTEGER NOT NULL DEFAULT 0,
     problems TEXT,
     PRIMARY KEY (job_id, page)
   ) WITHOUT ROWID;

   -- the local user index: what the last scan saw of each SuperTokens user
   CREATE TABLE user_index (
     profile_id TEXT NOT NULL,
     user_id TEXT NOT NULL,
     time_joined INTEGER NOT NULL,
     -- the listing's fields, as JSON arrays
     emails TEXT NOT NULL,
     phones TEXT NOT NULL,
     login_methods TEXT NOT NULL,
     tenant_ids TEXT NOT NULL,
     email_verified INTEGER NOT NULL,
     -- a hash of the listing's JSON for this user: a changed user is found without reading its metadata
     sig TEXT NOT NULL,
     -- the phone of its Passwordless login method (a second-factor phone user's number)
     pl_phone TEXT,
     -- from metadata
     temp_password INTEGER NOT NULL DEFAULT 0,
     sf_link TEXT,
     invite_state TEXT,
     mig_legacy_id TEXT,
     mig_at INTEGER,
     mig_via TEXT,
     -- how it relates to the roster after the last classification: migrated | temporary-password | conflict | outside-roster
     roster_rel TEXT NOT NULL DEFAULT 'outside-roster',
     -- the scan job that last saw it (a full scan removes users it did not see)
     seen_job TEXT NOT NULL,
     PRIMARY KEY (profile_id, user_id)
   ) WITHOUT ROWID;
   CREATE INDEX user_index_by_link ON user_index (profile_id, sf_link) WHERE sf_link IS NOT NULL;
   CREATE INDEX user_index_by_temp ON user_index (profile_id, temp_password) WHERE temp_password = 1;
   CREATE INDEX user_index_by_invite ON user_index (profile_id, invite_state) WHERE invite_state IS NOT NULL;
   -- each user in each of its tenants, in join order (the Users list's order)
   CREATE TABLE user_index_tenants (
     profile_id TEXT NOT NULL,
     tenant_id TEXT NOT NULL,
     time_joined INTEGER NOT NULL,
     user_id TEXT NOT NULL,
     PRIMARY KEY (profile_id, tenant_id, time_joined, user_id)
   ) WITHOUT ROWID;
   CREATE INDEX user_index_tenants_by_user ON user_index_tenants (profile_id, user_id);
   -- lower-cased emails and phones of each user: conflicts by email, prefix search
   CREATE TABLE user_index_keys (
     profile_id TEXT NOT NULL,
     key TEXT NOT NULL,
     user_id TEXT NOT NULL,
     PRIMARY KEY (profile_id, key, user_id)
   ) WITHOUT ROWID;
   CREATE INDEX user_index_keys_by_user ON user_index_keys (profile_id, user_id);
   -- the scan's own journal: where each chunk of pages stands (the job engine journals the chunks)
   CREATE TABLE user_index_scan_chunks (
     job_id TEXT NOT NULL,
     tenant_id TEXT NOT NULL,
     chunk INTEGER NOT NULL,
     -- the Core's pagination token to continue from (null: from the start, or the end was reached)
     cursor TEXT,
     pages INTEGER NOT NULL DEFAULT 0,
     users INTEGER NOT NULL DEFAULT 0,
     done INTEGER NOT NULL DEFAULT 0,
     result TEXT,
     PRIMARY KEY (job_id, tenant_id, chunk)
   ) WITHOUT ROWID;
   CREATE TABLE user_index_meta (
     profile_id TEXT PRIMARY KEY,
     built_at INTEGER,
     refreshed_at INTEGER,
     last_job_id TEXT,
     roster_version INTEGER
   );

   -- each roster user's state as the last classification found it
   CREATE TABLE migration_status (
     profile_id TEXT NOT NULL,
     legacy_id TEXT NOT NULL,
     state TEXT NOT NULL,
     user_id TEXT,
     reason TEXT,
     PRIMARY KEY (profile_id, legacy_id)
   ) WITHOUT ROWID;
   CREATE INDEX migration_status_by_state ON migration_status (profile_id, state, legacy_id);
   CREATE TABLE migration_snapshots (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     profile_id TEXT NOT NULL,
     at INTEGER NOT NULL,
     kind TEXT NOT NULL,
     demo INTEGER NOT NULL DEFAULT 0,
     -- the counts overall and per tenant, as JSON
     totals TEXT NOT NULL,
     tenants TEXT NOT NULL,
     job_id TEXT
   );
   CREATE INDEX migration_snapshots_by_profile ON migration_snapshots (profile_id, at);
   CREATE TABLE migration_criteria (
     profile_id TEXT PRIMARY KEY,
     criterion TEXT,
     set_by TEXT NOT NULL,
     set_at INTEGER NOT NULL
   );`,
  // The index's tables rebuilt for write speed at 100k users (its data is derived: the next scan
  // fills it again). Rows land in scan order in a rowid table, with one index on the user id; no
  // per-user secondary indexes on tenants and keys (a user's own rows are found from the row).
  `DROP TABLE user_index;
   DROP TABLE user_index_tenants;
   DROP TABLE user_index_keys;
   DELETE FROM user_index_meta;
   DELETE FROM migration_status;
   CREATE TABLE user_index (
     profile_id TEXT NOT NULL,
     user_id TEXT NOT NULL,
     time_joined INTEGER NOT NULL,
     emails TEXT NOT NULL,
     phones TEXT NOT NULL,
     login_methods TEXT NOT NULL,
     tenant_ids TEXT NOT NULL,
     email_verified INTEGER NOT NULL,
     sig TEXT NOT NULL,
     pl_phone TEXT,
     temp_password INTEGER NOT NULL DEFAULT 0,
     sf_link TEXT,
     invite_state TEXT,
     mig_legacy_id TEXT,
     mig_at INTEGER,
     mig_via TEXT,
     roster_rel TEXT NOT NULL DEFAULT 'outside-roster',
     seen_job TEXT NOT NULL,
     UNIQUE (profile_id, user_id)
   );
   CREATE INDEX user_index_by_link ON user_index (profile_id, sf_link) WHERE sf_link IS NOT NULL;
   CREATE INDEX user_index_by_temp ON user_index (profile_id, temp_password) WHERE temp_password = 1;
   CREATE INDEX user_index_by_invite ON user_index (profile_id, invite_state) WHERE invite_state IS NOT NULL;
   CREATE INDEX user_index_by_rel ON user_index (profile_id, roster_rel) WHERE roster_rel != 'outside-roster';
   CREATE TABLE user_index_tenants (
     profile_id TEXT NOT NULL,
     tenant_id TEXT NOT NULL,
     time_joined INTEGER NOT NULL,
     user_id TEXT NOT NULL,
     PRIMARY KEY (profile_id, tenant_id, time_joined, user_id)
   ) WITHOUT ROWID;
   CREATE TABLE user_index_keys (
     profile_id TEXT NOT NULL,
     key TEXT NOT NULL,
     user_id TEXT NOT NULL,
     PRIMARY KEY (profile_id, key, user_id)
   ) WITHOUT ROWID;`,
  // The Users list's filters answered from one narrow table: each user's row per tenant carries
  // what the filters ask (temporary password, relation to the roster, second-factor state, invite),
  // with a partial index per rare value, so a filtered page and its count read few rows. The
  // second-factor state is resolved after each scan ("linked" until then). The index is rebuilt.
  `DROP TABLE user_index_tenants;
   DELETE FROM user_index;
   DELETE FROM user_index_keys;
   DELETE FROM user_index_meta;
   DELETE FROM migration_status;
   ALTER TABLE user_index ADD COLUMN sf_state TEXT NOT NULL DEFAULT 'none';
   CREATE INDEX user_index_by_time ON user_index (profile_id, time_joined, user_id);
   CREATE TABLE user_index_tenants (
     profile_id TEXT NOT NULL,
     tenant_id TEXT NOT NULL,
     time_joined INTEGER NOT NULL,
     user_id TEXT NOT NULL,
     temp INTEGER NOT NULL DEFAULT 0,
     rel TEXT NOT NULL DEFAULT 'outside-roster',
     -- none | linked (not resolved yet) | enrolled | broken
     sf TEXT NOT NULL DEFAULT 'none',
     invite TEXT,
     PRIMARY KEY (profile_id, tenant_id, time_joined, user_id)
   ) WITHOUT ROWID;
   CREATE INDEX user_index_tenants_temp ON user_index_tenants (profile_id, tenant_id, time_joined, user_id) WHERE temp = 1;
   CREATE INDEX user_index_tenants_rel ON user_index_tenants (profile_id, tenant_id, rel, time_joined, user_id) WHERE rel != 'outside-roster';
   CREATE INDEX user_index_tenants_sf ON user_index_tenants (profile_id, tenant_id, sf, time_joined, user_id) WHERE sf != 'none';
   CREATE INDEX user_index_tenants_invite ON user_index_tenants (profile_id, tenant_id, invite, time_joined, user_id) WHERE invite IS NOT NULL;`,
  // How many users the last scan left in the index, so reading the index's freshness costs no count.
  `ALTER TABLE user_index_meta ADD COLUMN users INTEGER;`,
  // A full scan stages the users it reads (appended, no index: cheap to write page by page, kept
  // across a crash) and replaces the profile's index from them in one go at its end, sorted.
  `CREATE TABLE user_index_stage (
     job_id TEXT NOT NULL,
     user_id TEXT NOT NULL,
     time_joined INTEGER NOT NULL,
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
     mig_at INTEGER,
     mig_via TEXT
   );`,
  // Nothing needs the users in join order across tenants fast enough to pay for this index at 100k.
  `DROP INDEX user_index_by_time;`,
];
