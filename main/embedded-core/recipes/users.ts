/**
 * The user listing, counting, look-up and deletion endpoints. Listing uses keyset pagination on
 * (time_joined, user_id) per tenant, so the last page of 100k users costs what the first does;
 * email and phone searches are prefix range scans on per-tenant indexes.
 */
import type { Accounts, RecipeId, UserRow } from "../accounts/accounts.ts";
import { normaliseEmail, normalisePhoneNumber } from "../accounts/normalize.ts";
import type { CoreDeps, Route } from "../context.ts";
import { badRequest } from "../http/errors.ts";

const MAX_LIMIT = 500;
const DEFAULT_LIMIT = 100;
/** Every recipe id the Core knows; only the first two have users in the embedded core. */
const RECIPES = [
  "emailpassword", "passwordless", "thirdparty", "session", "emailverification", "jwt", "usermetadata", "userroles",
  "useridmapping", "dashboard", "totp", "multitenancy", "accountlinking", "mfa", "oauth", "webauthn",
] as const;
/** Each recipe's share of a search is capped like the Core's per-table sub-queries. */
export const SEARCH_CAP_PER_RECIPE = 1000;

export function usersRoutes(deps: CoreDeps, accounts: Accounts, deleteUser: (anyId: string) => void): Route[] {
  const { db } = deps;

  /** includeRecipeIds (getCommaSeparatedStringArrayQueryParamOrThrowError): each id must be a Core recipe. */
  function recipeFilter(raw: string | undefined): string[] | undefined {
    if (raw === undefined) return undefined;
    const ids = raw.trim().split(",").map((r) => r.trim()).filter((r) => r !== "");
    for (const id of ids) {
      if (!(RECIPES as readonly string[]).includes(id.toLowerCase())) throw badRequest(`Unknown recipe ID: ${id}`);
    }
    return ids.length > 0 ? ids.map((id) => id.toLowerCase()) : undefined;
  }

  // Each handler reads and checks its input in the order of the Core's API class (UsersAPI,
  // UsersCountAPI, …) and looks the tenant up at the same point, so the same error wins.
  return [
    {
      method: "GET",
      path: "/users/count",
      scope: "tenant",
      checksInHandler: true,
      handler: (req) => {
        const { query } = req;
        const rawRecipes = query.optString("includeRecipeIds");
        const includeAllTenants = query.optString("includeAllTenants");
        const recipes = recipeFilter(rawRecipes);
        const allTenants = includeAllTenants?.toLowerCase() === "true";
        const where: string[] = [];
        const args: unknown[] = [];
        if (allTenants) {
          req.app();
          req.appStorages();
        } else {
          where.push("tenant_id = ?");
          args.push(req.tenant());
        }
        if (recipes) {
          where.push(`recipe_id IN (${recipes.map(() => "?").join(",")})`);
          args.push(...recipes);
        }
        // Users in no tenant are not counted, not even app-wide, as in the Core.
        const sql = allTenants
          ? `SELECT COUNT(DISTINCT user_id) AS n FROM user_tenants ${where.length ? "WHERE " + where.join(" AND ") : ""}`
          : `SELECT COUNT(*) AS n FROM user_tenants WHERE ${where.join(" AND ")}`;
        const { n } = db.prepare(sql).get(...args) as { n: number };
        return { status: "OK", count: n };
      },
    },
    {
      method: "GET",
      path: "/users",
      scope: "tenant",
      checksInHandler: true,
      handler: (req) => {
        const { query } = req;
        // UsersAPI: recipe ids, then the tenant, then paging, order, search tags, and the limit's range.
        const recipes = recipeFilter(query.optString("includeRecipeIds"));
        const tenantId = req.tenant();
        const token = query.optString("paginationToken");
        const requestedLimit = query.optInteger("limit");
        const order = query.optString("timeJoinedOrder") ?? "ASC";
        if (order !== "ASC" && order !== "DESC") throw badRequest("timeJoinedOrder can be either ASC OR DESC");
        const search = searchClause(query.optString("email"), query.optString("phone"), query.optString("provider"));
        if (requestedLimit !== undefined && requestedLimit > MAX_LIMIT && !search) throw badRequest(`max limit allowed is ${MAX_LIMIT}`);
        if (requestedLimit !== undefined && requestedLimit < 1) throw badRequest("limit must a positive integer with min value 1");
        const limit = requestedLimit ?? DEFAULT_LIMIT;
        const after = token !== undefined ? decodePaginationToken(token) : undefined;
        // Ties on time_joined go by user id descending in both orders, as in the Core.
        const orderBy = `ORDER BY time_joined ${order}, user_id DESC`;

        if (search) {
          // A search ignores limit, paging and the recipe filter, and never returns a token.
          if (search === "none") return { status: "OK", users: [] };
          return { status: "OK", users: accounts.toCoreUsers(loadRows(searchIds(tenantId, search, order))) };
        }

        const where = ["tenant_id = ?"];
        const args: unknown[] = [tenantId];
        if (recipes) {
          where.push(`recipe_id IN (${recipes.map(() => "?").join(",")})`);
          args.push(...recipes);
        }
        if (after) {
          // The leading bound is redundant but lets SQLite seek the index to the page instead of scanning to it.
          where.push(order === "DESC" ? "time_joined <= ? AND (time_joined < ? OR user_id <= ?)" : "time_joined >= ? AND (time_joined > ? OR user_id <= ?)");
          args.push(after.timeJoined, after.timeJoined, after.userId);
        }
        const rows = db
          .prepare(`SELECT user_id, time_joined FROM user_tenants WHERE ${where.join(" AND ")} ${orderBy} LIMIT ?`)
          .all(...args, limit + 1) as { user_id: string; time_joined: number }[];
        const page = rows.slice(0, limit);
        const next = rows[limit];
        const users = accounts.toCoreUsers(loadRows(page.map((r) => r.user_id)));
        const result: { status: "OK"; users: unknown[]; nextPaginationToken?: string } = { status: "OK", users };
        if (next) result.nextPaginationToken = encodePaginationToken(next.user_id, next.time_joined);
        return result;
      },
    },
    {
      method: "GET",
      path: "/user/id",
      scope: "app",
      checksInHandler: true,
      handler: (req) => {
        const userId = req.query.string("userId");
        // GetUserByIdAPI looks the app up, then refuses a tenant prefix.
        req.app();
        req.appStorages();
        const found = accounts.resolve(userId);
        if (!found) return { status: "UNKNOWN_USER_ID_ERROR" };
        return { status: "OK", user: accounts.toCoreUser(found.row) };
      },
    },
    {
      method: "GET",
      path: "/users/by-accountinfo",
      scope: "tenant",
      checksInHandler: true,
      handler: (req) => {
        const { query } = req;
        const email = query.optString("email");
        const phoneRaw = query.optString("phoneNumber");
        const phone = phoneRaw !== undefined ? normalisePhoneNumber(phoneRaw) : undefined;
        const thirdPartyId = query.optString("thirdPartyId");
        const thirdPartyUserId = query.optString("thirdPartyUserId");
        const webauthnCredentialId = query.optString("webauthnCredentialId");
        const unionRaw = query.string("doUnionOfAccountInfo");
        if (unionRaw !== "true" && unionRaw !== "false") throw badRequest("'doUnionOfAccountInfo' should be either 'true' or 'false'");
        const union = unionRaw === "true";
        if ((thirdPartyId === undefined) !== (thirdPartyUserId === undefined)) {
          throw badRequest("If 'thirdPartyId' is provided, 'thirdPartyUserId' must also be provided, and vice versa");
        }
        const tenantId = req.tenant();
        const criteria: { column: string; value: string }[] = [];
        if (email !== undefined) criteria.push({ column: "email", value: normaliseEmail(email) });
        if (phone !== undefined) criteria.push({ column: "phone_number", value: phone });
        if (thirdPartyId !== undefined || webauthnCredentialId !== undefined) {
          // The embedded core has no third-party or WebAuthn users, so such criteria match nobody.
          criteria.push({ column: "user_id", value: "\u0000" });
        }
        if (criteria.length === 0) return { status: "OK", users: [] };
        const joiner = union ? " OR " : " AND ";
        const sql =
          `SELECT user_id FROM user_tenants WHERE tenant_id = ? AND (${criteria.map((c) => `${c.column} = ?`).join(joiner)}) ` +
          "ORDER BY time_joined, user_id";
        const ids = (db.prepare(sql).all(tenantId, ...criteria.map((c) => c.value)) as { user_id: string }[]).map((r) => r.user_id);
        return { status: "OK", users: accounts.toCoreUsers(loadRows(ids)) };
      },
    },
    {
      method: "POST",
      path: "/user/remove",
      scope: "app",
      checksInHandler: true,
      handler: (req) => {
        const userId = req.body.string("userId");
        req.body.optBoolean("removeAllLinkedAccounts", true);
        // DeleteUserAPI searches all of the app's storages first (an unknown app is named alone).
        req.appStorages();
        deleteUser(userId);
        return { status: "OK" };
      },
    },
  ];

  /**
   * The Core (GeneralQueries.getUsers in 11.4.7) runs one sub-query per recipe table the tags
   * search, each with "LIMIT 1000" and no ORDER BY, unions them and only then orders by join
   * time. So a search returns at most 1,000 users per recipe, and which 1,000 is up to the
   * database; here they are the recipe's earliest joined matches (a table's natural order).
   */
  function searchIds(tenantId: string, search: SearchClause, order: "ASC" | "DESC"): string[] {
    const perRecipe = search.recipes.map(
      // "+time_joined" keeps SQLite on the email/phone indexes (a prefix range) rather than
      // walking every user in join order and testing each one.
      () =>
        `SELECT * FROM (SELECT user_id, time_joined FROM user_tenants WHERE tenant_id = ? AND recipe_id = ? AND ${search.sql} ` +
        `ORDER BY +time_joined ASC, user_id DESC LIMIT ${SEARCH_CAP_PER_RECIPE})`,
    );
    const args = search.recipes.flatMap((recipe) => [tenantId, recipe, ...search.args]);
    const rows = db.prepare(`${perRecipe.join(" UNION ALL ")} ORDER BY time_joined ${order}, user_id DESC`).all(...args) as { user_id: string }[];
    return rows.map((r) => r.user_id);
  }

  function loadRows(ids: string[]): UserRow[] {
    if (ids.length === 0) return [];
    const rows = db.prepare(`SELECT * FROM users WHERE user_id IN (${ids.map(() => "?").join(",")})`).all(...ids) as UserRow[];
    const byId = new Map(rows.map((r) => [r.user_id, r]));
    return ids.map((id) => byId.get(id)).filter((r): r is UserRow => r !== undefined);
  }
}

interface SearchClause {
  sql: string;
  args: unknown[];
  /** The recipes (tables) the Core searches for this set of tags. */
  recipes: RecipeId[];
}

/**
 * The Core's search tags: each may hold several values separated by ";" (any of them may match).
 * email matches a prefix of the email or of its domain; phone a prefix of the E.164 number;
 * provider a third-party id (the embedded core has no third-party users). Which recipes are
 * searched depends on the set of tags (DashboardSearchTags.should…TableBeSearched), so some
 * combinations can never match ("none").
 */
function searchClause(email: string | undefined, phone: string | undefined, provider: string | undefined): SearchClause | "none" | undefined {
  const values = (raw: string | undefined): string[] =>
    raw === undefined ? [] : raw.split(";").map((v) => v.trim().toLowerCase()).filter((v) => v !== "");
  const emails = values(email);
  const phones = values(phone);
  const providers = values(provider);
  if (!emails.length && !phones.length && !providers.length) return undefined;
  if (providers.length) return "none";
  const parts: string[] = [];
  const args: unknown[] = [];
  const prefix = (column: string, v: string): void => {
    parts.push(`(${column} >= ? AND ${column} < ?)`);
    args.push(v, `${v}\uffff`);
  };
  const any = (list: string[], add: (v: string) => void): void => {
    const start = parts.length;
    list.forEach(add);
    parts.splice(start, parts.length - start, `(${parts.slice(start).join(" OR ")})`);
  };
  if (emails.length) {
    any(emails, (v) => {
      prefix("email", v);
      prefix("email_domain", v);
    });
  }
  if (phones.length) any(phones, (v) => prefix("phone_number", v));
  // Email alone searches every table with emails; a phone (with or without email) only Passwordless.
  const recipes: RecipeId[] = phones.length ? ["passwordless"] : ["emailpassword", "passwordless"];
  return { sql: parts.join(" AND "), args, recipes };
}

/** The Core's token: base64 of "<userId>;<timeJoined>" naming the first user of the next page. */
export function encodePaginationToken(userId: string, timeJoined: number): string {
  return Buffer.from(`${userId};${timeJoined}`).toString("base64");
}

function decodePaginationToken(token: string): { userId: string; timeJoined: number } {
  const decoded = Buffer.from(token, "base64").toString("utf8");
  const [userId, time, ...rest] = decoded.split(";");
  const timeJoined = Number(time);
  if (userId === undefined || rest.length > 0 || time === undefined || !/^-?\d+$/.test(time.trim()) || !Number.isSafeInteger(timeJoined)) {
    throw badRequest("invalid pagination token");
  }
  return { userId, timeJoined };
}
