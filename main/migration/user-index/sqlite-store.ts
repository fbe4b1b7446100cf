/**
 * The local user index in Gatehouse's SQLite (store.ts says what it keeps); synchronous
 * better-sqlite3 inside, async outside so that a failure rejects, as on PostgreSQL. Written for
 * speed at 100k users: many rows per statement, a full scan staged and the index replaced from the
 * stage sorted (random-key inserts page by page cost several times more).
 */
import type { StoreDb } from "../../store/database.ts";
import { preparedFor, type Prepared } from "../../store/statements.ts";
import { EMPTY_META, INDEXED, searchKeys, stageValues, type Indexed, type ListedUser, type MetaColumns } from "./listed.ts";
import type { ChunkRow, IndexMeta, IndexPage, IndexStore, NewChunkRow, StagedPage } from "./store.ts";
import { pageOf, pageRowsSql, pageStatements, type IndexPageQuery, type PageUserRow } from "./users-page.ts";
import { changedOnly, metaRow, planWrite } from "./write-plan.ts";

/** Rows per multi-row insert of the index (18 parameters each). */
const ROWS_PER_INSERT = 100;

const upsertSql = (rows: number) =>
  `INSERT INTO user_index (profile_id, user_id, time_joined, emails, phones, login_methods, tenant_ids, email_verified, sig, pl_phone,
     temp_password, sf_link, invite_state, mig_legacy_id, mig_at, mig_via, sf_state, seen_job)
   VALUES ${Array.from({ length: rows }, () => "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)").join(", ")}
   ON CONFLICT (profile_id, user_id) DO UPDATE SET time_joined = excluded.time_joined, emails = excluded.emails, phones = excluded.phones,
     login_methods = excluded.login_methods, tenant_ids = excluded.tenant_ids, email_verified = excluded.email_verified, sig = excluded.sig,
     pl_phone = excluded.pl_phone, temp_password = excluded.temp_password, sf_link = excluded.sf_link, invite_state = excluded.invite_state,
     mig_legacy_id = excluded.mig_legacy_id, mig_at = excluded.mig_at, mig_via = excluded.mig_via, sf_state = excluded.sf_state, seen_job = excluded.seen_job`;

const stageSql = (rows: number) =>
  `INSERT INTO user_index_stage (job_id, user_id, time_joined, emails, phones, login_methods, tenant_ids, email_verified, sig, pl_phone,
     temp_password, sf_link, invite_state, mig_legacy_id, mig_at, mig_via)
   VALUES ${Array.from({ length: rows }, () => "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)").join(", ")}`;

const tenantSql = (rows: number) =>
  `INSERT OR REPLACE INTO user_index_tenants (profile_id, tenant_id, time_joined, user_id, temp, rel, sf, invite)
   VALUES ${Array.from({ length: rows }, () => "(?, ?, ?, ?, ?, ?, ?, ?)").join(", ")}`;

/** A linked user's second-factor state as the index has it: its Passwordless user indexed with a phone, or not (`u` is the user). */
const SF_NOW = "CASE WHEN EXISTS (SELECT 1 FROM user_index p WHERE p.profile_id = u.profile_id AND p.user_id = u.sf_link AND p.pl_phone IS NOT NULL) THEN 'enrolled' ELSE 'broken' END";

export class SqliteIndexStore implements IndexStore {
  private readonly sql: Prepared;

  constructor(private readonly db: StoreDb) {
    this.sql = preparedFor(db);
  }

  async sigs(profileId: string, userIds: readonly string[]): Promise<Map<string, string>> {
    return new Map([...this.existingMany(profileId, userIds)].map(([id, r]) => [id, r.sig]));
  }

  private existing(profileId: string, userId: string): Indexed | undefined {
    return this.sql(`SELECT ${INDEXED} FROM user_index WHERE profile_id = ? AND user_id = ?`).get(profileId, userId) as Indexed | undefined;
  }

  /** What is indexed of many users, in one statement. */
  private existingMany(profileId: string, ids: readonly string[]): Map<string, Indexed> {
    if (ids.length === 0) return new Map();
    const rows = this.sql(`SELECT user_id, ${INDEXED} FROM user_index WHERE profile_id = ? AND user_id IN (SELECT value FROM json_each(?))`).all(profileId, JSON.stringify(ids)) as (Indexed & {
      user_id: string;
    })[];
    return new Map(rows.map((r) => [r.user_id, r]));
  }

  async write(profileId: string, users: readonly ListedUser[], meta: Map<string, MetaColumns> | null, flags?: Map<string, MetaColumns>): Promise<void> {
    this.db.transaction(() => {
      this.writeNow(profileId, users, meta);
      if (flags && flags.size > 0) {
        const olds = this.existingMany(profileId, [...flags.keys()]);
        this.applyMeta(profileId, changedOnly(flags, olds), olds);
      }
    })();
  }

  /** A few statements per call, whatever the number of users: the statements, not the rows, cost. */
  private writeNow(profileId: string, users: readonly ListedUser[], meta: Map<string, MetaColumns> | null): void {
    if (users.length === 0) return;
    const olds = this.existingMany(profileId, users.map((u) => u.id));
    const plan = planWrite(olds, users, meta);
    for (const [id, old] of plan.dropped) {
      this.dropTenants(profileId, id, old);
      this.dropKeys(profileId, id, old);
    }
    const listingOnly = this.sql(
      `UPDATE user_index SET time_joined = ?, emails = ?, phones = ?, login_methods = ?, tenant_ids = ?, email_verified = ?, sig = ?, pl_phone = ?
         WHERE profile_id = ? AND user_id = ?`,
    );
    for (const r of plan.listingOnly) {
      const id = r.at(-1);
      listingOnly.run(...r.slice(0, -1), profileId, id);
    }
    // Many rows per statement (no JSON to encode and parse again): ROWS_PER_INSERT, then one by one.
    this.inserts(upsertSql, plan.full.map((r) => [profileId, ...r, ""]));
    this.inserts(tenantSql, plan.tenants.map((r) => [profileId, ...r]));
    if (plan.changedMeta.size > 0) this.applyMeta(profileId, plan.changedMeta, olds);
    if (plan.keys.length > 0) {
      this.sql("INSERT OR IGNORE INTO user_index_keys (profile_id, key, user_id) SELECT ?, value->>0, value->>1 FROM json_each(?)").run(profileId, JSON.stringify(plan.keys));
    }
  }

  /** Rows inserted ROWS_PER_INSERT per statement, then the rest one by one. */
  private inserts(sqlFor: (rows: number) => string, rows: unknown[][]): void {
    let i = 0;
    for (; i + ROWS_PER_INSERT <= rows.length; i += ROWS_PER_INSERT) this.sql(sqlFor(ROWS_PER_INSERT)).run(rows.slice(i, i + ROWS_PER_INSERT).flat());
    for (; i < rows.length; i++) this.sql(sqlFor(1)).run(...(rows[i] ?? []));
  }

  async chunk(jobId: string, tenantId: string, chunk: number): Promise<ChunkRow | undefined> {
    return this.sql("SELECT cursor, pages, users, done, result FROM user_index_scan_chunks WHERE job_id = ? AND tenant_id = ? AND chunk = ?").get(jobId, tenantId, chunk) as ChunkRow | undefined;
  }

  async saveChunk(jobId: string, tenantId: string, chunk: number, row: NewChunkRow): Promise<void> {
    this.saveChunkNow(jobId, tenantId, chunk, row);
  }

  private saveChunkNow(jobId: string, tenantId: string, chunk: number, row: NewChunkRow): void {
    this.sql(
      `INSERT INTO user_index_scan_chunks (job_id, tenant_id, chunk, cursor, pages, users, done, result) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (job_id, tenant_id, chunk) DO UPDATE SET cursor = excluded.cursor, pages = excluded.pages, users = excluded.users, done = excluded.done, result = excluded.result`,
    ).run(jobId, tenantId, chunk, row.cursor, row.pages, row.users, row.done, row.result ? JSON.stringify(row.result) : null);
  }

  /** Appends (no lookups, no index: the cheapest write there is). */
  async stagePages(jobId: string, pages: readonly StagedPage[], at: { tenantId: string; chunk: number; row: NewChunkRow }): Promise<void> {
    this.db.transaction(() => {
      for (const p of pages) this.inserts(stageSql, p.listed.map((u) => [jobId, ...stageValues(u, p.meta.get(u.id) ?? EMPTY_META)]));
      this.saveChunkNow(jobId, at.tenantId, at.chunk, at.row);
    })();
  }

  async replaceFromStage(profileId: string, jobId: string): Promise<number> {
    return this.db.transaction(() => {
      const before = this.usersNow(profileId);
      this.sql("DELETE FROM user_index_tenants WHERE profile_id = ?").run(profileId);
      this.sql("DELETE FROM user_index WHERE profile_id = ?").run(profileId);
      this.sql(
        `INSERT OR IGNORE INTO user_index (profile_id, user_id, time_joined, emails, phones, login_methods, tenant_ids, email_verified, sig, pl_phone,
           temp_password, sf_link, invite_state, mig_legacy_id, mig_at, mig_via, sf_state, seen_job)
         SELECT ?, user_id, time_joined, emails, phones, login_methods, tenant_ids, email_verified, sig, pl_phone,
           temp_password, sf_link, invite_state, mig_legacy_id, mig_at, mig_via, CASE WHEN sf_link IS NULL THEN 'none' ELSE 'linked' END, ''
         FROM user_index_stage WHERE job_id = ? ORDER BY user_id`,
      ).run(profileId, jobId);
      // Second factors resolved before the tenant rows are made, so they are made right once.
      this.sql(`UPDATE user_index AS u SET sf_state = ${SF_NOW} WHERE u.profile_id = ? AND u.sf_link IS NOT NULL`).run(profileId);
      this.sql(
        `INSERT OR IGNORE INTO user_index_tenants (profile_id, tenant_id, time_joined, user_id, temp, rel, sf, invite)
         SELECT ?, t.value, u.time_joined, u.user_id, u.temp_password, 'outside-roster', u.sf_state, u.invite_state
         FROM user_index u, json_each(u.tenant_ids) t WHERE u.profile_id = ? ORDER BY t.value, u.time_joined, u.user_id`,
      ).run(profileId, profileId);
      this.rebuildKeys(profileId);
      this.sql("DELETE FROM user_index_stage WHERE job_id = ?").run(jobId);
      return Math.max(0, before - this.usersNow(profileId));
    })();
  }

  async dropStage(jobId: string): Promise<void> {
    this.sql("DELETE FROM user_index_stage WHERE job_id = ?").run(jobId);
  }

  /** New metadata columns for indexed users, on their row and on their tenant rows. */
  private applyMeta(profileId: string, meta: Map<string, MetaColumns>, olds: Map<string, Indexed>): void {
    const update = this.sql("UPDATE user_index SET temp_password = ?, sf_link = ?, invite_state = ?, mig_legacy_id = ?, mig_at = ?, mig_via = ?, sf_state = ? WHERE profile_id = ? AND user_id = ?");
    const tenant = this.sql("UPDATE user_index_tenants SET temp = ?, invite = ?, sf = ? WHERE profile_id = ? AND tenant_id = ? AND time_joined = ? AND user_id = ?");
    for (const [id, m] of meta) {
      const old = olds.get(id);
      if (!old) continue;
      const { values, sf } = metaRow(old, m);
      update.run(...values, profileId, id);
      for (const t of JSON.parse(old.tenant_ids) as string[]) tenant.run(m.temp ? 1 : 0, m.invite, sf, profileId, t, old.time_joined, id);
    }
  }

  async resolveSecondFactors(profileId: string): Promise<void> {
    this.db.transaction(() => {
      const changed = this.sql(`UPDATE user_index AS u SET sf_state = ${SF_NOW} WHERE u.profile_id = ? AND u.sf_link IS NOT NULL AND u.sf_state != ${SF_NOW} RETURNING user_id`).all(profileId);
      if (changed.length === 0) return;
      this.sql(
        `UPDATE user_index_tenants AS t SET sf = (SELECT u.sf_state FROM user_index u WHERE u.profile_id = t.profile_id AND u.user_id = t.user_id)
         WHERE t.profile_id = ? AND t.sf != 'none'`,
      ).run(profileId);
    })();
  }

  /** A user's tenant rows, found from what its row was made of (no per-user index needed). */
  private dropTenants(profileId: string, userId: string, old: Indexed): void {
    const tenant = this.sql("DELETE FROM user_index_tenants WHERE profile_id = ? AND tenant_id = ? AND time_joined = ? AND user_id = ?");
    for (const t of JSON.parse(old.tenant_ids) as string[]) tenant.run(profileId, t, old.time_joined, userId);
  }

  /** A user's search keys, found from what its row was made of. */
  private dropKeys(profileId: string, userId: string, old: Indexed): void {
    const key = this.sql("DELETE FROM user_index_keys WHERE profile_id = ? AND key = ? AND user_id = ?");
    for (const k of searchKeys(JSON.parse(old.emails) as string[], JSON.parse(old.phones) as string[])) key.run(profileId, k, userId);
  }

  /** Every search key of the profile made again from the rows, in key order (after a full scan). */
  private rebuildKeys(profileId: string): void {
    this.sql("DELETE FROM user_index_keys WHERE profile_id = ?").run(profileId);
    this.sql(
      `INSERT OR IGNORE INTO user_index_keys (profile_id, key, user_id)
       SELECT ?, key, user_id FROM (
         SELECT CASE d.n WHEN 0 THEN lower(e.value) ELSE lower('@' || substr(e.value, instr(e.value, '@') + 1)) END AS key, u.user_id
         FROM user_index u, json_each(u.emails) e, (SELECT 0 AS n UNION ALL SELECT 1) d WHERE u.profile_id = ? AND u.emails != '[]'
         UNION ALL SELECT lower(p.value), u.user_id FROM user_index u, json_each(u.phones) p WHERE u.profile_id = ? AND u.phones != '[]'
       ) ORDER BY key, user_id`,
    ).run(profileId, profileId, profileId);
  }

  async watched(profileId: string, tenantId: string): Promise<string[]> {
    return (
      this.sql(
        `SELECT user_id FROM user_index_tenants WHERE profile_id = ? AND tenant_id = ? AND temp = 1
         UNION SELECT user_id FROM user_index_tenants WHERE profile_id = ? AND tenant_id = ? AND invite IS NOT NULL AND invite = 'invited'`,
      ).all(profileId, tenantId, profileId, tenantId) as { user_id: string }[]
    ).map((r) => r.user_id);
  }

  async tenantCount(profileId: string, tenantId: string): Promise<number> {
    return (this.sql("SELECT COUNT(*) AS n FROM user_index_tenants WHERE profile_id = ? AND tenant_id = ?").get(profileId, tenantId) as { n: number }).n;
  }

  async tenantUserIds(profileId: string, tenantId: string): Promise<Set<string>> {
    return new Set((this.sql("SELECT user_id FROM user_index_tenants WHERE profile_id = ? AND tenant_id = ?").all(profileId, tenantId) as { user_id: string }[]).map((r) => r.user_id));
  }

  async removeFromTenant(profileId: string, tenantId: string, userIds: readonly string[]): Promise<void> {
    this.db.transaction(() => {
      for (const id of userIds) {
        const old = this.existing(profileId, id);
        if (!old) continue;
        const others = (JSON.parse(old.tenant_ids) as string[]).filter((t) => t !== tenantId);
        if (others.length === 0) {
          this.dropTenants(profileId, id, old);
          this.dropKeys(profileId, id, old);
          this.sql("DELETE FROM user_index WHERE profile_id = ? AND user_id = ?").run(profileId, id);
          continue;
        }
        this.sql("DELETE FROM user_index_tenants WHERE profile_id = ? AND tenant_id = ? AND time_joined = ? AND user_id = ?").run(profileId, tenantId, old.time_joined, id);
        // An empty signature: whatever the listing shows of it next is read as changed.
        this.sql("UPDATE user_index SET tenant_ids = ?, sig = '' WHERE profile_id = ? AND user_id = ?").run(JSON.stringify(others), profileId, id);
      }
    })();
  }

  async users(profileId: string): Promise<number> {
    return this.usersNow(profileId);
  }

  private usersNow(profileId: string): number {
    return (this.sql("SELECT COUNT(*) AS n FROM user_index WHERE profile_id = ?").get(profileId) as { n: number }).n;
  }

  async meta(profileId: string): Promise<IndexMeta | undefined> {
    return this.sql("SELECT users, built_at, refreshed_at, last_job_id, roster_version FROM user_index_meta WHERE profile_id = ?").get(profileId) as IndexMeta | undefined;
  }

  async noteScanJob(profileId: string, jobId: string): Promise<void> {
    this.sql("INSERT INTO user_index_meta (profile_id, last_job_id) VALUES (?, ?) ON CONFLICT (profile_id) DO UPDATE SET last_job_id = excluded.last_job_id").run(profileId, jobId);
  }

  async noteScanned(profileId: string, full: boolean, at: number, rosterVersion: number): Promise<void> {
    this.sql(
      `INSERT INTO user_index_meta (profile_id, built_at, refreshed_at, roster_version, users) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (profile_id) DO UPDATE SET built_at = COALESCE(excluded.built_at, built_at), refreshed_at = excluded.refreshed_at,
         roster_version = excluded.roster_version, users = excluded.users`,
    ).run(profileId, full ? at : null, at, rosterVersion, this.usersNow(profileId));
  }

  async page(profileId: string, q: IndexPageQuery): Promise<IndexPage> {
    const { count, ids } = pageStatements(profileId, q);
    const matches = (this.sql(count.sql).get(...count.args) as { n: number }).n;
    const found = this.sql(ids.sql).all(...ids.args) as { user_id: string; time_joined: number }[];
    const page = found.slice(0, q.limit).map((r) => r.user_id);
    const rows = this.sql(pageRowsSql("IN (SELECT value FROM json_each(?))")).all(profileId, JSON.stringify(page)) as PageUserRow[];
    return pageOf(q, found, rows, matches);
  }
}
