/**
 * Gatehouse's tables in PostgreSQL (team servers with two or more instances), per area as in
 * SQLite (main/store/migrations/): numbered steps, append-only. The job engine, the team
 * server's sign-in state, the audit log, the invites area, the migration area (progress, job
 * marks, reset-mail template, roster, user index, classification), and the second-factor reset
 * journal live here. Times are epoch milliseconds (BIGINT), as in SQLite; JSON is kept as text,
 * as written.
 */
import { AUDIT_POSTGRES_MIGRATIONS } from "../../services/audit/postgres-audit-migrations.ts";
import { INVITES_POSTGRES_MIGRATIONS } from "../../services/invites/store/postgres-invite-migrations.ts";
import { MIGRATION_END_POSTGRES } from "../../migration/end/postgres-marks.ts";
import { MIGRATION_DATA_POSTGRES } from "../../migration/postgres-schema.ts";
import { MIGRATION_PROGRESS_POSTGRES } from "../../migration/progress/postgres-store.ts";
import { RESET_TEMPLATES_POSTGRES } from "../../migration/reset-links/postgres-template-store.ts";
import { SECOND_FACTOR_POSTGRES_MIGRATIONS } from "../../services/second-factor/postgres-journal.ts";
import { TEAM_POSTGRES_MIGRATIONS } from "../../team/store/postgres-team-migrations.ts";

export const POSTGRES_MIGRATIONS: Readonly<Record<string, readonly string[]>> = {
  jobs: [
    `CREATE TABLE jobs (
       id TEXT PRIMARY KEY,
       kind TEXT NOT NULL,
       profile_id TEXT NOT NULL,
       created_by TEXT NOT NULL,
       input_summary TEXT NOT NULL,
       state TEXT NOT NULL,
       error TEXT,
       created_at BIGINT NOT NULL,
       started_at BIGINT,
       finished_at BIGINT,
       updated_at BIGINT NOT NULL,
       seq BIGSERIAL NOT NULL
     );
     CREATE INDEX jobs_by_state ON jobs (state);
     CREATE INDEX jobs_by_profile ON jobs (profile_id, created_at, seq);
     CREATE TABLE job_items (
       job_id TEXT NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
       idx INTEGER NOT NULL,
       input TEXT NOT NULL,
       valid BOOLEAN NOT NULL,
       plan TEXT,
       state TEXT NOT NULL,
       attempts INTEGER NOT NULL DEFAULT 0,
       tries INTEGER NOT NULL DEFAULT 0,
       result TEXT,
       error TEXT,
       updated_at BIGINT NOT NULL,
       -- The instance running the item, and until when (its database clock, epoch ms) unless renewed.
       owner TEXT,
       lease_until BIGINT,
       PRIMARY KEY (job_id, idx)
     );
     -- A claim takes the first pending item: without this index it would walk past every finished one.
     CREATE INDEX job_items_pending ON job_items (job_id, idx) WHERE state = 'pending';
     CREATE INDEX job_items_running ON job_items (lease_until) WHERE state = 'running';
     CREATE INDEX job_items_by_state ON job_items (job_id, state);`,
    // The instance an instance-bound job's items must run on (its planner), or null: any instance.
    `ALTER TABLE jobs ADD COLUMN pinned_to TEXT`,
  ],
  team: TEAM_POSTGRES_MIGRATIONS,
  audit: AUDIT_POSTGRES_MIGRATIONS,
  invites: INVITES_POSTGRES_MIGRATIONS,
  // The migration area's progress (snapshots, end criterion), its end-of-migration jobs' marks, the
  // reset mail's template, then its roster, user index and classification.
  migration: [MIGRATION_PROGRESS_POSTGRES, MIGRATION_END_POSTGRES, RESET_TEMPLATES_POSTGRES, MIGRATION_DATA_POSTGRES],
  // Second-factor resets under way (services/second-factor/journal.ts).
  secondFactor: SECOND_FACTOR_POSTGRES_MIGRATIONS,
};
