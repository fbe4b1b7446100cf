/** The job journal (main/jobs/): one row per job, one per item, each item's attempts and outcome. */
export const JOBS_MIGRATIONS: string[] = [
  `CREATE TABLE jobs (
     id TEXT PRIMARY KEY,
     kind TEXT NOT NULL,
     profile_id TEXT NOT NULL,
     created_by TEXT NOT NULL,
     input_summary TEXT NOT NULL,
     state TEXT NOT NULL,
     error TEXT,
     created_at INTEGER NOT NULL,
     started_at INTEGER,
     finished_at INTEGER,
     updated_at INTEGER NOT NULL
   );
   CREATE INDEX jobs_by_state ON jobs (state);
   CREATE TABLE job_items (
     job_id TEXT NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
     idx INTEGER NOT NULL,
     input TEXT NOT NULL,
     valid INTEGER NOT NULL,
     plan TEXT,
     state TEXT NOT NULL,
     attempts INTEGER NOT NULL DEFAULT 0,
     result TEXT,
     error TEXT,
     updated_at INTEGER NOT NULL,
     PRIMARY KEY (job_id, idx)
   ) WITHOUT ROWID;
   CREATE INDEX job_items_by_state ON job_items (job_id, state, idx);`,
  // tries: every time an item was taken up, including attempts given back because the Core was
  // unreachable (attempts counts those that count toward the cap); a kind reads "never tried"
  // from it. Jobs are listed per profile, newest first.
  `ALTER TABLE job_items ADD COLUMN tries INTEGER NOT NULL DEFAULT 0;
   UPDATE job_items SET tries = attempts;
   CREATE INDEX jobs_by_profile ON jobs (profile_id, created_at);`,
];
