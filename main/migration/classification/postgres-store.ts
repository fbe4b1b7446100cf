/**
 * The classification in PostgreSQL, shared by two or more team-server instances (store.ts says
 * what it keeps). A classification holds the profile's migration-data lock (../postgres-lock.ts):
 * the roster and the index it reads do not change under it, and two never interleave.
 */
import type pg from "pg";
import type { MigrationRow, TenantTotals } from "../../../shared/contract/operations/migration.ts";
import { analyzeIfStale, columns, lockFor, numbered } from "../../store/postgres/statements.ts";
import { inTransaction } from "../../store/postgres/transaction.ts";
import { conflictsFrom, relationsFrom, sharedEmailReason, totalsFrom, type Candidate, type Totals } from "../classify.ts";
import { listStatements, type ListQuery } from "../lists.ts";
import { profileLock } from "../postgres-lock.ts";
import type { ClassificationStore } from "./store.ts";

export class PostgresClassificationStore implements ClassificationStore {
  constructor(private readonly pool: pg.Pool) {}

  async classify(profileId: string): Promise<void> {
    const states = await this.classifyNow(profileId);
    // Statistics for the states just written (the lists and totals read them).
    await analyzeIfStale(this.pool, "migration_status", states);
  }

  /** Returns how many roster users it classified. */
  private async classifyNow(profileId: string): Promise<number> {
    return inTransaction(this.pool, async (c) => {
      await lockFor(c, profileLock(profileId));
      // As for the index's replacement: a JSON array read per row makes the planner expect millions of rows and compile (JIT).
      await c.query("SET LOCAL jit = off");
      await c.query("DELETE FROM migration_status WHERE profile_id = $1", [profileId]);
      await c.query(
        `INSERT INTO migration_status (profile_id, legacy_id, state, user_id, reason)
         SELECT r.profile_id, r.legacy_id, CASE WHEN u.temp_password = 1 THEN 'temporary-password' ELSE 'migrated' END, u.user_id, NULL
         FROM migration_roster r JOIN user_index u ON u.profile_id = r.profile_id AND u.user_id = r.legacy_id WHERE r.profile_id = $1`,
        [profileId],
      );

      // Accounts with a roster user's email in their tenant, for roster users without their own account.
      const { rows: candidates } = await c.query<Candidate>(
        `SELECT r.legacy_id, u.user_id, u.login_methods, u.mig_legacy_id,
                EXISTS (SELECT 1 FROM migration_roster o WHERE o.profile_id = r.profile_id AND o.legacy_id = u.user_id) AS in_roster
         FROM migration_roster r
         JOIN user_index_keys k ON k.profile_id = r.profile_id AND k.key = r.email_lower
         JOIN user_index u ON u.profile_id = r.profile_id AND u.user_id = k.user_id
         WHERE r.profile_id = $1 AND EXISTS (SELECT 1 FROM json_array_elements_text(u.tenant_ids::json) AS t(value) WHERE t.value = r.tenant_id)
           AND NOT EXISTS (SELECT 1 FROM migration_status s WHERE s.profile_id = r.profile_id AND s.legacy_id = r.legacy_id)
         ORDER BY r.legacy_id, u.time_joined`,
        [profileId],
      );
      const conflicts = conflictsFrom(candidates);

      // Roster users of one tenant sharing an email: at most one of them could get an account.
      const { rows: shared } = await c.query<{ legacy_id: string; others: string }>(
        `SELECT r.legacy_id, (SELECT string_agg(o.legacy_id, ', ' ORDER BY o.legacy_id) FROM migration_roster o
                              WHERE o.profile_id = r.profile_id AND o.email_lower = r.email_lower AND o.tenant_id = r.tenant_id AND o.legacy_id != r.legacy_id) AS others
         FROM migration_roster r
         WHERE r.profile_id = $1 AND NOT EXISTS (SELECT 1 FROM migration_status s WHERE s.profile_id = r.profile_id AND s.legacy_id = r.legacy_id)
           AND NOT (r.legacy_id = ANY($2::text[]))
           AND (r.tenant_id, r.email_lower) IN (SELECT tenant_id, email_lower FROM migration_roster WHERE profile_id = $1 GROUP BY tenant_id, email_lower HAVING COUNT(*) > 1)`,
        [profileId, conflicts.rows.map(([legacyId]) => legacyId)],
      );
      const rows = [...conflicts.rows, ...shared.map((s): [string, string | null, string] => [s.legacy_id, null, sharedEmailReason(s.others)])];
      if (rows.length > 0) {
        await c.query(
          `INSERT INTO migration_status (profile_id, legacy_id, state, user_id, reason)
           SELECT $1, legacy_id, 'conflict', user_id, reason FROM unnest($2::text[], $3::text[], $4::text[]) AS v(legacy_id, user_id, reason)`,
          [profileId, ...columns(rows, 3)],
        );
      }

      // Everyone else (by the primary key: the table's statistics do not know the rows just written).
      const rest = await c.query(
        `INSERT INTO migration_status (profile_id, legacy_id, state, user_id, reason)
         SELECT r.profile_id, r.legacy_id, 'not-migrated', NULL, NULL FROM migration_roster r WHERE r.profile_id = $1
         ON CONFLICT (profile_id, legacy_id) DO NOTHING`,
        [profileId],
      );

      const { rows: mapped } = await c.query<{ user_id: string; state: string }>(
        "SELECT user_id, state FROM migration_status WHERE profile_id = $1 AND state IN ('migrated', 'temporary-password')",
        [profileId],
      );
      const { rows: before } = await c.query<{ user_id: string }>("SELECT user_id FROM user_index WHERE profile_id = $1 AND roster_rel != 'outside-roster'", [profileId]);
      await setRel(c, profileId, relationsFrom(mapped, conflicts.users, before.map((r) => r.user_id)));
      return mapped.length + rows.length + (rest.rowCount ?? 0);
    });
  }

  async totals(profileId: string): Promise<{ overall: Totals; tenants: TenantTotals[] }> {
    const [byState, outsideByTenant, outside] = await Promise.all([
      this.pool.query<{ tenant: string; state: string; n: number }>(
        `SELECT r.tenant_id AS tenant, s.state AS state, COUNT(*)::int AS n FROM migration_status s
         JOIN migration_roster r ON r.profile_id = s.profile_id AND r.legacy_id = s.legacy_id
         WHERE s.profile_id = $1 GROUP BY r.tenant_id, s.state`,
        [profileId],
      ),
      this.pool.query<{ tenant: string; n: number }>(
        "SELECT tenant_id AS tenant, COUNT(*)::int AS n FROM user_index_tenants WHERE profile_id = $1 AND rel = 'outside-roster' GROUP BY tenant_id",
        [profileId],
      ),
      this.pool.query<{ n: number }>("SELECT COUNT(*)::int AS n FROM user_index WHERE profile_id = $1 AND roster_rel = 'outside-roster'", [profileId]),
    ]);
    return totalsFrom({ byState: byState.rows, outsideByTenant: outsideByTenant.rows, outside: outside.rows[0]?.n ?? 0 });
  }

  async list(profileId: string, q: ListQuery, page: { offset: number; limit: number }): Promise<{ rows: MigrationRow[]; total: number }> {
    const { count, rows, map } = listStatements(profileId, q);
    const [counted, found] = await Promise.all([
      this.pool.query<{ n: number }>(numbered(count.sql.replace("COUNT(*)", "COUNT(*)::int")), count.args),
      this.pool.query(numbered(`${rows.sql} LIMIT ? OFFSET ?`), [...rows.args, page.limit, page.offset]),
    ]);
    return { rows: found.rows.map(map), total: counted.rows[0]?.n ?? 0 };
  }

  async listAll(profileId: string, q: ListQuery): Promise<MigrationRow[]> {
    const { rows, map } = listStatements(profileId, q);
    return (await this.pool.query(numbered(rows.sql), rows.args)).rows.map(map);
  }
}

/** Sets how users relate to the roster, on their rows and tenant rows, where it changed (a few statements, whatever the number). */
async function setRel(c: pg.PoolClient, profileId: string, rel: Map<string, string>): Promise<void> {
  if (rel.size === 0) return;
  const { rows: olds } = await c.query<{ user_id: string; roster_rel: string; time_joined: number; tenant_ids: string }>(
    "SELECT user_id, roster_rel, time_joined, tenant_ids FROM user_index WHERE profile_id = $1 AND user_id = ANY($2::text[])",
    [profileId, [...rel.keys()]],
  );
  const changed = olds.flatMap((o) => {
    const value = rel.get(o.user_id);
    return value !== undefined && value !== o.roster_rel ? [{ ...o, value }] : [];
  });
  if (changed.length === 0) return;
  await c.query("UPDATE user_index u SET roster_rel = v.rel FROM unnest($2::text[], $3::text[]) AS v(user_id, rel) WHERE u.profile_id = $1 AND u.user_id = v.user_id", [
    profileId,
    ...columns(changed.map((o) => [o.user_id, o.value]), 2),
  ]);
  const tenants = changed.flatMap((o) => (JSON.parse(o.tenant_ids) as string[]).map((t) => [t, o.time_joined, o.user_id, o.value]));
  await c.query(
    `UPDATE user_index_tenants t SET rel = v.rel FROM unnest($2::text[], $3::bigint[], $4::text[], $5::text[]) AS v(tenant_id, time_joined, user_id, rel)
     WHERE t.profile_id = $1 AND t.tenant_id = v.tenant_id AND t.time_joined = v.time_joined AND t.user_id = v.user_id`,
    [profileId, ...columns(tenants, 4)],
  );
}
