/** The legacy roster in Gatehouse's SQLite (store.ts says what it keeps); async so that a failure rejects, as on PostgreSQL. */
import type { StoreDb } from "../../store/database.ts";
import { preparedFor, type Prepared } from "../../store/statements.ts";
import type { RosterProblem } from "./csv.ts";
import { ENTRY_COLUMNS, R_ENTRY_COLUMNS, entryOf, entryValues, type NewSource, type ReadPage, type ReadPageRow, type RosterRow, type RosterStore, type SourceRow } from "./store.ts";
import type { RosterEntry } from "./types.ts";

export class SqliteRosterStore implements RosterStore {
  private readonly sql: Prepared;

  constructor(private readonly db: StoreDb) {
    this.sql = preparedFor(db);
  }

  async source(profileId: string): Promise<SourceRow | undefined> {
    return this.sourceNow(profileId);
  }

  private sourceNow(profileId: string): SourceRow | undefined {
    return this.sql("SELECT * FROM migration_sources WHERE profile_id = ?").get(profileId) as SourceRow | undefined;
  }

  async setService(profileId: string, s: { url: string; tokenSealed: string | null; tenantId: string; at: number; by: string }): Promise<void> {
    this.db.transaction(() => {
      const sealed = s.tokenSealed ?? this.sourceNow(profileId)?.token_sealed ?? null;
      this.sql(
        `INSERT INTO migration_sources (profile_id, kind, url, token_sealed, tenant_id, set_at, set_by, file_name)
         VALUES (?, 'service', ?, ?, ?, ?, ?, NULL)
         ON CONFLICT (profile_id) DO UPDATE SET kind = 'service', url = excluded.url, token_sealed = excluded.token_sealed,
           tenant_id = excluded.tenant_id, set_at = excluded.set_at, set_by = excluded.set_by, file_name = NULL, read_error = NULL`,
      ).run(profileId, s.url, sealed, s.tenantId, s.at, s.by);
    })();
  }

  async noteRead(profileId: string, jobId: string, error: string | null): Promise<void> {
    this.sql("UPDATE migration_sources SET read_job_id = ?, read_error = ? WHERE profile_id = ?").run(jobId, error, profileId);
  }

  async replace(profileId: string, entries: readonly RosterEntry[], source: NewSource): Promise<number> {
    return this.db.transaction(() => {
      const replaced = this.countNow(profileId);
      this.sql("DELETE FROM migration_roster WHERE profile_id = ?").run(profileId);
      const insert = this.sql(`INSERT INTO migration_roster (profile_id, ${ENTRY_COLUMNS}, email_lower) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
      for (const e of entries) insert.run(profileId, ...entryValues(e));
      this.sql(
        `INSERT INTO migration_sources (profile_id, kind, file_name, set_at, set_by, updated_at, skipped_disabled, roster_version)
         VALUES (?, ?, ?, ?, ?, ?, ?, 1)
         ON CONFLICT (profile_id) DO UPDATE SET kind = excluded.kind, file_name = excluded.file_name, url = NULL, token_sealed = NULL, tenant_id = NULL,
           set_at = excluded.set_at, set_by = excluded.set_by, updated_at = excluded.updated_at, skipped_disabled = excluded.skipped_disabled,
           read_job_id = NULL, read_error = NULL, roster_version = roster_version + 1`,
      ).run(profileId, source.kind, source.fileName ?? null, source.at, source.by, source.at, source.skippedDisabled ?? 0);
      return replaced;
    })();
  }

  async count(profileId: string): Promise<number> {
    return this.countNow(profileId);
  }

  private countNow(profileId: string): number {
    return (this.sql("SELECT COUNT(*) AS n FROM migration_roster WHERE profile_id = ?").get(profileId) as { n: number }).n;
  }

  async withHashes(profileId: string): Promise<number> {
    return (this.sql("SELECT COUNT(*) AS n FROM migration_roster WHERE profile_id = ? AND password_hash IS NOT NULL").get(profileId) as { n: number }).n;
  }

  async tenants(profileId: string): Promise<{ tenantId: string; count: number }[]> {
    return this.sql("SELECT tenant_id AS tenantId, COUNT(*) AS count FROM migration_roster WHERE profile_id = ? GROUP BY tenant_id ORDER BY tenant_id").all(profileId) as {
      tenantId: string;
      count: number;
    }[];
  }

  async version(profileId: string): Promise<number> {
    return this.sourceNow(profileId)?.roster_version ?? 0;
  }

  // The read of a legacy service

  async readPage(jobId: string, page: number): Promise<ReadPageRow | undefined> {
    return this.sql("SELECT cursor_out, users, skipped, total, problem_count FROM migration_read_pages WHERE job_id = ? AND page = ?").get(jobId, page) as ReadPageRow | undefined;
  }

  async staged(jobId: string, legacyIds: readonly string[]): Promise<Set<string>> {
    const rows = this.sql("SELECT legacy_id FROM migration_roster_staging WHERE job_id = ? AND legacy_id IN (SELECT value FROM json_each(?))").all(jobId, JSON.stringify(legacyIds)) as {
      legacy_id: string;
    }[];
    return new Set(rows.map((r) => r.legacy_id));
  }

  async stageReadPage(jobId: string, page: number, read: ReadPage): Promise<void> {
    const stage = this.sql("INSERT INTO migration_roster_staging (job_id, legacy_id, email, email_verified, created_at, data) VALUES (?, ?, ?, ?, ?, ?)");
    const record = this.sql("INSERT OR REPLACE INTO migration_read_pages (job_id, page, cursor_out, users, skipped, total, problem_count, problems) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
    this.db.transaction(() => {
      for (const e of read.entries) stage.run(jobId, e.legacyId, e.email, e.emailVerified ? 1 : 0, e.createdAt, e.data ? JSON.stringify(e.data) : null);
      record.run(jobId, page, read.cursorOut, read.entries.length, read.skipped, read.total, read.problemCount, read.problems.length ? JSON.stringify(read.problems) : null);
    })();
  }

  async readProblems(jobId: string): Promise<RosterProblem[]> {
    return (this.sql("SELECT problems FROM migration_read_pages WHERE job_id = ? AND page >= 0 AND problems IS NOT NULL ORDER BY page").all(jobId) as { problems: string }[]).flatMap(
      (r) => JSON.parse(r.problems) as RosterProblem[],
    );
  }

  async readTotals(jobId: string): Promise<{ users: number; skipped: number }> {
    return this.sql("SELECT COALESCE(SUM(users), 0) AS users, COALESCE(SUM(skipped), 0) AS skipped FROM migration_read_pages WHERE job_id = ? AND page >= 0").get(jobId) as {
      users: number;
      skipped: number;
    };
  }

  async replaceFromRead(profileId: string, jobId: string, r: { tenantId: string; at: number; skippedDisabled: number; users: number }): Promise<boolean> {
    return this.db.transaction(() => {
      if (this.sql("SELECT 1 FROM migration_read_pages WHERE job_id = ? AND page = -1").get(jobId)) return false;
      this.sql("DELETE FROM migration_roster WHERE profile_id = ?").run(profileId);
      this.sql(
        `INSERT INTO migration_roster (profile_id, ${ENTRY_COLUMNS}, email_lower)
         SELECT ?, legacy_id, email, email_verified, created_at, NULL, NULL, data, ?, lower(email) FROM migration_roster_staging WHERE job_id = ?`,
      ).run(profileId, r.tenantId, jobId);
      this.sql("DELETE FROM migration_roster_staging WHERE job_id = ?").run(jobId);
      this.sql(
        "UPDATE migration_sources SET updated_at = ?, skipped_disabled = ?, read_error = NULL, read_job_id = ?, roster_version = roster_version + 1 WHERE profile_id = ?",
      ).run(r.at, r.skippedDisabled, jobId, profileId);
      this.sql("INSERT INTO migration_read_pages (job_id, page, cursor_out, users, skipped) VALUES (?, -1, NULL, ?, ?)").run(jobId, r.users, r.skippedDisabled);
      return true;
    })();
  }

  // RosterReader (the end-of-migration job)

  async notYetMigrated(profileId: string, page: { afterLegacyId?: string; limit: number }): Promise<RosterEntry[]> {
    const rows = this.sql(
      `SELECT ${R_ENTRY_COLUMNS} FROM migration_status s
       JOIN migration_roster r ON r.profile_id = s.profile_id AND r.legacy_id = s.legacy_id
       WHERE s.profile_id = ? AND s.state = 'not-migrated' AND s.legacy_id > ? ORDER BY s.legacy_id LIMIT ?`,
    ).all(profileId, page.afterLegacyId ?? "", page.limit) as RosterRow[];
    return rows.map(entryOf);
  }

  async conflicts(profileId: string, page: { afterLegacyId?: string; limit: number }): Promise<{ entry: RosterEntry; reason: string }[]> {
    const rows = this.sql(
      `SELECT ${R_ENTRY_COLUMNS}, s.reason FROM migration_status s
       JOIN migration_roster r ON r.profile_id = s.profile_id AND r.legacy_id = s.legacy_id
       WHERE s.profile_id = ? AND s.state = 'conflict' AND s.legacy_id > ? ORDER BY s.legacy_id LIMIT ?`,
    ).all(profileId, page.afterLegacyId ?? "", page.limit) as (RosterRow & { reason: string | null })[];
    return rows.map((r) => ({ entry: entryOf(r), reason: r.reason ?? "conflict" }));
  }

  async unclassified(profileId: string): Promise<number> {
    return (
      this.sql(
        "SELECT COUNT(*) AS n FROM migration_roster r WHERE r.profile_id = ? AND NOT EXISTS (SELECT 1 FROM migration_status s WHERE s.profile_id = r.profile_id AND s.legacy_id = r.legacy_id)",
      ).get(profileId) as { n: number }
    ).n;
  }

  async get(profileId: string, legacyId: string): Promise<RosterEntry | null> {
    const row = this.sql(`SELECT ${ENTRY_COLUMNS} FROM migration_roster WHERE profile_id = ? AND legacy_id = ?`).get(profileId, legacyId) as RosterRow | undefined;
    return row ? entryOf(row) : null;
  }
}
