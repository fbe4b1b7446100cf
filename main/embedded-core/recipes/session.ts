/**
 * Session: access tokens (JWT v5, RS256, verified by supertokens-node through the JWKS) and
 * rotating refresh tokens with theft detection, as the Core does it:
 * - refresh tokens carry their session, parent and tenant encrypted inside (refresh-token.ts);
 * - the session row keeps hash2 = sha256(sha256(current refresh token));
 * - a refresh issues a child token; the access token it comes with carries
 *   parentRefreshTokenHash1, and the child is promoted (becomes current) when that access token
 *   is verified or the child itself is used to refresh;
 * - a refresh token that is neither current nor the child of current is a stolen one:
 *   TOKEN_THEFT_DETECTED.
 * Handles of sessions outside "public" end in "_<tenantId>", and the Core finds a session's tenant
 * from its handle (or token), so a deleted tenant's session is a 400 "tenant not found".
 * Each handler reads its input, then checks the app and tenant, in the order of the Core's API
 * class (SessionAPI, RefreshSessionAPI, …), so the same error wins.
 */
import { randomUUID } from "node:crypto";
import type { CoreDeps, CoreRequest, Route } from "../context.ts";
import { Reply } from "../context.ts";
import { sha256Hex } from "../crypto.ts";
import { CoreHttpError, badRequest } from "../http/errors.ts";
import type { JsonObject } from "../http/input.ts";
import type { Tenants } from "./multitenancy.ts";
import type { SigningKeys } from "./signing-keys.ts";
import type { Accounts } from "../accounts/accounts.ts";
import { UnreadableRefreshToken, createRefreshToken, javaSplit, readRefreshToken, refreshTokenKey } from "./refresh-token.ts";
import { JwtStructureError, TryRefresh, readUnverifiedAccessToken, readVerifiedAccessToken, type AccessTokenInfo } from "./access-token.ts";

interface SessionRow {
  handle: string;
  tenant_id: string;
  user_id: string;
  recipe_user_id: string;
  refresh_token_hash2: string;
  session_data: string;
  jwt_payload: string;
  anti_csrf_token: string | null;
  use_static_key: number;
  created_at: number;
  expires_at: number;
}

/** Claims the Core sets itself; a caller's payload may not override them. */
const PROTECTED_CLAIMS = new Set([
  "sub", "iat", "exp", "sessionHandle", "refreshTokenHash1", "parentRefreshTokenHash1", "antiCsrfToken", "tId", "rsub",
]);
const ENDED = { status: "UNAUTHORISED", message: "Either the session has ended or has been blacklisted" } as const;
const NO_SESSION = { status: "UNAUTHORISED", message: "Session does not exist." } as const;
const PROTECTED = "The user payload contains protected field";

const atLeast = (version: string, min: string): boolean => {
  const [a = 0, b = 0] = version.split(".").map(Number);
  const [x = 0, y = 0] = min.split(".").map(Number);
  return a !== x ? a > x : b >= y;
};

/** JsonObject.equals: the same members, in any order. */
function sameJson(a: unknown, b: unknown): boolean {
  if (typeof a !== "object" || a === null || typeof b !== "object" || b === null) return a === b;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return ka.length === kb.length && ka.every((k) => Object.hasOwn(b, k) && sameJson((a as JsonObject)[k], (b as JsonObject)[k]));
}

/** Session.getTenantIdFromSessionHandle: "<uuid>_<tenant>" (Java's split on "_"); null for public. */
function tenantOfHandle(handle: string): string | null {
  const parts = javaSplit(handle, "_");
  if (parts.length === 1) return null;
  if (parts.length === 0) throw new CoreHttpError(500, "java.lang.ArrayIndexOutOfBoundsException: Index 1 out of bounds for length 0");
  return parts[1] ?? null;
}

export function sessionRoutes(deps: CoreDeps, keys: SigningKeys, tenants: Tenants, accounts: Accounts): Route[] {
  const { db } = deps;
  const getSession = (tenantId: string, handle: string): SessionRow | undefined =>
    db.prepare("SELECT * FROM sessions WHERE handle = ? AND tenant_id = ?").get(handle, tenantId) as SessionRow | undefined;
  /** Session.getSession and friends: a session expiring now is gone. */
  const live = (s: SessionRow | undefined): s is SessionRow => s !== undefined && s.expires_at > deps.now();
  const refreshKey = (): string => refreshTokenKey(db);

  /** The tenant a session handle names, which must exist (after the app, as in the Core). */
  function handleTenant(req: CoreRequest, handle: string): string {
    req.app();
    return req.storageOf(tenantOfHandle(handle));
  }

  /** A caller's JWT payload; the Core refuses one that sets its own claims. */
  function userPayload(raw: JsonObject): JsonObject {
    if (Object.keys(raw).some((k) => PROTECTED_CLAIMS.has(k))) throw badRequest(PROTECTED);
    return raw;
  }

  function accessToken(s: SessionRow, refreshTokenHash1: string, parentRefreshTokenHash1: string | null, antiCsrfToken: string | null) {
    const validity = tenants.settings(s.tenant_id).accessTokenValiditySeconds;
    const iat = Math.floor(deps.now() / 1000);
    const exp = iat + validity;
    const payload = {
      iat,
      exp,
      sub: s.user_id,
      tId: s.tenant_id,
      rsub: s.recipe_user_id,
      sessionHandle: s.handle,
      refreshTokenHash1,
      parentRefreshTokenHash1,
      antiCsrfToken,
      ...(JSON.parse(s.jwt_payload) as JsonObject),
    };
    const token = keys.signJwt({ typ: "JWT", version: "5", alg: "RS256" }, payload, s.use_static_key ? "static" : "dynamic");
    return { token, expiry: exp * 1000, createdTime: iat * 1000 };
  }

  function issueRefreshToken(s: SessionRow, parentHash1: string | null, antiCsrfToken: string | null) {
    const token = createRefreshToken(refreshKey(), {
      sessionHandle: s.handle,
      userId: s.recipe_user_id,
      ...(parentHash1 !== null ? { parentRefreshTokenHash1: parentHash1 } : {}),
      ...(antiCsrfToken !== null ? { antiCsrfToken } : {}),
      tenantId: s.tenant_id,
    });
    const createdTime = deps.now();
    return { token, hash1: sha256Hex(token), reply: { token, expiry: createdTime + tenants.settings(s.tenant_id).refreshTokenValidityMs, createdTime } };
  }

  /** Handles of a user's live sessions, in one tenant or all. */
  function handlesOf(userId: string, tenantId: string | undefined, liveOnly: boolean): string[] {
    const rows = db
      .prepare(
        "SELECT handle FROM sessions WHERE user_id = ? AND (? IS NULL OR tenant_id = ?) AND (? = 0 OR expires_at >= ?) ORDER BY created_at, rowid",
      )
      .all(userId, tenantId ?? null, tenantId ?? null, liveOnly ? 1 : 0, deps.now()) as { handle: string }[];
    return rows.map((r) => r.handle);
  }

  const describe = (s: SessionRow, userDataInJWT?: JsonObject) => ({
    handle: s.handle,
    userId: s.user_id,
    recipeUserId: s.recipe_user_id,
    userDataInJWT: userDataInJWT ?? (JSON.parse(s.jwt_payload) as JsonObject),
    tenantId: s.tenant_id,
  });

  function revoke(handles: string[]): string[] {
    const remove = db.prepare("DELETE FROM sessions WHERE handle = ?");
    return handles.filter((h) => remove.run(h).changes > 0);
  }

  /** Session.refreshSession after the token was read: the session's tenant must exist, then the session. */
  function refresh(req: CoreRequest, info: ReturnType<typeof readRefreshToken>, token: string, enableAntiCsrf: boolean, useDynamic: boolean | undefined) {
    const tenantId = req.storageOf(info.tenantId ?? null);
    const s = getSession(tenantId, info.sessionHandle);
    if (!s || s.expires_at < deps.now()) return { status: "UNAUTHORISED", message: "Session missing in db or has expired" };
    const hash1 = sha256Hex(token);
    const isCurrent = s.refresh_token_hash2 === sha256Hex(hash1);
    const isChildOfCurrent = info.parentRefreshTokenHash1 !== undefined && s.refresh_token_hash2 === sha256Hex(info.parentRefreshTokenHash1);
    if (!isCurrent && !isChildOfCurrent) {
      return { status: "TOKEN_THEFT_DETECTED", session: { handle: s.handle, userId: s.user_id, recipeUserId: s.recipe_user_id } };
    }
    if (isChildOfCurrent) {
      // A child never confirmed by a verify is confirmed by its own use.
      s.refresh_token_hash2 = sha256Hex(hash1);
      s.expires_at = deps.now() + tenants.settings(s.tenant_id).refreshTokenValidityMs;
    }
    if (useDynamic !== undefined) s.use_static_key = useDynamic ? 0 : 1;
    const antiCsrf = enableAntiCsrf ? randomUUID() : null;
    s.anti_csrf_token = antiCsrf;
    db.prepare("UPDATE sessions SET refresh_token_hash2 = ?, expires_at = ?, use_static_key = ?, anti_csrf_token = ? WHERE handle = ?").run(
      s.refresh_token_hash2,
      s.expires_at,
      s.use_static_key,
      s.anti_csrf_token,
      s.handle,
    );
    const child = issueRefreshToken(s, hash1, antiCsrf);
    const reply: JsonObject = {
      session: describe(s),
      accessToken: accessToken(s, child.hash1, hash1, antiCsrf),
      refreshToken: child.reply,
    };
    if (antiCsrf !== null) reply.antiCsrfToken = antiCsrf;
    reply.status = "OK";
    return reply;
  }

  return [
    {
      method: "POST",
      path: "/recipe/session",
      scope: "tenant",
      checksInHandler: true,
      handler: (req) => {
        const { body } = req;
        const given = body.string("userId");
        const enableAntiCsrf = body.boolean("enableAntiCsrf");
        const jwtData = body.object("userDataInJWT");
        const dbData = body.object("userDataInDatabase");
        const tenantId = req.tenant();
        const useDynamic = atLeast(req.cdiVersion, "2.21") ? body.maybeBoolean("useDynamicSigningKey") !== false : true;
        userPayload(jwtData);
        const antiCsrf = enableAntiCsrf ? randomUUID() : null;
        // Any string is a user id; a SuperTokens id that has a mapping is stored as its external id.
        const userId = (accounts.row(given) && accounts.externalIdOf(given)) || given;
        const recipeUserId = userId;
        const now = deps.now();
        const handle = tenantId === "public" ? randomUUID() : `${randomUUID()}_${tenantId}`;
        const s: SessionRow = {
          handle,
          tenant_id: tenantId,
          user_id: userId,
          recipe_user_id: recipeUserId,
          refresh_token_hash2: "",
          session_data: JSON.stringify(dbData),
          jwt_payload: JSON.stringify(jwtData),
          anti_csrf_token: antiCsrf,
          use_static_key: useDynamic ? 0 : 1,
          created_at: now,
          expires_at: now + tenants.settings(tenantId).refreshTokenValidityMs,
        };
        const refresh = issueRefreshToken(s, null, antiCsrf);
        s.refresh_token_hash2 = sha256Hex(refresh.hash1);
        db.prepare(
          "INSERT INTO sessions (handle, tenant_id, user_id, recipe_user_id, refresh_token_hash2, session_data, jwt_payload, " +
            "anti_csrf_token, use_static_key, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        ).run(s.handle, s.tenant_id, s.user_id, s.recipe_user_id, s.refresh_token_hash2, s.session_data, s.jwt_payload, s.anti_csrf_token, s.use_static_key, s.created_at, s.expires_at);
        const reply: JsonObject = {
          session: describe(s, jwtData),
          accessToken: accessToken(s, refresh.hash1, null, antiCsrf),
          refreshToken: refresh.reply,
        };
        if (antiCsrf !== null) reply.antiCsrfToken = antiCsrf;
        reply.status = "OK";
        return reply;
      },
    },
    {
      method: "POST",
      path: "/recipe/session/verify",
      scope: "app-ignores-tenant",
      checksInHandler: true,
      handler: (req) => {
        const { body } = req;
        const token = body.string("accessToken");
        const antiCsrfToken = body.optString("antiCsrfToken");
        const doAntiCsrfCheck = body.boolean("doAntiCsrfCheck");
        const enableAntiCsrf = body.boolean("enableAntiCsrf");
        req.app();
        const checkDatabase = atLeast(req.cdiVersion, "2.21") ? body.boolean("checkDatabase") : false;
        let t: AccessTokenInfo;
        try {
          t = readVerifiedAccessToken(token, keys, deps.now(), enableAntiCsrf && doAntiCsrfCheck);
        } catch (err) {
          if (err instanceof TryRefresh) return { status: "TRY_REFRESH_TOKEN", message: err.message };
          throw err;
        }
        // The session's tenant (from the token) must still exist.
        const tenantId = req.storageOf(t.tenantId);
        if (enableAntiCsrf && doAntiCsrfCheck && (antiCsrfToken === undefined || antiCsrfToken !== t.antiCsrfToken)) {
          return { status: "TRY_REFRESH_TOKEN", message: "anti-csrf check failed" };
        }
        const fromToken = { handle: t.sessionHandle, userId: t.primaryUserId, recipeUserId: t.recipeUserId, userDataInJWT: t.userData, tenantId };
        const s = checkDatabase || t.parentRefreshTokenHash1 !== null ? getSession(tenantId, t.sessionHandle) : undefined;
        if (checkDatabase && !s) return ENDED;
        const payloadChanged = s !== undefined && !sameJson(t.userData, JSON.parse(s.jwt_payload));
        if (t.parentRefreshTokenHash1 === null && (!checkDatabase || !payloadChanged)) return { session: fromToken, status: "OK" };
        if (!s) return { status: "UNAUTHORISED", message: "Session missing in db" };
        // The child refresh token behind this access token becomes the session's current one.
        const promote = t.parentRefreshTokenHash1 !== null && s.refresh_token_hash2 === sha256Hex(t.parentRefreshTokenHash1);
        if (promote) {
          s.refresh_token_hash2 = sha256Hex(t.refreshTokenHash1);
          s.expires_at = deps.now() + tenants.settings(s.tenant_id).refreshTokenValidityMs;
          db.prepare("UPDATE sessions SET refresh_token_hash2 = ?, expires_at = ? WHERE handle = ?").run(s.refresh_token_hash2, s.expires_at, s.handle);
        }
        if (promote || s.refresh_token_hash2 === sha256Hex(t.refreshTokenHash1) || payloadChanged) {
          return { session: describe(s), accessToken: accessToken(s, t.refreshTokenHash1, null, t.antiCsrfToken), status: "OK" };
        }
        return { session: fromToken, status: "OK" };
      },
    },
    {
      method: "POST",
      path: "/recipe/session/refresh",
      scope: "tenant",
      checksInHandler: true,
      handler: (req) => {
        const { body } = req;
        const token = body.string("refreshToken");
        const antiCsrfToken = body.optString("antiCsrfToken");
        const enableAntiCsrf = body.boolean("enableAntiCsrf");
        let useDynamic: boolean | undefined;
        if (atLeast(req.cdiVersion, "5.0")) useDynamic = body.boolean("useDynamicSigningKey");
        else if (atLeast(req.cdiVersion, "3.0")) useDynamic = body.maybeBoolean("useDynamicSigningKey");
        // RefreshSessionAPI looks the path's tenant up; the session's own tenant comes from the token.
        req.tenant();
        let info: ReturnType<typeof readRefreshToken>;
        try {
          info = readRefreshToken(refreshKey(), token);
        } catch (err) {
          if (err instanceof UnreadableRefreshToken) return { status: "UNAUTHORISED", message: err.message };
          throw err;
        }
        if (enableAntiCsrf && info.antiCsrfToken !== undefined && info.antiCsrfToken !== antiCsrfToken) {
          return { status: "UNAUTHORISED", message: "Anti CSRF token missing, or not matching" };
        }
        return refresh(req, info, token, enableAntiCsrf, useDynamic);
      },
    },
    {
      method: "POST",
      path: "/recipe/session/regenerate",
      scope: "app-ignores-tenant",
      checksInHandler: true,
      handler: (req) => {
        const token = req.body.string("accessToken");
        const update = req.body.optObject("userDataInJWT");
        req.app();
        // Session.regenerateToken reads the token without verifying it: a bad header is a 500.
        let t: AccessTokenInfo;
        try {
          t = readUnverifiedAccessToken(token);
        } catch (err) {
          if (err instanceof TryRefresh) return { status: "UNAUTHORISED", message: err.message };
          if (err instanceof JwtStructureError) throw new CoreHttpError(500, err.message);
          throw err;
        }
        const tenantId = req.storageOf(t.tenantId);
        const s = getSession(tenantId, t.sessionHandle);
        if (!live(s)) return NO_SESSION;
        if (update) {
          s.jwt_payload = JSON.stringify(userPayload(update));
          db.prepare("UPDATE sessions SET jwt_payload = ? WHERE handle = ?").run(s.jwt_payload, s.handle);
        }
        // An expired token gets no new access token: the client has to refresh anyway.
        if (t.expiryMs < deps.now()) return { session: describe(s), status: "OK" };
        return { session: describe(s), accessToken: accessToken(s, t.refreshTokenHash1, t.parentRefreshTokenHash1, t.antiCsrfToken), status: "OK" };
      },
    },
    {
      method: "POST",
      path: "/recipe/session/remove",
      scope: "tenant",
      checksInHandler: true,
      handler: (req) => {
        const { body } = req;
        const userId = body.optString("userId");
        const handles = body.optStringArray("sessionHandles");
        if ((handles === undefined) === (userId === undefined)) {
          throw badRequest("Invalid JSON input - use one of userId or sessionHandles array");
        }
        const acrossTenants = body.maybeBoolean("revokeAcrossAllTenants");
        if (userId === undefined && acrossTenants !== undefined) {
          throw badRequest("Invalid JSON input - revokeAcrossAllTenants can only be set if userId is set");
        }
        const linked = body.maybeBoolean("revokeSessionsForLinkedAccounts");
        if (userId === undefined && linked !== undefined) {
          throw badRequest("Invalid JSON input - revokeSessionsForLinkedAccounts can only be set if userId is set");
        }
        if (userId !== undefined) {
          if (acrossTenants !== false) {
            req.app();
            req.appStorages();
            return { status: "OK", sessionHandlesRevoked: revoke(handlesOf(userId, undefined, false)) };
          }
          return { status: "OK", sessionHandlesRevoked: revoke(handlesOf(userId, req.tenant(), false)) };
        }
        // Each handle's tenant (from the handle) must exist; the path's tenant is not used.
        req.app();
        const revoked: string[] = [];
        const byTenant = new Map<string, string[]>();
        for (const h of handles ?? []) {
          const t = tenantOfHandle(h) ?? "public";
          byTenant.set(t, [...(byTenant.get(t) ?? []), h]);
        }
        for (const [t, list] of byTenant) {
          const tenantId = req.storageOf(t);
          const remove = db.prepare("DELETE FROM sessions WHERE handle = ? AND tenant_id = ?");
          revoked.push(...list.filter((h) => remove.run(h, tenantId).changes > 0));
        }
        return { status: "OK", sessionHandlesRevoked: revoked };
      },
    },
    {
      method: "GET",
      path: "/recipe/session/user",
      scope: "tenant",
      checksInHandler: true,
      handler: (req) => {
        const { query } = req;
        const userId = query.string("userId");
        const acrossTenants = (query.optString("fetchAcrossAllTenants") ?? "true").toLowerCase() === "true";
        query.optString("fetchSessionsForAllLinkedAccounts");
        if (acrossTenants) {
          req.app();
          req.appStorages();
          return { status: "OK", sessionHandles: handlesOf(userId, undefined, true) };
        }
        return { status: "OK", sessionHandles: handlesOf(userId, req.tenant(), true) };
      },
    },
    {
      method: "GET",
      path: "/recipe/session",
      scope: "app-ignores-tenant",
      checksInHandler: true,
      handler: (req) => {
        const handle = req.query.string("sessionHandle");
        const s = getSession(handleTenant(req, handle), handle);
        if (!live(s)) return NO_SESSION;
        return {
          sessionHandle: s.handle,
          userId: s.user_id,
          recipeUserId: s.recipe_user_id,
          userDataInDatabase: JSON.parse(s.session_data) as JsonObject,
          expiry: s.expires_at,
          userDataInJWT: JSON.parse(s.jwt_payload) as JsonObject,
          timeCreated: s.created_at,
          status: "OK",
          tenantId: s.tenant_id,
        };
      },
    },
    {
      method: "PUT",
      path: "/recipe/session/data",
      scope: "app-ignores-tenant",
      checksInHandler: true,
      handler: (req) => {
        const handle = req.body.string("sessionHandle");
        const data = req.body.object("userDataInDatabase");
        const s = getSession(handleTenant(req, handle), handle);
        if (!live(s)) return NO_SESSION;
        db.prepare("UPDATE sessions SET session_data = ? WHERE handle = ?").run(JSON.stringify(data), s.handle);
        return { status: "OK" };
      },
    },
    {
      method: "GET",
      path: "/recipe/session/data",
      scope: "app-ignores-tenant",
      checksInHandler: true,
      handler: (req) => {
        const handle = req.query.string("sessionHandle");
        const s = getSession(handleTenant(req, handle), handle);
        if (!live(s)) return NO_SESSION;
        return { status: "OK", userDataInDatabase: JSON.parse(s.session_data) as JsonObject };
      },
    },
    {
      method: "PUT",
      path: "/recipe/jwt/data",
      scope: "app-ignores-tenant",
      checksInHandler: true,
      handler: (req) => {
        const handle = req.body.string("sessionHandle");
        const data = req.body.object("userDataInJWT");
        const tenantId = handleTenant(req, handle);
        userPayload(data);
        const s = getSession(tenantId, handle);
        if (!live(s)) return NO_SESSION;
        db.prepare("UPDATE sessions SET jwt_payload = ? WHERE handle = ?").run(JSON.stringify(data), s.handle);
        return { status: "OK" };
      },
    },
    {
      method: "GET",
      path: "/recipe/jwt/data",
      scope: "app-ignores-tenant",
      checksInHandler: true,
      handler: (req) => {
        const handle = req.query.string("sessionHandle");
        const s = getSession(handleTenant(req, handle), handle);
        if (!live(s)) return NO_SESSION;
        return { status: "OK", userDataInJWT: JSON.parse(s.jwt_payload) as JsonObject };
      },
    },
    {
      method: "POST",
      path: "/recipe/jwt",
      scope: "app",
      checksInHandler: true,
      // JWTSigningAPI: every field (validity is required), then the app.
      handler: (req) => {
        const { body } = req;
        const algorithm = body.string("algorithm");
        const jwksDomain = body.string("jwksDomain");
        const payload = body.object("payload");
        const validity = body.long("validity");
        if (validity <= 0) throw badRequest("validity must be greater than or equal to 0");
        const useStatic = body.maybeBoolean("useStaticSigningKey") !== false;
        req.publicTenantOnly();
        if (algorithm.toUpperCase() !== "RS256") return { status: "UNSUPPORTED_ALGORITHM_ERROR" };
        const iat = Math.floor(deps.now() / 1000);
        // java-jwt's claims: iat, exp and iss first; the payload's own (nulls too) override them in place.
        const claims = new Map<string, unknown>([["iat", iat], ["exp", iat + validity], ["iss", jwksDomain]]);
        for (const [k, v] of Object.entries(payload)) claims.set(k, v);
        const jwt = keys.signJwt({ typ: "JWT", alg: "RS256" }, Object.fromEntries(claims), useStatic ? "static" : "dynamic");
        return { status: "OK", jwt };
      },
    },
    {
      method: "GET",
      path: "/.well-known/jwks.json",
      scope: "app-ignores-tenant",
      checksInHandler: true,
      // JWKSPublicAPI: supertokens-node caches the keys for as long as Cache-Control says.
      handler: (req) => {
        req.app();
        return new Reply({ keys: keys.jwks() }, { "cache-control": `max-age=${keys.cacheSeconds()}, must-revalidate` });
      },
    },
    {
      method: "GET",
      path: "/recipe/jwt/jwks",
      scope: "app",
      checksInHandler: true,
      handler: (req) => {
        req.publicTenantOnly();
        return { keys: keys.jwks(), status: "OK" };
      },
    },
  ];
}
