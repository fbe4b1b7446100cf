/**
 * The local user index in SQLite: what the last scan saw of each SuperTokens user of a profile
 * (the listing's fields, a signature of them, and what its metadata says that the console filters
 * on), each user's tenants in join order, and its emails and phones as search keys.
 */
import { createHash } from "node:crypto";
import type supertokens from "supertokens-node";
import type { IndexFreshness } from "../../../shared/contract/operations/migration.ts";
import { INDEX_STALE_AFTER_MS } from "../../../shared/contract/operations/migration.ts";
import type { JsonObject } from "../../../shared/contract/schemas.ts";
import type { DataContract } from "../../../shared/data-contract.ts";
import type { StoreDb } from "../../store/database.ts";
import { preparedFor, type Prepared } from "../../store/statements.ts";

export type SdkUser = NonNullable<Awaited<ReturnType<typeof supertokens.getUser>>>;

/** A user as the listing shows it, ready to be indexed. */
export interface ListedUser {
  id: string;
  timeJoined: number;
  emails: string[];
  phones: string[];
  recipes: string[];
  tenantIds: string[];
  emailVerified: boolean;
  plPhone: string | null;
  sig: string;
}

/** What the index keeps of a user's metadata. */
export interface MetaColumns {
  temp: boolean;
  sfLink: string | null;
  invite: "invited" | "accepted" | null;
  migLegacyId: string | null;
  migAt: number | null;
  migVia: string | null;
}

export function listedUser(u: SdkUser): ListedUser {
  const methods = u.loginMethods.map((m) => [m.recipeId, m.recipeUserId.getAsString(), m.email ?? null, m.phoneNumber ?? null, m.verified, m.tenantIds, m.thirdParty?.id ?? null]);
  const sig = createHash("sha1")
    .update(JSON.stringify([u.id, u.timeJoined, u.emails, u.phoneNumbers, u.tenantIds, methods]))
    .digest("base64")
    .slice(0, 16);
  return {
    id: u.id,
    timeJoined: u.timeJoined,
    emails: u.emails,
    phones: u.phoneNumbers,
    recipes: [...new Set(u.loginMethods.map((m) => m.recipeId))],
    tenantIds: u.tenantIds,
    emailVerified: u.loginMethods.some((m) => m.email !== undefined && m.verified),
    plPhone: u.loginMethods.find((m) => m.recipeId === "passwordless" && m.phoneNumber)?.phoneNumber ?? null,
    sig,
  };
}

const isObject = (v: unknown): v is JsonObject => typeof v === "object" && v !== null && !Array.isArray(v);

/** A user's search keys: emails, their domains as "@domain" (a search matches an email's start or its domain's), phones; lower case. */
function searchKeys(emails: readonly string[], phones: readonly string[]): string[] {
  const domains = emails.map((e) => `@${e.slice(e.indexOf("@") + 1)}`);
  return [...new Set([...emails, ...domains, ...phones].map((k) => k.toLowerCase()))];
}

export function metaColumns(meta: JsonObject, contract: DataContract): MetaColumns {
  const link = meta[contract.secondFactorUserIdKey];
  const invite = meta[contract.inviteKey];
  const mig = meta[contract.migrationKey];
  return {
    temp: meta[contract.temporaryPasswordKey] === true,
    // An empty link is no link (as the Users list and the backend kit read it).
    sfLink: typeof link === "string" && link !== "" ? link : null,
    invite: isObject(invite) && typeof invite.invitedAt === "number" ? (typeof invite.acceptedAt === "number" ? "accepted" : "invited") : null,
    migLegacyId: isObject(mig) && typeof mig.legacyId === "string" ? mig.legacyId : null,
    migAt: isObject(mig) && typeof mig.migratedAt === "number" ? mig.migratedAt : null,
    migVia: isObject(mig) && typeof mig.via === "string" ? mig.via : null,
  };
}

interface Indexed {
  sig: string;
  time_joined: number;
  emails: string;
  phones: string;
  tenant_ids: string;
  temp_password: number;
  sf_link: string | null;
  invite_state: string | null;
  roster_rel: string;
  sf_state: string;
  mig_legacy_id: string | null;
  mig_at: number | null;
  mig_via: string | null;
}

const INDEXED = "sig, time_joined, emails, phones, tenant_ids, temp_password, sf_link, invite_state, roster_rel, sf_state, mig_legacy_id, mig_at, mig_via";

/** A linked second factor is "linked" until the end of the scan resolves it (enrolled or broken). */
const sfOf = (link: string | null) => (link === null ? "none" : "linked");

interface MetaRow {
  users: number | null;
  built_at: number | null;
  refreshed_at: number | null;
  last_job_id: string | null;
  roster_version: number | null;
}

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

/** Whether what the index keeps of a user's metadata differs from what was just read. */
function metaChanged(old: Indexed, m: MetaColumns): boolean {
  return (
    (old.temp_password === 1) !== m.temp ||
    old.sf_link !== m.sfLink ||
    old.invite_state !== m.invite ||
    old.mig_legacy_id !== m.migLegacyId ||
    old.mig_at !== m.migAt ||
    old.mig_via !== m.migVia
  );
}

export class IndexStore {
  private readonly sql: Prepared;

  constructor(
    readonly db: StoreDb,
    private readonly now: () => number,
  ) {
    this.sql = preparedFor(db);
  }

  sigOf(profileId: string, userId: string): string | undefined {
    return this.existing(profileId, userId)?.sig;
  }

  /** What is indexed of a user: its signature, and what its tenant and key rows were made from. */
  private existing(profileId: string, userId: string): Indexed | undefined {
    return this.sql(`SELECT ${INDEXED} FROM user_index WHERE profile_id = ? AND user_id = ?`).get(profileId, userId) as Indexed | undefined;
  }

  /** What is indexed of many users, in one statement. */
  private existingMany(profileId: string, ids: readonly string[]): Map<string, Indexed> {
    const rows = this.sql(
      `SELECT user_id, ${INDEXED} FROM user_index WHERE profile_id = ? AND user_id IN (SELECT value FROM json_each(?))`,
    ).all(profileId, JSON.stringify(ids)) as (Indexed & { user_id: string })[];
    return new Map(rows.map((r) => [r.user_id, r]));
  }

  /**
   * Writes users as listed. With `meta`, their metadata columns too (users missing from `meta`
   * get empty ones); without, a new user gets empty metadata columns and a known one keeps its own.
   * Runs inside the caller's transaction when there is one.
   * A few statements per call, whatever the number of users: the statements, not the rows, cost.
   * (A full scan does not come here: it stages its users and replaces the index at its end.)
   */
  write(profileId: string, users: readonly ListedUser[], meta: Map<string, MetaColumns> | null): void {
    if (users.length === 0) return;
    const olds = this.existingMany(profileId, users.map((u) => u.id));
    const empty: MetaColumns = { temp: false, sfLink: null, invite: null, migLegacyId: null, migAt: null, migVia: null };
    const full: unknown[][] = [];
    const changedMeta = new Map<string, MetaColumns>();
    const keys: [string, string][] = [];
    const tenants: unknown[][] = [];
    const listingOnly = this.sql(
      `UPDATE user_index SET time_joined = ?, emails = ?, phones = ?, login_methods = ?, tenant_ids = ?, email_verified = ?, sig = ?, pl_phone = ?
         WHERE profile_id = ? AND user_id = ?`,
    );
    for (const u of users) {
      const old = olds.get(u.id);
      const m = meta ? (meta.get(u.id) ?? empty) : null;
      if (old?.sig === u.sig) {
        // Unchanged in the listing: only what the metadata says, when it says something new.
        if (m && metaChanged(old, m)) changedMeta.set(u.id, m);
        continue;
      }
      if (old) this.dropTenants(profileId, u.id, old);
      if (old) this.dropKeys(profileId, u.id, old);
      for (const k of searchKeys(u.emails, u.phones)) keys.push([k, u.id]);
      const listing = [JSON.stringify(u.emails), JSON.stringify(u.phones), JSON.stringify(u.recipes), JSON.stringify(u.tenantIds), u.emailVerified ? 1 : 0, u.sig, u.plPhone];
      // What the filters ask, kept on each tenant row: from the metadata just read, else as indexed.
      const temp = m ? m.temp : old?.temp_password === 1;
      const invite = m ? m.invite : (old?.invite_state ?? null);
      const sf = m ? sfOf(m.sfLink) : (old?.sf_state ?? "none");
      for (const t of u.tenantIds) tenants.push([t, u.timeJoined, u.id, temp ? 1 : 0, old?.roster_rel ?? "outside-roster", sf, invite]);
      if (old && !m) listingOnly.run(u.timeJoined, ...listing, profileId, u.id);
      else {
        const c = m ?? empty;
        full.push([u.id, u.timeJoined, ...listing, c.temp ? 1 : 0, c.sfLink, c.invite, c.migLegacyId, c.migAt, c.migVia, sf]);
      }
    }
    // Many rows per statement (no JSON to encode and parse again): ROWS_PER_INSERT, then one by one.
    let i = 0;
    for (; i + ROWS_PER_INSERT <= full.length; i += ROWS_PER_INSERT) {
      this.sql(upsertSql(ROWS_PER_INSERT)).run(full.slice(i, i + ROWS_PER_INSERT).flatMap((r) => [profileId, ...r, ""]));
    }
    for (; i < full.length; i++) this.sql(upsertSql(1)).run(profileId, ...(full[i] ?? []), "");
    let t = 0;
    for (; t + ROWS_PER_INSERT <= tenants.length; t += ROWS_PER_INSERT) this.sql(tenantSql(ROWS_PER_INSERT)).run(tenants.slice(t, t + ROWS_PER_INSERT).flatMap((r) => [profileId, ...r]));
    for (; t < tenants.length; t++) this.sql(tenantSql(1)).run(profileId, ...(tenants[t] ?? []));
    if (changedMeta.size > 0) this.applyMeta(profileId, changedMeta, olds);
    if (keys.length > 0) {
      this.sql("INSERT OR IGNORE INTO user_index_keys (profile_id, key, user_id) SELECT ?, value->>0, value->>1 FROM json_each(?)").run(profileId, JSON.stringify(keys));
    }
  }

  /** Appends users a full scan read to its stage (no lookups, no index: the cheapest write there is). */
  stage(jobId: string, users: readonly ListedUser[], meta: Map<string, MetaColumns>): void {
    const empty: MetaColumns = { temp: false, sfLink: null, invite: null, migLegacyId: null, migAt: null, migVia: null };
    const rows = users.map((u) => {
      const m = meta.get(u.id) ?? empty;
      return [jobId, u.id, u.timeJoined, JSON.stringify(u.emails), JSON.stringify(u.phones), JSON.stringify(u.recipes), JSON.stringify(u.tenantIds), u.emailVerified ? 1 : 0, u.sig, u.plPhone, m.temp ? 1 : 0, m.sfLink, m.invite, m.migLegacyId, m.migAt, m.migVia];
    });
    let i = 0;
    for (; i + ROWS_PER_INSERT <= rows.length; i += ROWS_PER_INSERT) this.sql(stageSql(ROWS_PER_INSERT)).run(rows.slice(i, i + ROWS_PER_INSERT).flat());
    for (; i < rows.length; i++) this.sql(stageSql(1)).run(...(rows[i] ?? []));
  }

  /**
   * The end of a complete full scan: the profile's index becomes what the scan staged, written
   * sorted by key in one transaction (users listed in several tenants once), its search keys made
   * again, and the stage emptied. Returns how many users the index lost.
   */
  replaceFromStage(profileId: string, jobId: string): number {
    const before = this.users(profileId);
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
    return Math.max(0, before - this.users(profileId));
  }

  /** The stage of a scan that will never finish (cancelled, failed): dropped before the next one. */
  dropStage(jobId: string): void {
    this.sql("DELETE FROM user_index_stage WHERE job_id = ?").run(jobId);
  }

  /** Metadata columns of known users (a refresh of the flags that can change); only those that changed are written. */
  writeMeta(profileId: string, meta: Map<string, MetaColumns>): void {
    const olds = this.existingMany(profileId, [...meta.keys()]);
    const changed = new Map([...meta].filter(([id, m]) => {
      const old = olds.get(id);
      return old !== undefined && metaChanged(old, m);
    }));
    this.applyMeta(profileId, changed, olds);
  }

  /** New metadata columns for indexed users, on their row and on their tenant rows. */
  private applyMeta(profileId: string, meta: Map<string, MetaColumns>, olds: Map<string, Indexed>): void {
    const update = this.sql("UPDATE user_index SET temp_password = ?, sf_link = ?, invite_state = ?, mig_legacy_id = ?, mig_at = ?, mig_via = ?, sf_state = ? WHERE profile_id = ? AND user_id = ?");
    const tenant = this.sql("UPDATE user_index_tenants SET temp = ?, invite = ?, sf = ? WHERE profile_id = ? AND tenant_id = ? AND time_joined = ? AND user_id = ?");
    for (const [id, m] of meta) {
      const old = olds.get(id);
      if (!old) continue;
      const sf = old.sf_link === m.sfLink ? old.sf_state : sfOf(m.sfLink);
      update.run(m.temp ? 1 : 0, m.sfLink, m.invite, m.migLegacyId, m.migAt, m.migVia, sf, profileId, id);
      for (const t of JSON.parse(old.tenant_ids) as string[]) tenant.run(m.temp ? 1 : 0, m.invite, sf, profileId, t, old.time_joined, id);
    }
  }

  /** Sets how users relate to the roster, on their rows and tenant rows (classification). */
  setRel(profileId: string, rel: Map<string, string>): void {
    const olds = this.existingMany(profileId, [...rel.keys()]);
    const update = this.sql("UPDATE user_index SET roster_rel = ? WHERE profile_id = ? AND user_id = ?");
    const tenant = this.sql("UPDATE user_index_tenants SET rel = ? WHERE profile_id = ? AND tenant_id = ? AND time_joined = ? AND user_id = ?");
    for (const [id, value] of rel) {
      const old = olds.get(id);
      if (!old || old.roster_rel === value) continue;
      update.run(value, profileId, id);
      for (const t of JSON.parse(old.tenant_ids) as string[]) tenant.run(value, profileId, t, old.time_joined, id);
    }
  }

  /** Users not outside the roster after the last classification, with how. */
  relations(profileId: string): Map<string, string> {
    const rows = this.sql("SELECT user_id, roster_rel FROM user_index WHERE profile_id = ? AND roster_rel != 'outside-roster'").all(profileId) as { user_id: string; roster_rel: string }[];
    return new Map(rows.map((r) => [r.user_id, r.roster_rel]));
  }

  /**
   * Resolves every linked second factor against the index (after a scan): enrolled when the linked
   * Passwordless user is indexed with a phone, broken otherwise; rows and tenant rows that change.
   */
  resolveSecondFactors(profileId: string): void {
    const changed = this.sql(`UPDATE user_index AS u SET sf_state = ${SF_NOW} WHERE u.profile_id = ? AND u.sf_link IS NOT NULL AND u.sf_state != ${SF_NOW} RETURNING user_id`).all(profileId);
    if (changed.length === 0) return;
    this.sql(
      `UPDATE user_index_tenants AS t SET sf = (SELECT u.sf_state FROM user_index u WHERE u.profile_id = t.profile_id AND u.user_id = t.user_id)
       WHERE t.profile_id = ? AND t.sf != 'none'`,
    ).run(profileId);
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

  /** Users of a tenant with a flag that can change later without the listing showing it (temporary password, a pending invite). */
  watched(profileId: string, tenantId: string): string[] {
    return (
      this.sql(
        `SELECT user_id FROM user_index_tenants WHERE profile_id = ? AND tenant_id = ? AND temp = 1
         UNION SELECT user_id FROM user_index_tenants WHERE profile_id = ? AND tenant_id = ? AND invite IS NOT NULL AND invite = 'invited'`,
      ).all(profileId, tenantId, profileId, tenantId) as { user_id: string }[]
    ).map((r) => r.user_id);
  }

  tenantCount(profileId: string, tenantId: string): number {
    return (this.sql("SELECT COUNT(*) AS n FROM user_index_tenants WHERE profile_id = ? AND tenant_id = ?").get(profileId, tenantId) as { n: number }).n;
  }

  tenantUserIds(profileId: string, tenantId: string): Set<string> {
    return new Set((this.sql("SELECT user_id FROM user_index_tenants WHERE profile_id = ? AND tenant_id = ?").all(profileId, tenantId) as { user_id: string }[]).map((r) => r.user_id));
  }

  /** Users the tenant's listing no longer has: out of that tenant; users left in no tenant go. */
  removeFromTenant(profileId: string, tenantId: string, userIds: readonly string[]): void {
    for (const id of userIds) {
      const old = this.existing(profileId, id);
      if (!old) continue;
      const others = (JSON.parse(old.tenant_ids) as string[]).filter((t) => t !== tenantId);
      if (others.length === 0) {
        this.removeUser(profileId, id);
        continue;
      }
      this.sql("DELETE FROM user_index_tenants WHERE profile_id = ? AND tenant_id = ? AND time_joined = ? AND user_id = ?").run(profileId, tenantId, old.time_joined, id);
      // An empty signature: whatever the listing shows of it next is read as changed.
      this.sql("UPDATE user_index SET tenant_ids = ?, sig = '' WHERE profile_id = ? AND user_id = ?").run(JSON.stringify(others), profileId, id);
    }
  }

  private removeUser(profileId: string, userId: string): void {
    const old = this.existing(profileId, userId);
    if (!old) return;
    this.dropTenants(profileId, userId, old);
    this.dropKeys(profileId, userId, old);
    this.sql("DELETE FROM user_index WHERE profile_id = ? AND user_id = ?").run(profileId, userId);
  }

  users(profileId: string): number {
    return (this.sql("SELECT COUNT(*) AS n FROM user_index WHERE profile_id = ?").get(profileId) as { n: number }).n;
  }

  meta(profileId: string): MetaRow | undefined {
    return this.sql("SELECT users, built_at, refreshed_at, last_job_id, roster_version FROM user_index_meta WHERE profile_id = ?").get(profileId) as MetaRow | undefined;
  }

  noteScanJob(profileId: string, jobId: string): void {
    this.sql("INSERT INTO user_index_meta (profile_id, last_job_id) VALUES (?, ?) ON CONFLICT (profile_id) DO UPDATE SET last_job_id = excluded.last_job_id").run(profileId, jobId);
  }

  noteScanned(profileId: string, full: boolean, at: number, rosterVersion: number): void {
    this.sql(
      `INSERT INTO user_index_meta (profile_id, built_at, refreshed_at, roster_version, users) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (profile_id) DO UPDATE SET built_at = COALESCE(excluded.built_at, built_at), refreshed_at = excluded.refreshed_at,
         roster_version = excluded.roster_version, users = excluded.users`,
    ).run(profileId, full ? at : null, at, rosterVersion, this.users(profileId));
  }

  /** How fresh the index is; `scanning` is filled by the caller, who knows the job engine. */
  freshness(profileId: string, scanning: IndexFreshness["scanning"] = null): IndexFreshness {
    const m = this.meta(profileId);
    const refreshedAt = m?.refreshed_at ?? null;
    const ageMs = refreshedAt === null ? null : Math.max(0, this.now() - refreshedAt);
    return {
      state: m?.built_at ? "ready" : "none",
      builtAt: m?.built_at ?? null,
      refreshedAt,
      ageMs,
      stale: ageMs === null || ageMs > INDEX_STALE_AFTER_MS,
      users: m?.built_at ? (m.users ?? this.users(profileId)) : 0,
      scanning,
    };
  }
}
