/**
 * Migration progress in PostgreSQL, shared by two or more team-server instances (store.ts says
 * what it keeps). A snapshot's share has a column of its own, for "when was the target first met".
 */
import type pg from "pg";
import type { MigrationCriterion, MigrationSnapshot } from "../../../shared/contract/operations/migration.ts";
import { inTransaction } from "../../store/postgres/transaction.ts";
import { snapshotValues, toSnapshot, type CriterionRow, type NewSnapshot, type ProgressStore, type SnapshotRow } from "./store.ts";

const COLUMNS = "id, at, kind, totals, tenants";

export const MIGRATION_PROGRESS_POSTGRES = `CREATE TABLE migration_snapshots (
     id BIGSERIAL PRIMARY KEY,
     profile_id TEXT NOT NULL,
     at BIGINT NOT NULL,
     kind TEXT NOT NULL,
     demo BOOLEAN NOT NULL DEFAULT FALSE,
     share DOUBLE PRECISION NOT NULL,
     -- the counts overall and per tenant, as JSON text
     totals TEXT NOT NULL,
     tenants TEXT NOT NULL,
     job_id TEXT
   );
   CREATE INDEX migration_snapshots_by_profile ON migration_snapshots (profile_id, at, id);
   CREATE TABLE migration_criteria (
     profile_id TEXT PRIMARY KEY,
     criterion TEXT,
     set_by TEXT NOT NULL,
     set_at BIGINT NOT NULL
   );`;

export class PostgresProgressStore implements ProgressStore {
  constructor(private readonly pool: pg.Pool) {}

  async addSnapshots(profileId: string, snapshots: NewSnapshot[], demoFirst: NewSnapshot[] = []): Promise<void> {
    await inTransaction(this.pool, async (client) => {
      // Two instances finishing a scan at once must not both write the demo's past.
      await client.query("SELECT pg_advisory_xact_lock(hashtext('migration_snapshots:' || $1))", [profileId]);
      const hasDemo = demoFirst.length > 0 && (await client.query("SELECT 1 FROM migration_snapshots WHERE profile_id = $1 AND kind = 'demo' LIMIT 1", [profileId])).rowCount !== 0;
      for (const s of [...(demoFirst.length > 0 && !hasDemo ? demoFirst : []), ...snapshots]) {
        const v = snapshotValues(s);
        await client.query("INSERT INTO migration_snapshots (profile_id, at, kind, demo, share, totals, tenants, job_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)", [
          profileId,
          v.at,
          v.kind,
          v.demo,
          s.overall.share,
          v.totals,
          v.tenants,
          v.jobId,
        ]);
      }
    });
  }

  async hasSnapshots(profileId: string, kind?: MigrationSnapshot["kind"]): Promise<boolean> {
    const found = kind
      ? await this.pool.query("SELECT 1 FROM migration_snapshots WHERE profile_id = $1 AND kind = $2 LIMIT 1", [profileId, kind])
      : await this.pool.query("SELECT 1 FROM migration_snapshots WHERE profile_id = $1 LIMIT 1", [profileId]);
    return found.rowCount !== 0;
  }

  async history(profileId: string, from: number, to: number, limit: number): Promise<{ snapshots: MigrationSnapshot[]; total: number }> {
    const [count, rows] = await Promise.all([
      this.pool.query<{ n: number }>("SELECT COUNT(*)::int AS n FROM migration_snapshots WHERE profile_id = $1 AND at BETWEEN $2 AND $3", [profileId, from, to]),
      this.pool.query<SnapshotRow>(
        `SELECT * FROM (SELECT ${COLUMNS} FROM migration_snapshots WHERE profile_id = $1 AND at BETWEEN $2 AND $3 ORDER BY at DESC, id DESC LIMIT $4) newest ORDER BY at, id`,
        [profileId, from, to, limit],
      ),
    ]);
    return { snapshots: rows.rows.map(toSnapshot), total: count.rows[0]?.n ?? 0 };
  }

  async latest(profileId: string): Promise<MigrationSnapshot | null> {
    const { rows } = await this.pool.query<SnapshotRow>(`SELECT ${COLUMNS} FROM migration_snapshots WHERE profile_id = $1 ORDER BY at DESC, id DESC LIMIT 1`, [profileId]);
    return rows[0] ? toSnapshot(rows[0]) : null;
  }

  async oldestBetween(profileId: string, from: number, before: number): Promise<MigrationSnapshot | null> {
    const { rows } = await this.pool.query<SnapshotRow>(`SELECT ${COLUMNS} FROM migration_snapshots WHERE profile_id = $1 AND at >= $2 AND at < $3 ORDER BY at, id LIMIT 1`, [
      profileId,
      from,
      before,
    ]);
    return rows[0] ? toSnapshot(rows[0]) : null;
  }

  async firstAtShare(profileId: string, share: number): Promise<number | null> {
    const { rows } = await this.pool.query<{ at: number }>("SELECT at FROM migration_snapshots WHERE profile_id = $1 AND share >= $2 ORDER BY at, id LIMIT 1", [profileId, share]);
    return rows[0]?.at ?? null;
  }

  async criterion(profileId: string): Promise<CriterionRow> {
    const { rows } = await this.pool.query<{ criterion: string | null; set_by: string; set_at: number }>("SELECT criterion, set_by, set_at FROM migration_criteria WHERE profile_id = $1", [profileId]);
    const row = rows[0];
    return { criterion: row?.criterion ? (JSON.parse(row.criterion) as MigrationCriterion) : null, setBy: row?.set_by ?? null, setAt: row?.set_at ?? null };
  }

  async setCriterion(profileId: string, criterion: MigrationCriterion | null, by: string, at: number): Promise<void> {
    await this.pool.query(
      `INSERT INTO migration_criteria (profile_id, criterion, set_by, set_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (profile_id) DO UPDATE SET criterion = excluded.criterion, set_by = excluded.set_by, set_at = excluded.set_at`,
      [profileId, criterion ? JSON.stringify(criterion) : null, by, at],
    );
  }
}
