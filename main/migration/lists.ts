/**
 * The Migration screen's lists per state: roster users as the last classification found them
 * (with the account each has, if any), or SuperTokens users outside the roster; search by the
 * start of the email or legacy id (or user id); CSV export of a whole list. The statements are the
 * same on SQLite and PostgreSQL; the classification store runs them (classification/).
 */
import type { MigrationListState, MigrationRow } from "../../shared/contract/operations/migration.ts";
import { csvCell } from "../services/audit/export-format.ts";

export interface ListQuery {
  state: MigrationListState;
  tenantId?: string | undefined;
  search: string;
}

interface RosterRow {
  state: string;
  legacy_id: string;
  user_id: string | null;
  email: string;
  tenant_id: string;
  email_verified: number;
  created_at: number | null;
  reason: string | null;
  time_joined: number | null;
  phones: string | null;
  mig_at: number | null;
  mig_via: string | null;
}

interface UserRow {
  user_id: string;
  emails: string;
  phones: string;
  tenant_ids: string;
  email_verified: number;
  time_joined: number;
  mig_legacy_id: string | null;
  mig_at: number | null;
  mig_via: string | null;
}

const upper = (prefix: string) => `${prefix}\uffff`;

/** The whole list as CSV (phones masked for auditors by the dispatcher, as everywhere). */
export function listCsv(rows: readonly MigrationRow[]): { csv: string; rows: number } {
  const header = ["state", "legacy_id", "user_id", "email", "phone_numbers", "tenant", "email_verified", "legacy_created", "joined", "migrated_at", "via", "reason"];
  const lines = [header.join(",")];
  const iso = (ms: number | null) => (ms === null ? "" : new Date(ms).toISOString());
  for (const r of rows) {
    lines.push(
      [r.state, r.legacyId ?? "", r.userId ?? "", r.email ?? "", r.phoneNumbers.join(" "), r.tenantId, r.emailVerified ?? "", iso(r.legacyCreatedAt), iso(r.timeJoined), iso(r.migratedAt), r.via ?? "", r.reason ?? ""]
        .map(csvCell)
        .join(","),
    );
  }
  return { csv: lines.join("\r\n") + "\r\n", rows: rows.length };
}

/** A list's statements, with "?" placeholders (each store numbers them as its database wants), and its row mapping. */
export interface ListStatements {
  count: { sql: string; args: unknown[] };
  /** Every row in order; the store appends LIMIT ? OFFSET ? for a page. */
  rows: { sql: string; args: unknown[] };
  map: (row: unknown) => MigrationRow;
}

export function listStatements(profileId: string, q: ListQuery): ListStatements {
  const { from, where, args, order, select, map } = q.state === "outside-roster" ? outsideQuery(profileId, q) : rosterQuery(profileId, q);
  return { count: { sql: `SELECT COUNT(*) AS n ${from} WHERE ${where}`, args }, rows: { sql: `SELECT ${select} ${from} WHERE ${where} ORDER BY ${order}`, args }, map };
}

interface Query {
  from: string;
  where: string;
  args: unknown[];
  order: string;
  select: string;
  map: (row: unknown) => MigrationRow;
}

function rosterQuery(profileId: string, q: ListQuery): Query {
  const where = ["s.profile_id = ?", "s.state = ?"];
  const args: unknown[] = [profileId, q.state];
  if (q.tenantId) {
    where.push("r.tenant_id = ?");
    args.push(q.tenantId);
  }
  const search = q.search.trim().toLowerCase();
  if (search) {
    where.push("((r.email_lower >= ? AND r.email_lower < ?) OR (lower(r.legacy_id) >= ? AND lower(r.legacy_id) < ?))");
    args.push(search, upper(search), search, upper(search));
  }
  return {
    from: `FROM migration_status s
      JOIN migration_roster r ON r.profile_id = s.profile_id AND r.legacy_id = s.legacy_id
      LEFT JOIN user_index u ON u.profile_id = s.profile_id AND u.user_id = s.user_id`,
    where: where.join(" AND "),
    args,
    order: "s.legacy_id",
    select: "s.state, r.legacy_id, s.user_id, r.email, r.tenant_id, r.email_verified, r.created_at, s.reason, u.time_joined, u.phones, u.mig_at, u.mig_via",
    map: (raw) => {
      const r = raw as RosterRow;
      return {
        state: r.state as MigrationListState,
        legacyId: r.legacy_id,
        userId: r.user_id,
        email: r.email,
        phoneNumbers: r.phones ? (JSON.parse(r.phones) as string[]) : [],
        tenantId: r.tenant_id,
        emailVerified: r.email_verified === 1,
        legacyCreatedAt: r.created_at,
        timeJoined: r.time_joined,
        migratedAt: r.mig_at,
        via: r.mig_via,
        reason: r.reason,
      };
    },
  };
}

function outsideQuery(profileId: string, q: ListQuery): Query {
  // One tenant: its rows in join order (they carry the relation to the roster). Every tenant: the
  // users themselves, sorted here (a list of this screen, not the Users page).
  const where = q.tenantId ? ["t.profile_id = ?", "t.tenant_id = ?", "t.rel = 'outside-roster'"] : ["u.profile_id = ?", "u.roster_rel = 'outside-roster'"];
  const args: unknown[] = q.tenantId ? [profileId, q.tenantId] : [profileId];
  const search = q.search.trim().toLowerCase();
  if (search) {
    const keys = /^[+\d]/.test(search) ? [search] : [search, `@${search}`];
    where.push(
      `(EXISTS (SELECT 1 FROM user_index_keys k WHERE k.profile_id = u.profile_id AND k.user_id = u.user_id AND (${keys.map(() => "(k.key >= ? AND k.key < ?)").join(" OR ")}))
        OR (lower(u.user_id) >= ? AND lower(u.user_id) < ?))`,
    );
    for (const k of keys) args.push(k, upper(k));
    args.push(search, upper(search));
  }
  const tenant = q.tenantId;
  return {
    from: q.tenantId ? "FROM user_index_tenants t JOIN user_index u ON u.profile_id = t.profile_id AND u.user_id = t.user_id" : "FROM user_index u",
    where: where.join(" AND "),
    args,
    order: q.tenantId ? "t.time_joined DESC, t.user_id DESC" : "u.time_joined DESC, u.user_id DESC",
    select: "u.user_id, u.emails, u.phones, u.tenant_ids, u.email_verified, u.time_joined, u.mig_legacy_id, u.mig_at, u.mig_via",
    map: (raw) => {
      const u = raw as UserRow;
      const tenants = JSON.parse(u.tenant_ids) as string[];
      return {
        state: "outside-roster",
        legacyId: u.mig_legacy_id,
        userId: u.user_id,
        email: (JSON.parse(u.emails) as string[])[0] ?? null,
        phoneNumbers: JSON.parse(u.phones) as string[],
        tenantId: tenant ?? tenants[0] ?? "",
        emailVerified: u.email_verified === 1,
        legacyCreatedAt: null,
        timeJoined: u.time_joined,
        migratedAt: u.mig_at,
        via: u.mig_via,
        reason: u.mig_legacy_id ? `migrated from legacy id ${u.mig_legacy_id}, which is not in the roster` : null,
      };
    },
  };
}
