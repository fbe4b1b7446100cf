/**
 * The legacy roster in PostgreSQL, shared by two or more team-server instances (store.ts says what
 * it keeps). Rows go in thousands per statement (unnest); a replacement holds the profile's
 * migration-data lock, so it never interleaves with a classification or another replacement.
 */
import type pg from "pg";
import { inTransaction } from "../../store/postgres/transaction.ts";
import { analyzeIfStale, columns, lockFor, slices } from "../../store/postgres/statements.ts";
import { profileLock } from "../postgres-lock.ts";
import type { RosterProblem } from "./csv.ts";
import { ENTRY_COLUMNS, R_ENTRY_COLUMNS, entryOf, entryValues, type NewSource, type ReadPage, type ReadPageRow, type RosterRow, type RosterStore, type SourceRow } from "./store.ts";
import type { RosterEntry } from "./types.ts";

/** Rows per INSERT ... SELECT FROM unnest (a statement's arrays stay a few MB). */
const BATCH = 5000;

export class PostgresRosterStore implements RosterStore {
  constructor(private readonly pool: pg.Pool) {}

  async source(profileId: string): Promise<SourceRow | undefined> {
    return (await this.pool.query<SourceRow>("SELECT * FROM migration_sources WHERE profile_id = $1", [profileId])).rows[0];
  }

  async setService(profileId: string, s: { url: string; tokenSealed: string | null; tenantId: string; at: number; by: string }): Promise<void> {
    await this.pool.query(
      `INSERT INTO migration_sources (profile_id, kind, url, token_sealed, tenant_id, set_at, set_by, file_name)
       VALUES ($1, 'service', $2, $3, $4, $5, $6, NULL)
       ON CONFLICT (profile_id) DO UPDATE SET kind = 'service', url = excluded.url, token_sealed = COALESCE(excluded.token_sealed, migration_sources.token_sealed),
         tenant_id = excluded.tenant_id, set_at = excluded.set_at, set_by = excluded.set_by, file_name = NULL, read_error = NULL`,
      [profileId, s.url, s.tokenSealed, s.tenantId, s.at, s.by],
    );
  }

  async noteRead(profileId: string, jobId: string, error: string | null): Promise<void> {
    await this.pool.query("UPDATE migration_sources SET read_job_id = $1, read_error = $2 WHERE profile_id = $3", [jobId, error, profileId]);
  }

  async replace(profileId: string, entries: readonly RosterEntry[], source: NewSource): Promise<number> {
    const replaced = await inTransaction(this.pool, async (c) => {
      await lockFor(c, profileLock(profileId));
      const replaced = await count(c, profileId);
      await c.query("DELETE FROM migration_roster WHERE profile_id = $1", [profileId]);
      for (const slice of slices(entries, BATCH)) {
        await c.query(
          `INSERT INTO migration_roster (profile_id, ${ENTRY_COLUMNS}, email_lower)
           SELECT $1, * FROM unnest($2::text[], $3::text[], $4::int[], $5::bigint[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[])`,
          [profileId, ...columns(slice.map(entryValues), 9)],
        );
      }
      await c.query(
        `INSERT INTO migration_sources (profile_id, kind, file_name, set_at, set_by, updated_at, skipped_disabled, roster_version)
         VALUES ($1, $2, $3, $4, $5, $4, $6, 1)
         ON CONFLICT (profile_id) DO UPDATE SET kind = excluded.kind, file_name = excluded.file_name, url = NULL, token_sealed = NULL, tenant_id = NULL,
           set_at = excluded.set_at, set_by = excluded.set_by, updated_at = excluded.updated_at, skipped_disabled = excluded.skipped_disabled,
           read_job_id = NULL, read_error = NULL, roster_version = migration_sources.roster_version + 1`,
        [profileId, source.kind, source.fileName ?? null, source.at, source.by, source.skippedDisabled ?? 0],
      );
      return replaced;
    });
    await analyzed(this.pool, profileId);
    return replaced;
  }

  async count(profileId: string): Promise<number> {
    return count(this.pool, profileId);
  }

  async withHashes(profileId: string): Promise<number> {
    const { rows } = await this.pool.query<{ n: number }>("SELECT COUNT(*)::int AS n FROM migration_roster WHERE profile_id = $1 AND password_hash IS NOT NULL", [profileId]);
    return rows[0]?.n ?? 0;
  }

  async tenants(profileId: string): Promise<{ tenantId: string; count: number }[]> {
    const { rows } = await this.pool.query<{ tenantId: string; count: number }>(
      `SELECT tenant_id AS "tenantId", COUNT(*)::int AS count FROM migration_roster WHERE profile_id = $1 GROUP BY tenant_id ORDER BY tenant_id`,
      [profileId],
    );
    return rows;
  }

  async version(profileId: string): Promise<number> {
    return (await this.source(profileId))?.roster_version ?? 0;
  }

  // The read of a legacy service

  async readPage(jobId: string, page: number): Promise<ReadPageRow | undefined> {
    const { rows } = await this.pool.query<ReadPageRow>("SELECT cursor_out, users, skipped, total, problem_count FROM migration_read_pages WHERE job_id = $1 AND page = $2", [jobId, page]);
    return rows[0];
  }

  async staged(jobId: string, legacyIds: readonly string[]): Promise<Set<string>> {
    if (legacyIds.length === 0) return new Set();
    const { rows } = await this.pool.query<{ legacy_id: string }>("SELECT legacy_id FROM migration_roster_staging WHERE job_id = $1 AND legacy_id = ANY($2::text[])", [jobId, legacyIds]);
    return new Set(rows.map((r) => r.legacy_id));
  }

  async stageReadPage(jobId: string, page: number, read: ReadPage): Promise<void> {
    await inTransaction(this.pool, async (c) => {
      const staged = read.entries.map((e) => [e.legacyId, e.email, e.emailVerified ? 1 : 0, e.createdAt, e.data ? JSON.stringify(e.data) : null]);
      if (staged.length > 0) {
        await c.query(
          `INSERT INTO migration_roster_staging (job_id, legacy_id, email, email_verified, created_at, data)
           SELECT $1, * FROM unnest($2::text[], $3::text[], $4::int[], $5::bigint[], $6::text[])`,
          [jobId, ...columns(staged, 5)],
        );
      }
      await c.query(
        `INSERT INTO migration_read_pages (job_id, page, cursor_out, users, skipped, total, problem_count, problems) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT (job_id, page) DO UPDATE SET cursor_out = excluded.cursor_out, users = excluded.users, skipped = excluded.skipped, total = excluded.total,
           problem_count = excluded.problem_count, problems = excluded.problems`,
        [jobId, page, read.cursorOut, read.entries.length, read.skipped, read.total, read.problemCount, read.problems.length ? JSON.stringify(read.problems) : null],
      );
    });
  }

  async readProblems(jobId: string): Promise<RosterProblem[]> {
    const { rows } = await this.pool.query<{ problems: string }>("SELECT problems FROM migration_read_pages WHERE job_id = $1 AND page >= 0 AND problems IS NOT NULL ORDER BY page", [jobId]);
    return rows.flatMap((r) => JSON.parse(r.problems) as RosterProblem[]);
  }

  async readTotals(jobId: string): Promise<{ users: number; skipped: number }> {
    const { rows } = await this.pool.query<{ users: number; skipped: number }>(
      "SELECT COALESCE(SUM(users), 0)::int AS users, COALESCE(SUM(skipped), 0)::int AS skipped FROM migration_read_pages WHERE job_id = $1 AND page >= 0",
      [jobId],
    );
    return rows[0] ?? { users: 0, skipped: 0 };
  }

  async replaceFromRead(profileId: string, jobId: string, r: { tenantId: string; at: number; skippedDisabled: number; users: number }): Promise<boolean> {
    const done = await inTransaction(this.pool, async (c) => {
      await lockFor(c, profileLock(profileId));
      if ((await c.query("SELECT 1 FROM migration_read_pages WHERE job_id = $1 AND page = -1", [jobId])).rowCount !== 0) return false;
      await c.query("DELETE FROM migration_roster WHERE profile_id = $1", [profileId]);
      await c.query(
        `INSERT INTO migration_roster (profile_id, ${ENTRY_COLUMNS}, email_lower)
         SELECT $1, legacy_id, email, email_verified, created_at, NULL, NULL, data, $2, lower(email) FROM migration_roster_staging WHERE job_id = $3`,
        [profileId, r.tenantId, jobId],
      );
      await c.query("DELETE FROM migration_roster_staging WHERE job_id = $1", [jobId]);
      await c.query(
        "UPDATE migration_sources SET updated_at = $1, skipped_disabled = $2, read_error = NULL, read_job_id = $3, roster_version = roster_version + 1 WHERE profile_id = $4",
        [r.at, r.skippedDisabled, jobId, profileId],
      );
      await c.query("INSERT INTO migration_read_pages (job_id, page, cursor_out, users, skipped) VALUES ($1, -1, NULL, $2, $3)", [jobId, r.users, r.skippedDisabled]);
      return true;
    });
    if (done) await analyzed(this.pool, profileId);
    return done;
  }

  // RosterReader (the end-of-migration job)

  async notYetMigrated(profileId: string, page: { afterLegacyId?: string; limit: number }): Promise<RosterEntry[]> {
    const { rows } = await this.pool.query<RosterRow>(
      `SELECT ${R_ENTRY_COLUMNS} FROM migration_status s
       JOIN migration_roster r ON r.profile_id = s.profile_id AND r.legacy_id = s.legacy_id
       WHERE s.profile_id = $1 AND s.state = 'not-migrated' AND s.legacy_id > $2 ORDER BY s.legacy_id LIMIT $3`,
      [profileId, page.afterLegacyId ?? "", page.limit],
    );
    return rows.map(entryOf);
  }

  async conflicts(profileId: string, page: { afterLegacyId?: string; limit: number }): Promise<{ entry: RosterEntry; reason: string }[]> {
    const { rows } = await this.pool.query<RosterRow & { reason: string | null }>(
      `SELECT ${R_ENTRY_COLUMNS}, s.reason FROM migration_status s
       JOIN migration_roster r ON r.profile_id = s.profile_id AND r.legacy_id = s.legacy_id
       WHERE s.profile_id = $1 AND s.state = 'conflict' AND s.legacy_id > $2 ORDER BY s.legacy_id LIMIT $3`,
      [profileId, page.afterLegacyId ?? "", page.limit],
    );
    return rows.map((r) => ({ entry: entryOf(r), reason: r.reason ?? "conflict" }));
  }

  async unclassified(profileId: string): Promise<number> {
    const { rows } = await this.pool.query<{ n: number }>(
      "SELECT COUNT(*)::int AS n FROM migration_roster r WHERE r.profile_id = $1 AND NOT EXISTS (SELECT 1 FROM migration_status s WHERE s.profile_id = r.profile_id AND s.legacy_id = r.legacy_id)",
      [profileId],
    );
    return rows[0]?.n ?? 0;
  }

  async get(profileId: string, legacyId: string): Promise<RosterEntry | null> {
    const { rows } = await this.pool.query<RosterRow>(`SELECT ${ENTRY_COLUMNS} FROM migration_roster WHERE profile_id = $1 AND legacy_id = $2`, [profileId, legacyId]);
    return rows[0] ? entryOf(rows[0]) : null;
  }
}

/** Statistics for a roster just replaced, when the planner does not know its size (the classification's plans depend on it). */
async function analyzed(pool: pg.Pool, profileId: string): Promise<void> {
  await analyzeIfStale(pool, "migration_roster", await count(pool, profileId));
}

async function count(q: pg.Pool | pg.PoolClient, profileId: string): Promise<number> {
  const { rows } = await q.query<{ n: number }>("SELECT COUNT(*)::int AS n FROM migration_roster WHERE profile_id = $1", [profileId]);
  return rows[0]?.n ?? 0;
}
