/**
 * The local user index in PostgreSQL, shared by two or more team-server instances (store.ts says
 * what it keeps). A page's rows go in one statement (INSERT/UPDATE/DELETE over unnest of one array
 * per column); a full scan appends to its stage and replaces the index from it in set statements.
 * Writes to a profile's index hold its migration-data lock (../postgres-lock.ts).
 */
import type pg from "pg";
import { columns, lockFor, numbered, slices } from "../../store/postgres/statements.ts";
import { inTransaction } from "../../store/postgres/transaction.ts";
import { profileLock } from "../postgres-lock.ts";
import { EMPTY_META, INDEXED, searchKeys, stageValues, type Indexed, type ListedUser, type MetaColumns } from "./listed.ts";
import type { ChunkRow, IndexMeta, IndexPage, IndexStore, NewChunkRow, StagedPage } from "./store.ts";
import { pageOf, pageRowsSql, pageStatements, type IndexPageQuery, type PageUserRow } from "./users-page.ts";
import { changedOnly, metaRow, planWrite } from "./write-plan.ts";

type Q = pg.Pool | pg.PoolClient;

/** Rows per statement (a statement's arrays stay a few MB). */
const BATCH = 5000;

/** A linked user's second-factor state as the index has it: its Passwordless user indexed with a phone, or not (`u` is the user). */
const SF_NOW = "CASE WHEN EXISTS (SELECT 1 FROM user_index p WHERE p.profile_id = u.profile_id AND p.user_id = u.sf_link AND p.pl_phone IS NOT NULL) THEN 'enrolled' ELSE 'broken' END";

const STAGE_TYPES = "text, bigint, text, text, text, text, int, text, text, int, text, text, text, bigint, text";
const UPSERT_TYPES = "text, bigint, text, text, text, text, int, text, text, int, text, text, text, bigint, text, text";
const LISTING_TYPES = "bigint, text, text, text, text, int, text, text, text";
const TENANT_TYPES = "text, bigint, text, int, text, text, text";
const META_TYPES = "int, text, text, text, bigint, text, text, text";

/** unnest($from::t1[], $from+1::t2[], ...) over the given column types. */
const unnest = (types: string, from: number) =>
  `unnest(${types
    .split(", ")
    .map((t, i) => `$${from + i}::${t}[]`)
    .join(", ")})`;
const width = (types: string) => types.split(", ").length;

export class PostgresIndexStore implements IndexStore {
  constructor(private readonly pool: pg.Pool) {}

  async sigs(profileId: string, userIds: readonly string[]): Promise<Map<string, string>> {
    if (userIds.length === 0) return new Map();
    const { rows } = await this.pool.query<{ user_id: string; sig: string }>("SELECT user_id, sig FROM user_index WHERE profile_id = $1 AND user_id = ANY($2::text[])", [profileId, userIds]);
    return new Map(rows.map((r) => [r.user_id, r.sig]));
  }

  private async existingMany(q: Q, profileId: string, ids: readonly string[]): Promise<Map<string, Indexed>> {
    if (ids.length === 0) return new Map();
    const { rows } = await q.query<Indexed & { user_id: string }>(`SELECT user_id, ${INDEXED} FROM user_index WHERE profile_id = $1 AND user_id = ANY($2::text[])`, [profileId, ids]);
    return new Map(rows.map((r) => [r.user_id, r]));
  }

  async write(profileId: string, users: readonly ListedUser[], meta: Map<string, MetaColumns> | null, flags?: Map<string, MetaColumns>): Promise<void> {
    if (users.length === 0 && !flags?.size) return;
    await inTransaction(this.pool, async (c) => {
      await lockFor(c, profileLock(profileId));
      // One row per user (a statement must not write a row twice): the last listed wins.
      const unique = [...new Map(users.map((u) => [u.id, u])).values()];
      for (const slice of slices(unique, BATCH)) await this.writeSlice(c, profileId, slice, meta);
      if (flags && flags.size > 0) {
        const olds = await this.existingMany(c, profileId, [...flags.keys()]);
        await this.applyMeta(c, profileId, changedOnly(flags, olds), olds);
      }
    });
  }

  private async writeSlice(c: pg.PoolClient, profileId: string, users: readonly ListedUser[], meta: Map<string, MetaColumns> | null): Promise<void> {
    const olds = await this.existingMany(c, profileId, users.map((u) => u.id));
    const plan = planWrite(olds, users, meta);
    if (plan.dropped.length > 0) {
      const tenants = plan.dropped.flatMap(([id, old]) => (JSON.parse(old.tenant_ids) as string[]).map((t) => [t, old.time_joined, id]));
      const keys = plan.dropped.flatMap(([id, old]) => searchKeys(JSON.parse(old.emails) as string[], JSON.parse(old.phones) as string[]).map((k) => [k, id]));
      await c.query(
        `DELETE FROM user_index_tenants t USING ${unnest("text, bigint, text", 2)} AS d(tenant_id, time_joined, user_id)
         WHERE t.profile_id = $1 AND t.tenant_id = d.tenant_id AND t.time_joined = d.time_joined AND t.user_id = d.user_id`,
        [profileId, ...columns(tenants, 3)],
      );
      await c.query(`DELETE FROM user_index_keys k USING ${unnest("text, text", 2)} AS d(key, user_id) WHERE k.profile_id = $1 AND k.key = d.key AND k.user_id = d.user_id`, [
        profileId,
        ...columns(keys, 2),
      ]);
    }
    if (plan.listingOnly.length > 0) {
      await c.query(
        `UPDATE user_index u SET time_joined = v.time_joined, emails = v.emails, phones = v.phones, login_methods = v.login_methods, tenant_ids = v.tenant_ids,
           email_verified = v.email_verified, sig = v.sig, pl_phone = v.pl_phone
         FROM ${unnest(LISTING_TYPES, 2)} AS v(time_joined, emails, phones, login_methods, tenant_ids, email_verified, sig, pl_phone, user_id)
         WHERE u.profile_id = $1 AND u.user_id = v.user_id`,
        [profileId, ...columns(plan.listingOnly, width(LISTING_TYPES))],
      );
    }
    if (plan.full.length > 0) {
      await c.query(
        `INSERT INTO user_index (profile_id, user_id, time_joined, emails, phones, login_methods, tenant_ids, email_verified, sig, pl_phone,
           temp_password, sf_link, invite_state, mig_legacy_id, mig_at, mig_via, sf_state)
         SELECT $1, * FROM ${unnest(UPSERT_TYPES, 2)}
         ON CONFLICT (profile_id, user_id) DO UPDATE SET time_joined = excluded.time_joined, emails = excluded.emails, phones = excluded.phones,
           login_methods = excluded.login_methods, tenant_ids = excluded.tenant_ids, email_verified = excluded.email_verified, sig = excluded.sig,
           pl_phone = excluded.pl_phone, temp_password = excluded.temp_password, sf_link = excluded.sf_link, invite_state = excluded.invite_state,
           mig_legacy_id = excluded.mig_legacy_id, mig_at = excluded.mig_at, mig_via = excluded.mig_via, sf_state = excluded.sf_state`,
        [profileId, ...columns(plan.full, width(UPSERT_TYPES))],
      );
    }
    if (plan.tenants.length > 0) {
      const tenants = [...new Map(plan.tenants.map((r) => [`${String(r[0])}\u0000${String(r[1])}\u0000${String(r[2])}`, r])).values()];
      await c.query(
        `INSERT INTO user_index_tenants (profile_id, tenant_id, time_joined, user_id, temp, rel, sf, invite)
         SELECT $1, * FROM ${unnest(TENANT_TYPES, 2)}
         ON CONFLICT (profile_id, tenant_id, time_joined, user_id) DO UPDATE SET temp = excluded.temp, rel = excluded.rel, sf = excluded.sf, invite = excluded.invite`,
        [profileId, ...columns(tenants, width(TENANT_TYPES))],
      );
    }
    if (plan.changedMeta.size > 0) await this.applyMeta(c, profileId, plan.changedMeta, olds);
    if (plan.keys.length > 0) {
      await c.query(`INSERT INTO user_index_keys (profile_id, key, user_id) SELECT $1, * FROM ${unnest("text, text", 2)} ON CONFLICT DO NOTHING`, [profileId, ...columns(plan.keys, 2)]);
    }
  }

  /** New metadata columns for indexed users, on their row and on their tenant rows. */
  private async applyMeta(c: pg.PoolClient, profileId: string, meta: Map<string, MetaColumns>, olds: Map<string, Indexed>): Promise<void> {
    const rows: unknown[][] = [];
    const tenants: unknown[][] = [];
    for (const [id, m] of meta) {
      const old = olds.get(id);
      if (!old) continue;
      const { values, sf } = metaRow(old, m);
      rows.push([...values, id]);
      for (const t of JSON.parse(old.tenant_ids) as string[]) tenants.push([t, old.time_joined, id, m.temp ? 1 : 0, m.invite, sf]);
    }
    if (rows.length === 0) return;
    await c.query(
      `UPDATE user_index u SET temp_password = v.temp, sf_link = v.sf_link, invite_state = v.invite, mig_legacy_id = v.mig_legacy_id, mig_at = v.mig_at, mig_via = v.mig_via, sf_state = v.sf
       FROM ${unnest(META_TYPES, 2)} AS v(temp, sf_link, invite, mig_legacy_id, mig_at, mig_via, sf, user_id)
       WHERE u.profile_id = $1 AND u.user_id = v.user_id`,
      [profileId, ...columns(rows, width(META_TYPES))],
    );
    await c.query(
      `UPDATE user_index_tenants t SET temp = v.temp, invite = v.invite, sf = v.sf
       FROM ${unnest("text, bigint, text, int, text, text", 2)} AS v(tenant_id, time_joined, user_id, temp, invite, sf)
       WHERE t.profile_id = $1 AND t.tenant_id = v.tenant_id AND t.time_joined = v.time_joined AND t.user_id = v.user_id`,
      [profileId, ...columns(tenants, 6)],
    );
  }

  async chunk(jobId: string, tenantId: string, chunk: number): Promise<ChunkRow | undefined> {
    const { rows } = await this.pool.query<ChunkRow>("SELECT cursor, pages, users, done, result FROM user_index_scan_chunks WHERE job_id = $1 AND tenant_id = $2 AND chunk = $3", [
      jobId,
      tenantId,
      chunk,
    ]);
    return rows[0];
  }

  async saveChunk(jobId: string, tenantId: string, chunk: number, row: NewChunkRow): Promise<void> {
    await saveChunk(this.pool, jobId, tenantId, chunk, row);
  }

  async stagePages(jobId: string, pages: readonly StagedPage[], at: { tenantId: string; chunk: number; row: NewChunkRow }): Promise<void> {
    const rows = pages.flatMap((p) => p.listed.map((u) => stageValues(u, p.meta.get(u.id) ?? EMPTY_META)));
    await inTransaction(this.pool, async (c) => {
      for (const slice of slices(rows, BATCH)) {
        await c.query(
          `INSERT INTO user_index_stage (job_id, user_id, time_joined, emails, phones, login_methods, tenant_ids, email_verified, sig, pl_phone,
             temp_password, sf_link, invite_state, mig_legacy_id, mig_at, mig_via)
           SELECT $1, * FROM ${unnest(STAGE_TYPES, 2)}`,
          [jobId, ...columns(slice, width(STAGE_TYPES))],
        );
      }
      await saveChunk(c, jobId, at.tenantId, at.chunk, at.row);
    });
  }

  async replaceFromStage(profileId: string, jobId: string): Promise<number> {
    const removed = await inTransaction(this.pool, async (c) => {
      await lockFor(c, profileLock(profileId));
      // The planner guesses 100 rows per JSON array and so millions of rows for these statements:
      // compiling them (JIT) cost more than running them (1.3 s of 2 s for the keys at 100k users).
      // Room to sort 100k-row sets in memory (with 4 MB the sorts spill to disk).
      await c.query("SET LOCAL jit = off");
      await c.query("SET LOCAL work_mem = '64MB'");
      await c.query("DELETE FROM user_index_tenants WHERE profile_id = $1", [profileId]);
      await c.query("DELETE FROM user_index_keys WHERE profile_id = $1", [profileId]);
      const before = (await c.query("DELETE FROM user_index WHERE profile_id = $1", [profileId])).rowCount ?? 0;
      // Users listed in several tenants were staged once per tenant: one row each.
      const after = await c.query(
        `INSERT INTO user_index (profile_id, user_id, time_joined, emails, phones, login_methods, tenant_ids, email_verified, sig, pl_phone,
           temp_password, sf_link, invite_state, mig_legacy_id, mig_at, mig_via, sf_state)
         SELECT DISTINCT ON (user_id) $1, user_id, time_joined, emails, phones, login_methods, tenant_ids, email_verified, sig, pl_phone,
           temp_password, sf_link, invite_state, mig_legacy_id, mig_at, mig_via, CASE WHEN sf_link IS NULL THEN 'none' ELSE 'linked' END
         FROM user_index_stage WHERE job_id = $2 ORDER BY user_id`,
        [profileId, jobId],
      );
      // Second factors resolved before the tenant rows are made, so they are made right once.
      await c.query(`UPDATE user_index u SET sf_state = ${SF_NOW} WHERE u.profile_id = $1 AND u.sf_link IS NOT NULL`, [profileId]);
      await c.query(
        `INSERT INTO user_index_tenants (profile_id, tenant_id, time_joined, user_id, temp, rel, sf, invite)
         SELECT DISTINCT ON (t.value COLLATE "C", u.time_joined, u.user_id) $1, t.value, u.time_joined, u.user_id, u.temp_password, 'outside-roster', u.sf_state, u.invite_state
         FROM user_index u, json_array_elements_text(u.tenant_ids::json) AS t(value) WHERE u.profile_id = $1
         ORDER BY t.value COLLATE "C", u.time_joined, u.user_id`,
        [profileId],
      );
      // In key order (the index is written in order); the same key twice for a user is one row (a
      // plain insert of distinct rows: ON CONFLICT's speculative insertion costs more per row). One
      // sort makes them distinct and ordered: the planner's hash aggregate then sort cost twice as
      // much (0.55 s against 0.3 s for 185k keys).
      await c.query("SET LOCAL enable_hashagg = off");
      await c.query(
        `INSERT INTO user_index_keys (profile_id, key, user_id)
         SELECT DISTINCT $1, key COLLATE "C", user_id FROM (
           SELECT lower(e.value) AS key, u.user_id FROM user_index u, json_array_elements_text(u.emails::json) AS e(value) WHERE u.profile_id = $1 AND u.emails != '[]'
           UNION ALL SELECT lower('@' || substr(e.value, strpos(e.value, '@') + 1)), u.user_id FROM user_index u, json_array_elements_text(u.emails::json) AS e(value) WHERE u.profile_id = $1 AND u.emails != '[]'
           UNION ALL SELECT lower(p.value), u.user_id FROM user_index u, json_array_elements_text(u.phones::json) AS p(value) WHERE u.profile_id = $1 AND u.phones != '[]'
         ) k ORDER BY 2, 3`,
        [profileId],
      );
      await c.query("DELETE FROM user_index_stage WHERE job_id = $1", [jobId]);
      return Math.max(0, before - (after.rowCount ?? 0));
    });
    // The old rows gone and statistics for the new ones: without statistics the planner takes a
    // 100k-user index for a few rows (a Users page read every row instead of its 100); without
    // the visibility map a filter's count visits the table for every index entry (5 ms for 10k
    // enrolled users instead of 1). Autovacuum would, a minute or so later; 0.3 s at 100k users.
    // One statement, the tables one after another: a VACUUM started right after the commit may
    // not mark the new pages all-visible (seen on a test cluster: relallvisible 0 at once, every
    // page half a second later; cause not pinned down), so three side by side left the tenant
    // rows' and keys' maps empty at 100k users, while after user_index's turn they are filled.
    await this.pool.query("VACUUM (ANALYZE) user_index, user_index_tenants, user_index_keys");
    return removed;
  }

  async dropStage(jobId: string): Promise<void> {
    await this.pool.query("DELETE FROM user_index_stage WHERE job_id = $1", [jobId]);
  }

  async resolveSecondFactors(profileId: string): Promise<void> {
    await inTransaction(this.pool, async (c) => {
      await lockFor(c, profileLock(profileId));
      const changed = await c.query(`UPDATE user_index u SET sf_state = ${SF_NOW} WHERE u.profile_id = $1 AND u.sf_link IS NOT NULL AND u.sf_state != ${SF_NOW}`, [profileId]);
      if (changed.rowCount === 0) return;
      await c.query(
        `UPDATE user_index_tenants t SET sf = u.sf_state FROM user_index u
         WHERE t.profile_id = $1 AND t.sf != 'none' AND u.profile_id = t.profile_id AND u.user_id = t.user_id AND t.sf != u.sf_state`,
        [profileId],
      );
    });
  }

  async watched(profileId: string, tenantId: string): Promise<string[]> {
    const { rows } = await this.pool.query<{ user_id: string }>(
      `SELECT user_id FROM user_index_tenants WHERE profile_id = $1 AND tenant_id = $2 AND temp = 1
       UNION SELECT user_id FROM user_index_tenants WHERE profile_id = $1 AND tenant_id = $2 AND invite IS NOT NULL AND invite = 'invited'`,
      [profileId, tenantId],
    );
    return rows.map((r) => r.user_id);
  }

  async tenantCount(profileId: string, tenantId: string): Promise<number> {
    const { rows } = await this.pool.query<{ n: number }>("SELECT COUNT(*)::int AS n FROM user_index_tenants WHERE profile_id = $1 AND tenant_id = $2", [profileId, tenantId]);
    return rows[0]?.n ?? 0;
  }

  async tenantUserIds(profileId: string, tenantId: string): Promise<Set<string>> {
    const { rows } = await this.pool.query<{ user_id: string }>("SELECT user_id FROM user_index_tenants WHERE profile_id = $1 AND tenant_id = $2", [profileId, tenantId]);
    return new Set(rows.map((r) => r.user_id));
  }

  async removeFromTenant(profileId: string, tenantId: string, userIds: readonly string[]): Promise<void> {
    if (userIds.length === 0) return;
    await inTransaction(this.pool, async (c) => {
      await lockFor(c, profileLock(profileId));
      const olds = await this.existingMany(c, profileId, userIds);
      for (const [id, old] of olds) {
        const others = (JSON.parse(old.tenant_ids) as string[]).filter((t) => t !== tenantId);
        if (others.length === 0) {
          await c.query("DELETE FROM user_index_tenants WHERE profile_id = $1 AND user_id = $2 AND tenant_id = ANY($3::text[]) AND time_joined = $4", [profileId, id, JSON.parse(old.tenant_ids), old.time_joined]);
          await c.query("DELETE FROM user_index_keys WHERE profile_id = $1 AND user_id = $2 AND key = ANY($3::text[])", [profileId, id, searchKeys(JSON.parse(old.emails) as string[], JSON.parse(old.phones) as string[])]);
          await c.query("DELETE FROM user_index WHERE profile_id = $1 AND user_id = $2", [profileId, id]);
          continue;
        }
        await c.query("DELETE FROM user_index_tenants WHERE profile_id = $1 AND tenant_id = $2 AND time_joined = $3 AND user_id = $4", [profileId, tenantId, old.time_joined, id]);
        // An empty signature: whatever the listing shows of it next is read as changed.
        await c.query("UPDATE user_index SET tenant_ids = $1, sig = '' WHERE profile_id = $2 AND user_id = $3", [JSON.stringify(others), profileId, id]);
      }
    });
  }

  async users(profileId: string): Promise<number> {
    return users(this.pool, profileId);
  }

  async meta(profileId: string): Promise<IndexMeta | undefined> {
    const { rows } = await this.pool.query<IndexMeta>("SELECT users, built_at, refreshed_at, last_job_id, roster_version FROM user_index_meta WHERE profile_id = $1", [profileId]);
    return rows[0];
  }

  async noteScanJob(profileId: string, jobId: string): Promise<void> {
    await this.pool.query("INSERT INTO user_index_meta (profile_id, last_job_id) VALUES ($1, $2) ON CONFLICT (profile_id) DO UPDATE SET last_job_id = excluded.last_job_id", [profileId, jobId]);
  }

  async noteScanned(profileId: string, full: boolean, at: number, rosterVersion: number): Promise<void> {
    await this.pool.query(
      `INSERT INTO user_index_meta (profile_id, built_at, refreshed_at, roster_version, users)
       VALUES ($1, $2, $3, $4, (SELECT COUNT(*) FROM user_index WHERE profile_id = $1))
       ON CONFLICT (profile_id) DO UPDATE SET built_at = COALESCE(excluded.built_at, user_index_meta.built_at), refreshed_at = excluded.refreshed_at,
         roster_version = excluded.roster_version, users = excluded.users`,
      [profileId, full ? at : null, at, rosterVersion],
    );
  }

  async page(profileId: string, q: IndexPageQuery): Promise<IndexPage> {
    const { count, ids } = pageStatements(profileId, q);
    // The page's ids and their rows in one statement, beside the count: a filter with many matches
    // (10k users enrolled) spends its time counting, and the page no longer waits for it first.
    const dir = q.order === "newest" ? "DESC" : "ASC";
    const [counted, found] = await Promise.all([
      this.pool.query<{ n: number }>(numbered(count.sql.replace("COUNT(*)", "COUNT(*)::int")), count.args),
      this.pool.query<PageUserRow & { page_user_id: string; page_time_joined: number }>(
        numbered(
          `SELECT i.user_id AS page_user_id, i.time_joined AS page_time_joined, r.* FROM (${ids.sql}) AS i
           LEFT JOIN LATERAL (${pageRowsSql("= i.user_id")}) AS r ON true ORDER BY i.time_joined ${dir}, i.user_id ${dir}`,
        ),
        [...ids.args, profileId],
      ),
    ]);
    const order = found.rows.map((r) => ({ user_id: r.page_user_id, time_joined: r.page_time_joined }));
    return pageOf(q, order, found.rows.filter((r) => r.user_id !== null), counted.rows[0]?.n ?? 0);
  }
}

async function users(q: Q, profileId: string): Promise<number> {
  const { rows } = await q.query<{ n: number }>("SELECT COUNT(*)::int AS n FROM user_index WHERE profile_id = $1", [profileId]);
  return rows[0]?.n ?? 0;
}

async function saveChunk(q: Q, jobId: string, tenantId: string, chunk: number, row: NewChunkRow): Promise<void> {
  await q.query(
    `INSERT INTO user_index_scan_chunks (job_id, tenant_id, chunk, cursor, pages, users, done, result) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
     ON CONFLICT (job_id, tenant_id, chunk) DO UPDATE SET cursor = excluded.cursor, pages = excluded.pages, users = excluded.users, done = excluded.done, result = excluded.result`,
    [jobId, tenantId, chunk, row.cursor, row.pages, row.users, row.done, row.result ? JSON.stringify(row.result) : null],
  );
}
