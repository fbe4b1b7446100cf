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
}

interface MetaRow {
  built_at: number | null;
  refreshed_at: number | null;
  last_job_id: string | null;
  roster_version: number | null;
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
    return this.sql("SELECT sig, time_joined, emails, phones, tenant_ids FROM user_index WHERE profile_id = ? AND user_id = ?").get(profileId, userId) as Indexed | undefined;
  }

  /** What is indexed of many users, in one statement. */
  private existingMany(profileId: string, ids: readonly string[]): Map<string, Indexed> {
    const rows = this.sql(
      "SELECT user_id, sig, time_joined, emails, phones, tenant_ids FROM user_index WHERE profile_id = ? AND user_id IN (SELECT value FROM json_each(?))",
    ).all(profileId, JSON.stringify(ids)) as (Indexed & { user_id: string })[];
    return new Map(rows.map((r) => [r.user_id, r]));
  }

  /**
   * Writes users as listed. With `meta`, their metadata columns too (users missing from `meta`
   * get empty ones); without, a new user gets empty metadata columns and a known one keeps its own.
   * `seenJob` marks them seen by that scan. Runs inside the caller's transaction when there is one.
   * A few statements per call, whatever the number of users (rows travel as JSON): at 100k users
   * the statements, not the rows, are what costs.
   */
  write(profileId: string, users: readonly ListedUser[], meta: Map<string, MetaColumns> | null, seenJob: string | null): void {
    if (users.length === 0) return;
    const olds = this.existingMany(profileId, users.map((u) => u.id));
    const empty: MetaColumns = { temp: false, sfLink: null, invite: null, migLegacyId: null, migAt: null, migVia: null };
    const full: unknown[][] = [];
    const metaRows: unknown[][] = [];
    const seenOnly: string[] = [];
    const keys: [string, string][] = [];
    const tenants: [string, number, string][] = [];
    const listingOnly = this.sql(
      `UPDATE user_index SET time_joined = ?, emails = ?, phones = ?, login_methods = ?, tenant_ids = ?, email_verified = ?, sig = ?, pl_phone = ?,
         seen_job = COALESCE(?, seen_job) WHERE profile_id = ? AND user_id = ?`,
    );
    const metaRow = (id: string, m: MetaColumns) => [id, m.temp ? 1 : 0, m.sfLink, m.invite, m.migLegacyId, m.migAt, m.migVia];
    for (const u of users) {
      const old = olds.get(u.id);
      const m = meta ? (meta.get(u.id) ?? empty) : null;
      if (old?.sig === u.sig) {
        // Unchanged in the listing: only what the metadata says (when read) and the scan mark.
        if (m) metaRows.push(metaRow(u.id, m));
        else if (seenJob) seenOnly.push(u.id);
        continue;
      }
      if (old) this.dropKeys(profileId, u.id, old);
      for (const k of searchKeys(u.emails, u.phones)) keys.push([k, u.id]);
      for (const t of u.tenantIds) tenants.push([t, u.timeJoined, u.id]);
      const listing = [JSON.stringify(u.emails), JSON.stringify(u.phones), JSON.stringify(u.recipes), JSON.stringify(u.tenantIds), u.emailVerified ? 1 : 0, u.sig, u.plPhone];
      if (old && !m) listingOnly.run(u.timeJoined, ...listing, seenJob, profileId, u.id);
      else full.push([u.id, u.timeJoined, ...listing, ...metaRow(u.id, m ?? empty).slice(1)]);
    }
    if (full.length > 0) {
      this.sql(
        `INSERT INTO user_index (profile_id, user_id, time_joined, emails, phones, login_methods, tenant_ids, email_verified, sig, pl_phone,
           temp_password, sf_link, invite_state, mig_legacy_id, mig_at, mig_via, seen_job)
         SELECT ?, value->>0, value->>1, value->>2, value->>3, value->>4, value->>5, value->>6, value->>7, value->>8,
           value->>9, value->>10, value->>11, value->>12, value->>13, value->>14, ? FROM json_each(?) WHERE true
         ON CONFLICT (profile_id, user_id) DO UPDATE SET time_joined = excluded.time_joined, emails = excluded.emails, phones = excluded.phones,
           login_methods = excluded.login_methods, tenant_ids = excluded.tenant_ids, email_verified = excluded.email_verified, sig = excluded.sig,
           pl_phone = excluded.pl_phone, temp_password = excluded.temp_password, sf_link = excluded.sf_link, invite_state = excluded.invite_state,
           mig_legacy_id = excluded.mig_legacy_id, mig_at = excluded.mig_at, mig_via = excluded.mig_via, seen_job = excluded.seen_job`,
      ).run(profileId, seenJob ?? "", JSON.stringify(full));
    }
    if (metaRows.length > 0) {
      const update = this.sql(
        "UPDATE user_index SET temp_password = ?, sf_link = ?, invite_state = ?, mig_legacy_id = ?, mig_at = ?, mig_via = ?, seen_job = COALESCE(?, seen_job) WHERE profile_id = ? AND user_id = ?",
      );
      for (const [id, ...cols] of metaRows) update.run(...cols, seenJob, profileId, id);
    }
    if (seenOnly.length > 0) {
      this.sql("UPDATE user_index SET seen_job = ? WHERE profile_id = ? AND user_id IN (SELECT value FROM json_each(?))").run(seenJob, profileId, JSON.stringify(seenOnly));
    }
    if (keys.length > 0) {
      this.sql("INSERT OR IGNORE INTO user_index_keys (profile_id, key, user_id) SELECT ?, value->>0, value->>1 FROM json_each(?)").run(profileId, JSON.stringify(keys));
    }
    if (tenants.length > 0) {
      this.sql("INSERT OR IGNORE INTO user_index_tenants (profile_id, tenant_id, time_joined, user_id) SELECT ?, value->>0, value->>1, value->>2 FROM json_each(?)").run(
        profileId,
        JSON.stringify(tenants),
      );
    }
  }

  /** Metadata columns of known users (a refresh of the flags that can change). */
  writeMeta(profileId: string, meta: Map<string, MetaColumns>): void {
    const update = this.sql("UPDATE user_index SET temp_password = ?, sf_link = ?, invite_state = ?, mig_legacy_id = ?, mig_at = ?, mig_via = ? WHERE profile_id = ? AND user_id = ?");
    for (const [id, m] of meta) update.run(m.temp ? 1 : 0, m.sfLink, m.invite, m.migLegacyId, m.migAt, m.migVia, profileId, id);
  }

  /** A user's tenant and key rows, found from what its row was made of (no per-user index needed). */
  private dropKeys(profileId: string, userId: string, old: Indexed): void {
    const tenant = this.sql("DELETE FROM user_index_tenants WHERE profile_id = ? AND tenant_id = ? AND time_joined = ? AND user_id = ?");
    for (const t of JSON.parse(old.tenant_ids) as string[]) tenant.run(profileId, t, old.time_joined, userId);
    const key = this.sql("DELETE FROM user_index_keys WHERE profile_id = ? AND key = ? AND user_id = ?");
    for (const k of searchKeys(JSON.parse(old.emails) as string[], JSON.parse(old.phones) as string[])) key.run(profileId, k, userId);
  }

  /** Users of a tenant with a flag that can change later without the listing showing it (temporary password, a pending invite). */
  watched(profileId: string, tenantId: string): string[] {
    return (
      this.sql(
        `SELECT u.user_id FROM user_index u JOIN user_index_tenants t ON t.profile_id = u.profile_id AND t.user_id = u.user_id
         WHERE u.profile_id = ? AND t.tenant_id = ? AND (u.temp_password = 1 OR u.invite_state = 'invited')`,
      ).all(profileId, tenantId) as { user_id: string }[]
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
    this.dropKeys(profileId, userId, old);
    this.sql("DELETE FROM user_index WHERE profile_id = ? AND user_id = ?").run(profileId, userId);
  }

  /** After a complete full scan: users it did not see are gone from the Core. Returns how many. */
  removeUnseen(profileId: string, jobId: string): number {
    const gone = (this.sql("SELECT user_id FROM user_index WHERE profile_id = ? AND seen_job != ?").all(profileId, jobId) as { user_id: string }[]).map((r) => r.user_id);
    for (const id of gone) this.removeUser(profileId, id);
    return gone.length;
  }

  users(profileId: string): number {
    return (this.sql("SELECT COUNT(*) AS n FROM user_index WHERE profile_id = ?").get(profileId) as { n: number }).n;
  }

  meta(profileId: string): MetaRow | undefined {
    return this.sql("SELECT built_at, refreshed_at, last_job_id, roster_version FROM user_index_meta WHERE profile_id = ?").get(profileId) as MetaRow | undefined;
  }

  noteScanJob(profileId: string, jobId: string): void {
    this.sql("INSERT INTO user_index_meta (profile_id, last_job_id) VALUES (?, ?) ON CONFLICT (profile_id) DO UPDATE SET last_job_id = excluded.last_job_id").run(profileId, jobId);
  }

  noteScanned(profileId: string, full: boolean, at: number, rosterVersion: number): void {
    this.sql(
      `INSERT INTO user_index_meta (profile_id, built_at, refreshed_at, roster_version) VALUES (?, ?, ?, ?)
       ON CONFLICT (profile_id) DO UPDATE SET built_at = COALESCE(excluded.built_at, built_at), refreshed_at = excluded.refreshed_at, roster_version = excluded.roster_version`,
    ).run(profileId, full ? at : null, at, rosterVersion);
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
      users: m?.built_at ? this.users(profileId) : 0,
      scanning,
    };
  }
}
