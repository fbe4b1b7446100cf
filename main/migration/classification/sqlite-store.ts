/** The classification in Gatehouse's SQLite (store.ts says what it keeps); async so that a failure rejects, as on PostgreSQL. */
import type { MigrationRow, TenantTotals } from "../../../shared/contract/operations/migration.ts";
import type { StoreDb } from "../../store/database.ts";
import { preparedFor, type Prepared } from "../../store/statements.ts";
import { conflictsFrom, relationsFrom, sharedEmailReason, totalsFrom, type Candidate, type Totals } from "../classify.ts";
import { listStatements, type ListQuery } from "../lists.ts";
import type { ClassificationStore } from "./store.ts";

export class SqliteClassificationStore implements ClassificationStore {
  private readonly sql: Prepared;

  constructor(private readonly db: StoreDb) {
    this.sql = preparedFor(db);
  }

  async classify(profileId: string): Promise<void> {
    const sql = this.sql;
    this.db.transaction(() => {
      sql("DELETE FROM migration_status WHERE profile_id = ?").run(profileId);
      sql(
        `INSERT INTO migration_status (profile_id, legacy_id, state, user_id, reason)
         SELECT r.profile_id, r.legacy_id, CASE WHEN u.temp_password = 1 THEN 'temporary-password' ELSE 'migrated' END, u.user_id, NULL
         FROM migration_roster r JOIN user_index u ON u.profile_id = r.profile_id AND u.user_id = r.legacy_id WHERE r.profile_id = ?`,
      ).run(profileId);

      // Accounts with a roster user's email in their tenant, for roster users without their own account.
      const candidates = sql(
        `SELECT r.legacy_id, u.user_id, u.login_methods, u.mig_legacy_id,
                EXISTS (SELECT 1 FROM migration_roster o WHERE o.profile_id = r.profile_id AND o.legacy_id = u.user_id) AS in_roster
         FROM migration_roster r
         CROSS JOIN user_index_keys k ON k.profile_id = r.profile_id AND k.key = r.email_lower
         CROSS JOIN user_index u ON u.profile_id = r.profile_id AND u.user_id = k.user_id
         WHERE r.profile_id = ? AND EXISTS (SELECT 1 FROM json_each(u.tenant_ids) WHERE value = r.tenant_id) AND NOT EXISTS (SELECT 1 FROM migration_status s WHERE s.profile_id = r.profile_id AND s.legacy_id = r.legacy_id)
         ORDER BY r.legacy_id, u.time_joined`,
      ).all(profileId) as Candidate[];
      const conflicts = conflictsFrom(candidates);
      const conflict = sql("INSERT INTO migration_status (profile_id, legacy_id, state, user_id, reason) VALUES (?, ?, 'conflict', ?, ?)");
      for (const [legacyId, userId, reason] of conflicts.rows) conflict.run(profileId, legacyId, userId, reason);

      // Roster users of one tenant sharing an email: at most one of them could get an account.
      const shared = sql(
        `SELECT r.legacy_id, (SELECT group_concat(o.legacy_id, ', ') FROM migration_roster o
                              WHERE o.profile_id = r.profile_id AND o.email_lower = r.email_lower AND o.tenant_id = r.tenant_id AND o.legacy_id != r.legacy_id) AS others
         FROM migration_roster r
         WHERE r.profile_id = ? AND NOT EXISTS (SELECT 1 FROM migration_status s WHERE s.profile_id = r.profile_id AND s.legacy_id = r.legacy_id)
           AND (r.tenant_id, r.email_lower) IN (SELECT tenant_id, email_lower FROM migration_roster WHERE profile_id = ? GROUP BY tenant_id, email_lower HAVING COUNT(*) > 1)`,
      ).all(profileId, profileId) as { legacy_id: string; others: string }[];
      for (const s of shared) conflict.run(profileId, s.legacy_id, null, sharedEmailReason(s.others));

      sql(
        `INSERT INTO migration_status (profile_id, legacy_id, state, user_id, reason)
         SELECT r.profile_id, r.legacy_id, 'not-migrated', NULL, NULL FROM migration_roster r
         WHERE r.profile_id = ? AND NOT EXISTS (SELECT 1 FROM migration_status s WHERE s.profile_id = r.profile_id AND s.legacy_id = r.legacy_id)`,
      ).run(profileId);

      const mapped = sql("SELECT user_id, state FROM migration_status WHERE profile_id = ? AND state IN ('migrated', 'temporary-password')").all(profileId) as { user_id: string; state: string }[];
      const before = sql("SELECT user_id FROM user_index WHERE profile_id = ? AND roster_rel != 'outside-roster'").all(profileId) as { user_id: string }[];
      this.setRel(profileId, relationsFrom(mapped, conflicts.users, before.map((r) => r.user_id)));
    })();
  }

  /** Sets how users relate to the roster, on their rows and tenant rows, where it changed. */
  private setRel(profileId: string, rel: Map<string, string>): void {
    const olds = this.sql("SELECT user_id, roster_rel, time_joined, tenant_ids FROM user_index WHERE profile_id = ? AND user_id IN (SELECT value FROM json_each(?))").all(
      profileId,
      JSON.stringify([...rel.keys()]),
    ) as { user_id: string; roster_rel: string; time_joined: number; tenant_ids: string }[];
    const update = this.sql("UPDATE user_index SET roster_rel = ? WHERE profile_id = ? AND user_id = ?");
    const tenant = this.sql("UPDATE user_index_tenants SET rel = ? WHERE profile_id = ? AND tenant_id = ? AND time_joined = ? AND user_id = ?");
    for (const old of olds) {
      const value = rel.get(old.user_id);
      if (value === undefined || old.roster_rel === value) continue;
      update.run(value, profileId, old.user_id);
      for (const t of JSON.parse(old.tenant_ids) as string[]) tenant.run(value, profileId, t, old.time_joined, old.user_id);
    }
  }

  async totals(profileId: string): Promise<{ overall: Totals; tenants: TenantTotals[] }> {
    const byState = this.sql(
      `SELECT r.tenant_id AS tenant, s.state AS state, COUNT(*) AS n FROM migration_status s
       JOIN migration_roster r ON r.profile_id = s.profile_id AND r.legacy_id = s.legacy_id
       WHERE s.profile_id = ? GROUP BY r.tenant_id, s.state`,
    ).all(profileId) as { tenant: string; state: string; n: number }[];
    const outsideByTenant = this.sql("SELECT tenant_id AS tenant, COUNT(*) AS n FROM user_index_tenants WHERE profile_id = ? AND rel = 'outside-roster' GROUP BY tenant_id").all(profileId) as {
      tenant: string;
      n: number;
    }[];
    const all = (this.sql("SELECT COUNT(*) AS n FROM user_index WHERE profile_id = ?").get(profileId) as { n: number }).n;
    const related = (this.sql("SELECT COUNT(*) AS n FROM user_index WHERE profile_id = ? AND roster_rel != 'outside-roster'").get(profileId) as { n: number }).n;
    return totalsFrom({ byState, outsideByTenant, outside: all - related });
  }

  async list(profileId: string, q: ListQuery, page: { offset: number; limit: number }): Promise<{ rows: MigrationRow[]; total: number }> {
    const { count, rows, map } = listStatements(profileId, q);
    const total = (this.sql(count.sql).get(...count.args) as { n: number }).n;
    return { rows: this.sql(`${rows.sql} LIMIT ? OFFSET ?`).all(...rows.args, page.limit, page.offset).map(map), total };
  }

  async listAll(profileId: string, q: ListQuery): Promise<MigrationRow[]> {
    const { rows, map } = listStatements(profileId, q);
    return this.sql(rows.sql).all(...rows.args).map(map);
  }
}
