/** Migration progress in Gatehouse's SQLite (store.ts says what it keeps). */
import type { MigrationCriterion, MigrationSnapshot } from "../../../shared/contract/operations/migration.ts";
import type { StoreDb } from "../../store/database.ts";
import { preparedFor, type Prepared } from "../../store/statements.ts";
import { snapshotValues, toSnapshot, type CriterionRow, type NewSnapshot, type ProgressStore, type SnapshotRow } from "./store.ts";

const COLUMNS = "id, at, kind, totals, tenants";

export class SqliteProgressStore implements ProgressStore {
  private readonly sql: Prepared;

  constructor(private readonly db: StoreDb) {
    this.sql = preparedFor(db);
  }

  async addSnapshots(profileId: string, snapshots: NewSnapshot[], demoFirst: NewSnapshot[] = []): Promise<void> {
    const insert = this.sql("INSERT INTO migration_snapshots (profile_id, at, kind, demo, totals, tenants, job_id) VALUES (?, ?, ?, ?, ?, ?, ?)");
    this.db.transaction(() => {
      const demo = demoFirst.length > 0 && this.sql("SELECT 1 FROM migration_snapshots WHERE profile_id = ? AND kind = 'demo' LIMIT 1").get(profileId) === undefined ? demoFirst : [];
      for (const s of [...demo, ...snapshots]) {
        const v = snapshotValues(s);
        insert.run(profileId, v.at, v.kind, v.demo ? 1 : 0, v.totals, v.tenants, v.jobId);
      }
    })();
  }

  async hasSnapshots(profileId: string, kind?: MigrationSnapshot["kind"]): Promise<boolean> {
    const row = kind
      ? this.sql("SELECT 1 FROM migration_snapshots WHERE profile_id = ? AND kind = ? LIMIT 1").get(profileId, kind)
      : this.sql("SELECT 1 FROM migration_snapshots WHERE profile_id = ? LIMIT 1").get(profileId);
    return row !== undefined;
  }

  async history(profileId: string, from: number, to: number, limit: number): Promise<{ snapshots: MigrationSnapshot[]; total: number }> {
    const total = (this.sql("SELECT COUNT(*) AS n FROM migration_snapshots WHERE profile_id = ? AND at BETWEEN ? AND ?").get(profileId, from, to) as { n: number }).n;
    const rows = this.sql(
      `SELECT * FROM (SELECT ${COLUMNS} FROM migration_snapshots WHERE profile_id = ? AND at BETWEEN ? AND ? ORDER BY at DESC, id DESC LIMIT ?) ORDER BY at, id`,
    ).all(profileId, from, to, limit) as SnapshotRow[];
    return { snapshots: rows.map(toSnapshot), total };
  }

  async latest(profileId: string): Promise<MigrationSnapshot | null> {
    const row = this.sql(`SELECT ${COLUMNS} FROM migration_snapshots WHERE profile_id = ? ORDER BY at DESC, id DESC LIMIT 1`).get(profileId) as SnapshotRow | undefined;
    return row ? toSnapshot(row) : null;
  }

  async oldestBetween(profileId: string, from: number, before: number): Promise<MigrationSnapshot | null> {
    const row = this.sql(`SELECT ${COLUMNS} FROM migration_snapshots WHERE profile_id = ? AND at >= ? AND at < ? ORDER BY at, id LIMIT 1`).get(profileId, from, before) as
      | SnapshotRow
      | undefined;
    return row ? toSnapshot(row) : null;
  }

  async firstAtShare(profileId: string, share: number): Promise<number | null> {
    const row = this.sql("SELECT at FROM migration_snapshots WHERE profile_id = ? AND json_extract(totals, '$.share') >= ? ORDER BY at, id LIMIT 1").get(profileId, share) as
      | { at: number }
      | undefined;
    return row?.at ?? null;
  }

  async criterion(profileId: string): Promise<CriterionRow> {
    const row = this.sql("SELECT criterion, set_by, set_at FROM migration_criteria WHERE profile_id = ?").get(profileId) as { criterion: string | null; set_by: string; set_at: number } | undefined;
    return { criterion: row?.criterion ? (JSON.parse(row.criterion) as MigrationCriterion) : null, setBy: row?.set_by ?? null, setAt: row?.set_at ?? null };
  }

  async setCriterion(profileId: string, criterion: MigrationCriterion | null, by: string, at: number): Promise<void> {
    this.sql(
      `INSERT INTO migration_criteria (profile_id, criterion, set_by, set_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (profile_id) DO UPDATE SET criterion = excluded.criterion, set_by = excluded.set_by, set_at = excluded.set_at`,
    ).run(profileId, criterion ? JSON.stringify(criterion) : null, by, at);
  }
}
