/**
 * The Users list's filters answered from the local user index (temporary password, relation to the
 * migration roster, second-factor state, invited/accepted), in the list's order (join time, then
 * id) with a token of its own, and the count of all matches. Rows hold what the last scan saw;
 * the caller adds live roles and SuperTokens ids.
 */
import type { IndexFreshness } from "../../../shared/contract/operations/migration.ts";
import type { SecondFactor, UserRow } from "../../../shared/contract/schemas.ts";
import { GatehouseError } from "../../../shared/contract/errors.ts";
import type { IndexPage } from "./store.ts";

export interface IndexFilters {
  secondFactor?: "enrolled" | "none" | "broken" | undefined;
  temporaryPassword?: boolean | undefined;
  migrationState?: "migrated" | "temporary-password" | "conflict" | "outside-roster" | undefined;
  invite?: "invited" | "accepted" | undefined;
}

export interface IndexPageQuery extends IndexFilters {
  tenantId: string;
  order: "newest" | "oldest";
  search?: string | undefined;
  limit: number;
  paginationToken?: string | undefined;
}

/** A row without roles (live, from the role index) and without the SuperTokens id of mapped users (looked up per page). */
export type IndexRow = Omit<UserRow, "roles" | "superTokensUserId">;

/** A user of the page as the store reads it (its row, and its second-factor user's). */
export interface PageUserRow {
  user_id: string;
  time_joined: number;
  emails: string;
  phones: string;
  login_methods: string;
  tenant_ids: string;
  email_verified: number;
  temp_password: number;
  sf_link: string | null;
  sf_exists: number | boolean;
  sf_phone: string | null;
}

const TOKEN_PREFIX = "index:";

export const usesIndexFilter = (f: IndexFilters): boolean => f.temporaryPassword !== undefined || f.migrationState !== undefined || f.invite !== undefined;

/** Where a query string stops being a prefix: the next key after every string starting with it. */
const upper = (prefix: string) => `${prefix}\uffff`;

/** A statement with "?" placeholders and its arguments (each store numbers them as its database wants). */
export interface Statement {
  sql: string;
  args: unknown[];
}

/**
 * The statements of a page: the count of all matches, and the page's user ids in order (limit + 1,
 * to know whether there is a next page). The store then reads those users by id (pageRowsSql)
 * and puts the page together (pageOf).
 */
export function pageStatements(profileId: string, q: IndexPageQuery): { count: Statement; ids: Statement } {
  // The filters read the tenant rows alone (they carry what the filters ask, with a partial index
  // per rare value); the page's users are then read by id. Values are the contract's enums, written
  // into the SQL so that SQLite sees which partial index applies.
  const where: string[] = ["t.profile_id = ?", "t.tenant_id = ?"];
  const args: unknown[] = [profileId, q.tenantId];
  if (q.temporaryPassword !== undefined) where.push(`t.temp = ${q.temporaryPassword ? 1 : 0}`);
  if (q.migrationState) where.push(q.migrationState === "outside-roster" ? "t.rel = 'outside-roster'" : `t.rel != 'outside-roster' AND t.rel = '${literal(q.migrationState)}'`);
  if (q.invite) where.push(`t.invite IS NOT NULL AND t.invite = '${literal(q.invite)}'`);
  if (q.secondFactor) where.push(q.secondFactor === "none" ? "t.sf = 'none'" : `t.sf != 'none' AND t.sf = '${literal(q.secondFactor)}'`);
  const search = q.search?.trim().toLowerCase();
  if (search) {
    const phone = /^[+\d]/.test(search);
    // Any of the ";"-separated terms, as the Core reads a search: an email or phone by its start, an email by its domain's.
    const terms = search.split(";").map((s) => s.trim()).filter((s) => s !== "");
    const keys = terms.flatMap((term) => (phone ? [term] : [term, `@${term}`]));
    where.push(`t.user_id IN (SELECT k.user_id FROM user_index_keys k WHERE k.profile_id = ? AND (${keys.map(() => "(k.key >= ? AND k.key < ?)").join(" OR ")}))`);
    args.push(profileId);
    for (const k of keys) args.push(k, upper(k));
  }
  const desc = q.order === "newest";
  const pageWhere = [...where];
  const pageArgs = [...args];
  const after = decodeToken(q.paginationToken);
  if (after) {
    pageWhere.push(desc ? "(t.time_joined, t.user_id) < (?, ?)" : "(t.time_joined, t.user_id) > (?, ?)");
    pageArgs.push(after.timeJoined, after.userId);
  }
  const dir = desc ? "DESC" : "ASC";
  return {
    count: { sql: `SELECT COUNT(*) AS n FROM user_index_tenants t WHERE ${where.join(" AND ")}`, args },
    ids: { sql: `SELECT t.user_id, t.time_joined FROM user_index_tenants t WHERE ${pageWhere.join(" AND ")} ORDER BY t.time_joined ${dir}, t.user_id ${dir} LIMIT ?`, args: [...pageArgs, q.limit + 1] },
  };
}

/** The page's users by id, with their second-factor user: `ids` is the store's way of saying "one of these ids" for the last argument. */
export const pageRowsSql = (ids: string) =>
  `SELECT u.user_id, u.time_joined, u.emails, u.phones, u.login_methods, u.tenant_ids, u.email_verified, u.temp_password, u.sf_link,
          p.user_id IS NOT NULL AS sf_exists, p.pl_phone AS sf_phone
   FROM user_index u LEFT JOIN user_index p ON p.profile_id = u.profile_id AND p.user_id = u.sf_link
   WHERE u.profile_id = ? AND u.user_id ${ids}`;

/** The page from the ids in order (limit + 1 of them) and their rows. */
export function pageOf(q: IndexPageQuery, ids: readonly { user_id: string; time_joined: number }[], rows: readonly PageUserRow[], matches: number): IndexPage {
  const more = ids.length > q.limit;
  const page = ids.slice(0, q.limit);
  const byId = new Map(rows.map((r) => [r.user_id, r]));
  const last = page.at(-1);
  return {
    rows: page.flatMap((r) => {
      const row = byId.get(r.user_id);
      return row ? [toRow(row)] : [];
    }),
    nextPaginationToken: more && last ? encodeToken(last.time_joined, last.user_id) : null,
    matches,
  };
}

/** The contract's enum values only: never anything with a quote. */
const literal = (value: string) => {
  if (!/^[a-z-]+$/.test(value)) throw new GatehouseError({ code: "VALIDATION", message: `"${value}" is not a filter value.` });
  return value;
};

function toRow(r: PageUserRow): IndexRow {
  return {
    id: r.user_id,
    emails: JSON.parse(r.emails) as string[],
    phoneNumbers: JSON.parse(r.phones) as string[],
    loginMethods: JSON.parse(r.login_methods) as string[],
    tenantIds: JSON.parse(r.tenant_ids) as string[],
    timeJoined: r.time_joined,
    emailVerified: r.email_verified === 1,
    temporaryPassword: r.temp_password === 1,
    secondFactor: secondFactorOf(r),
  };
}

function secondFactorOf(r: PageUserRow): SecondFactor {
  if (r.sf_link === null) return { state: "none" };
  if (!r.sf_exists) return { state: "broken", passwordlessUserId: r.sf_link, reason: "missing-user" };
  if (r.sf_phone === null) return { state: "broken", passwordlessUserId: r.sf_link, reason: "no-phone" };
  return { state: "enrolled", passwordlessUserId: r.sf_link, phoneNumber: r.sf_phone };
}

const encodeToken = (timeJoined: number, userId: string) => TOKEN_PREFIX + Buffer.from(JSON.stringify([timeJoined, userId])).toString("base64url");

function decodeToken(token: string | undefined): { timeJoined: number; userId: string } | null {
  if (!token) return null;
  try {
    if (!token.startsWith(TOKEN_PREFIX)) throw new Error("not ours");
    const [timeJoined, userId] = JSON.parse(Buffer.from(token.slice(TOKEN_PREFIX.length), "base64url").toString("utf8")) as [unknown, unknown];
    if (typeof timeJoined !== "number" || typeof userId !== "string") throw new Error("malformed");
    return { timeJoined, userId };
  } catch {
    throw new GatehouseError({ code: "VALIDATION", field: "paginationToken", message: "paginationToken: this token is not one of the user index's (the filter changed?): start from the first page." });
  }
}

/** The index's answer to a Users-list filter needs an index: say how to get one. */
export function requireIndex(freshness: IndexFreshness): void {
  if (freshness.state === "none") {
    throw new GatehouseError({
      code: "CONFLICT",
      message: "This filter is answered from the local user index, which has not been built for this connection yet. Build it on the Migration screen (Scan), then filter again.",
    });
  }
}
