/**
 * Session: access tokens (JWT v5, RS256, verified by supertokens-node through the JWKS) and
 * rotating refresh tokens with theft detection, as the Core does it:
 * - the session row keeps hash2 = sha256(sha256(current refresh token));
 * - a refresh issues a child token; the access token it comes with carries
 *   parentRefreshTokenHash1, and the child is promoted (becomes current) when that access token
 *   is verified or the child itself is used to refresh;
 * - a refresh token that is neither current nor the child of current is a stolen one:
 *   TOKEN_THEFT_DETECTED.
 * Handles of sessions outside "public" end in "_<tenantId>".
 */
import { randomBytes, randomUUID } from "node:crypto";
import type { CoreDeps, Route } from "../context.ts";
import { sha256Hex } from "../crypto.ts";
import { badRequest } from "../http/errors.ts";
import type { JsonObject, Query } from "../http/input.ts";
import type { Tenants } from "./multitenancy.ts";
import type { SigningKeys } from "./signing-keys.ts";
import type { Accounts } from "../accounts/accounts.ts";

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
const INCOMPLETE_TOKEN = "Access token does not contain all the information. Maybe the structure has changed?";

const fetchesAllTenants = (query: Query): boolean => (query.optString("fetchAcrossAllTenants") ?? "true").toLowerCase() === "true";

/** The Core's complaints about a refresh token it cannot even parse. */
function refreshTokenFormatError(token: string): string | undefined {
  const parts = token.split(".");
  const type = parts[parts.length - 1];
  const prefix = "io.supertokens.session.refreshToken.RefreshToken$InvalidRefreshTokenFormatException: ";
  if (type !== "V0" && type !== "V1" && type !== "V2") return `${prefix}version of refresh token not recognised`;
  if (parts.length !== 3) return `${prefix}Refresh token split with dot yielded an array of length: ${parts.length}`;
  return undefined;
}

export function sessionRoutes(deps: CoreDeps, keys: SigningKeys, tenants: Tenants, accounts: Accounts): Route[] {
  const { db } = deps;
  const getSession = (handle: string): SessionRow | undefined =>
    db.prepare("SELECT * FROM sessions WHERE handle = ?").get(handle) as SessionRow | undefined;
  const live = (s: SessionRow | undefined): s is SessionRow => s !== undefined && s.expires_at >= deps.now();

  /** A caller's JWT payload; the Core refuses one that sets its own claims. */
  function userPayload(raw: JsonObject): JsonObject {
    if (Object.keys(raw).some((k) => PROTECTED_CLAIMS.has(k))) throw badRequest("The user payload contains protected field");
    return raw;
  }

  /** The caller's part of a token's payload: everything but the Core's own claims. */
  function withoutCoreClaims(payload: JsonObject): JsonObject {
    const out: JsonObject = {};
    for (const [k, v] of Object.entries(payload)) if (!PROTECTED_CLAIMS.has(k)) out[k] = v;
    return out;
  }

  function accessToken(s: SessionRow, refreshTokenHash1: string, parentRefreshTokenHash1: string | null) {
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
      antiCsrfToken: s.anti_csrf_token,
      ...(JSON.parse(s.jwt_payload) as JsonObject),
    };
    const token = keys.signJwt({ typ: "JWT", version: "5", alg: "RS256" }, payload, s.use_static_key ? "static" : "dynamic");
    return { token, expiry: exp * 1000, createdTime: iat * 1000 };
  }

  function issueRefreshToken(s: SessionRow, parentHash1: string | null) {
    // Shaped like the Core's "<base64 ciphertext>.<64 hex nonce>.V2"; here it is only a random handle.
    const token = `${randomBytes(228).toString("base64")}.${randomBytes(32).toString("hex")}.V2`;
    const hash1 = sha256Hex(token);
    db.prepare("INSERT INTO refresh_tokens (token_hash1, session_handle, parent_token_hash1) VALUES (?, ?, ?)").run(
      hash1,
      s.handle,
      parentHash1,
    );
    const createdTime = deps.now();
    return { token, hash1, reply: { token, expiry: createdTime + tenants.settings(s.tenant_id).refreshTokenValidityMs, createdTime } };
  }

  /** Verifies an access token like the Core, with its error texts. */
  function readAccessToken(token: string, options: { allowExpired?: boolean } = {}): { payload: JsonObject } | { error: string } {
    const parts = token.split(".");
    if (parts.length !== 3) return { error: "io.supertokens.session.jwt.JWT$JWTException: Invalid JWT" };
    let header: JsonObject;
    try {
      header = JSON.parse(Buffer.from(parts[0] ?? "", "base64url").toString("utf8")) as JsonObject;
    } catch {
      return { error: "io.supertokens.session.jwt.JWT$JWTException: Invalid JWT" };
    }
    if (header.typ === undefined) return { error: "JWT header missing - typ" };
    if (header.typ !== "JWT") return { error: "JWT header mismatch - typ" };
    if (header.alg !== "RS256") return { error: "JWT header mismatch - alg" };
    if (header.version !== undefined && header.version !== "5") return { error: "JWT header mismatch - version" };
    if (!keys.has(String(header.kid))) return { error: "Key not found" };
    const verified = keys.verifyJwt(token);
    if (!verified) return { error: "io.supertokens.session.jwt.JWT$JWTException: JWT verification failed" };
    const p = verified.payload;
    for (const claim of ["sub", "exp", "iat", "sessionHandle", "refreshTokenHash1", "tId", "rsub"]) {
      if (p[claim] === undefined || p[claim] === null) return { error: `${INCOMPLETE_TOKEN} ${claim}` };
    }
    if (!options.allowExpired && (p.exp as number) * 1000 < deps.now()) return { error: "Access token expired" };
    return { payload: p };
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

  return [
    {
      method: "POST",
      path: "/recipe/session",
      scope: "tenant",
      handler: ({ tenantId, body }) => {
        const given = body.string("userId");
        const antiCsrf = body.boolean("enableAntiCsrf") ? randomUUID() : null;
        const jwtData = userPayload(body.object("userDataInJWT"));
        const dbData = body.object("userDataInDatabase");
        const useDynamic = body.optBoolean("useDynamicSigningKey", true);
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
        db.prepare(
          "INSERT INTO sessions (handle, tenant_id, user_id, recipe_user_id, refresh_token_hash2, session_data, jwt_payload, " +
            "anti_csrf_token, use_static_key, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        ).run(s.handle, s.tenant_id, s.user_id, s.recipe_user_id, "", s.session_data, s.jwt_payload, s.anti_csrf_token, s.use_static_key, s.created_at, s.expires_at);
        const refresh = issueRefreshToken(s, null);
        s.refresh_token_hash2 = sha256Hex(refresh.hash1);
        db.prepare("UPDATE sessions SET refresh_token_hash2 = ? WHERE handle = ?").run(s.refresh_token_hash2, handle);
        const reply: JsonObject = {
          session: describe(s, jwtData),
          accessToken: accessToken(s, refresh.hash1, null),
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
      handler: ({ body }) => {
        const token = body.string("accessToken");
        const antiCsrfToken = body.optString("antiCsrfToken");
        const doAntiCsrfCheck = body.boolean("doAntiCsrfCheck");
        const enableAntiCsrf = body.boolean("enableAntiCsrf");
        const checkDatabase = body.boolean("checkDatabase");
        const read = readAccessToken(token);
        if ("error" in read) return { status: "TRY_REFRESH_TOKEN", message: read.error };
        const p = read.payload;
        if (enableAntiCsrf && doAntiCsrfCheck) {
          if (typeof p.antiCsrfToken !== "string") return { status: "TRY_REFRESH_TOKEN", message: INCOMPLETE_TOKEN };
          if (p.antiCsrfToken !== antiCsrfToken) return { status: "TRY_REFRESH_TOKEN", message: "anti-csrf check failed" };
        }
        const handle = String(p.sessionHandle);
        const hash1 = String(p.refreshTokenHash1);
        const parent = typeof p.parentRefreshTokenHash1 === "string" ? p.parentRefreshTokenHash1 : null;
        const fromToken = {
          handle,
          userId: String(p.sub),
          recipeUserId: String(p.rsub),
          userDataInJWT: withoutCoreClaims(p),
          tenantId: String(p.tId),
        };
        const s = checkDatabase || parent !== null ? getSession(handle) : undefined;
        if (checkDatabase && !s) return ENDED;
        const payloadChanged = s !== undefined && JSON.stringify(withoutCoreClaims(p)) !== s.jwt_payload;
        if (parent === null && (!checkDatabase || !payloadChanged)) return { session: fromToken, status: "OK" };
        if (!s) return { status: "UNAUTHORISED", message: "Session missing in db" };
        // The child refresh token behind this access token becomes the session's current one.
        const promote = parent !== null && s.refresh_token_hash2 === sha256Hex(parent);
        if (promote) {
          s.refresh_token_hash2 = sha256Hex(hash1);
          s.expires_at = deps.now() + tenants.settings(s.tenant_id).refreshTokenValidityMs;
          db.prepare("UPDATE sessions SET refresh_token_hash2 = ?, expires_at = ? WHERE handle = ?").run(s.refresh_token_hash2, s.expires_at, handle);
        }
        if (promote || s.refresh_token_hash2 === sha256Hex(hash1) || payloadChanged) {
          return { session: describe(s), accessToken: accessToken(s, hash1, null), status: "OK" };
        }
        return { session: fromToken, status: "OK" };
      },
    },
    {
      method: "POST",
      path: "/recipe/session/refresh",
      scope: "tenant",
      handler: ({ body }) => {
        const token = body.string("refreshToken");
        const antiCsrfToken = body.optString("antiCsrfToken");
        const enableAntiCsrf = body.boolean("enableAntiCsrf");
        const useDynamic = body.boolean("useDynamicSigningKey");
        const formatError = refreshTokenFormatError(token);
        if (formatError) return { status: "UNAUTHORISED", message: formatError };
        const hash1 = sha256Hex(token);
        const known = db.prepare("SELECT * FROM refresh_tokens WHERE token_hash1 = ?").get(hash1) as
          | { token_hash1: string; session_handle: string; parent_token_hash1: string | null }
          | undefined;
        // The Core decrypts its tokens; one it did not issue fails decryption.
        if (!known) return { status: "UNAUTHORISED", message: "javax.crypto.AEADBadTagException: Tag mismatch" };
        const s = getSession(known.session_handle);
        if (!live(s)) return { status: "UNAUTHORISED", message: "Session missing in db or has expired" };
        if (enableAntiCsrf && s.anti_csrf_token !== null && antiCsrfToken !== s.anti_csrf_token) {
          return { status: "UNAUTHORISED", message: "Anti CSRF token missing, or not matching" };
        }
        const isCurrent = s.refresh_token_hash2 === sha256Hex(hash1);
        const isChildOfCurrent = known.parent_token_hash1 !== null && s.refresh_token_hash2 === sha256Hex(known.parent_token_hash1);
        if (!isCurrent && !isChildOfCurrent) {
          return { status: "TOKEN_THEFT_DETECTED", session: { handle: s.handle, userId: s.user_id, recipeUserId: s.recipe_user_id } };
        }
        if (isChildOfCurrent) {
          // A child never confirmed by a verify is confirmed by its own use.
          s.refresh_token_hash2 = sha256Hex(hash1);
          s.expires_at = deps.now() + tenants.settings(s.tenant_id).refreshTokenValidityMs;
        }
        s.use_static_key = useDynamic ? 0 : 1;
        if (enableAntiCsrf) s.anti_csrf_token = randomUUID();
        db.prepare("UPDATE sessions SET refresh_token_hash2 = ?, expires_at = ?, use_static_key = ?, anti_csrf_token = ? WHERE handle = ?").run(
          s.refresh_token_hash2,
          s.expires_at,
          s.use_static_key,
          s.anti_csrf_token,
          s.handle,
        );
        const child = issueRefreshToken(s, hash1);
        const reply: JsonObject = {
          session: describe(s),
          accessToken: accessToken(s, child.hash1, hash1),
          refreshToken: child.reply,
        };
        if (enableAntiCsrf && s.anti_csrf_token !== null) reply.antiCsrfToken = s.anti_csrf_token;
        reply.status = "OK";
        return reply;
      },
    },
    {
      method: "POST",
      path: "/recipe/session/regenerate",
      scope: "app-ignores-tenant",
      handler: ({ body }) => {
        const read = readAccessToken(body.string("accessToken"), { allowExpired: true });
        if ("error" in read) return { status: "UNAUTHORISED", message: read.error };
        const p = read.payload;
        const s = getSession(String(p.sessionHandle));
        if (!live(s)) return NO_SESSION;
        const update = body.optObject("userDataInJWT");
        if (update) {
          s.jwt_payload = JSON.stringify(userPayload(update));
          db.prepare("UPDATE sessions SET jwt_payload = ? WHERE handle = ?").run(s.jwt_payload, s.handle);
        }
        const parent = typeof p.parentRefreshTokenHash1 === "string" ? p.parentRefreshTokenHash1 : null;
        return { status: "OK", session: describe(s), accessToken: accessToken(s, String(p.refreshTokenHash1), parent) };
      },
    },
    {
      method: "POST",
      path: "/recipe/session/remove",
      scope: "tenant",
      // Revoking a user's sessions in all tenants (the default) is app-level.
      appLevelWhen: ({ body }) => body.has("userId") && body.raw("revokeAcrossAllTenants") !== false,
      handler: ({ tenantId, body }) => {
        const handles = body.optStringArray("sessionHandles");
        const userId = body.optString("userId");
        if ((handles === undefined) === (userId === undefined)) {
          throw badRequest("Invalid JSON input - use one of userId or sessionHandles array");
        }
        if (handles !== undefined) {
          for (const flag of ["revokeAcrossAllTenants", "revokeSessionsForLinkedAccounts"]) {
            if (body.has(flag)) throw badRequest(`Invalid JSON input - ${flag} can only be set if userId is set`);
          }
          return { status: "OK", sessionHandlesRevoked: revoke(handles) };
        }
        const acrossTenants = body.optBoolean("revokeAcrossAllTenants", true);
        body.optBoolean("revokeSessionsForLinkedAccounts", true);
        return { status: "OK", sessionHandlesRevoked: revoke(handlesOf(userId ?? "", acrossTenants ? undefined : tenantId, false)) };
      },
    },
    {
      method: "GET",
      path: "/recipe/session/user",
      scope: "tenant",
      appLevelWhen: ({ query }) => fetchesAllTenants(query),
      handler: ({ tenantId, query }) => {
        const userId = query.string("userId");
        const acrossTenants = fetchesAllTenants(query);
        return { status: "OK", sessionHandles: handlesOf(userId, acrossTenants ? undefined : tenantId, true) };
      },
    },
    {
      method: "GET",
      path: "/recipe/session",
      scope: "app-ignores-tenant",
      handler: ({ query }) => {
        const s = getSession(query.string("sessionHandle"));
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
      handler: ({ body }) => {
        const s = getSession(body.string("sessionHandle"));
        const data = body.object("userDataInDatabase");
        if (!live(s)) return NO_SESSION;
        db.prepare("UPDATE sessions SET session_data = ? WHERE handle = ?").run(JSON.stringify(data), s.handle);
        return { status: "OK" };
      },
    },
    {
      method: "PUT",
      path: "/recipe/jwt/data",
      scope: "app-ignores-tenant",
      handler: ({ body }) => {
        const handle = body.string("sessionHandle");
        const data = userPayload(body.object("userDataInJWT"));
        const s = getSession(handle);
        if (!live(s)) return NO_SESSION;
        db.prepare("UPDATE sessions SET jwt_payload = ? WHERE handle = ?").run(JSON.stringify(data), s.handle);
        return { status: "OK" };
      },
    },
    {
      method: "POST",
      path: "/recipe/jwt",
      scope: "app",
      handler: ({ body }) => {
        const algorithm = body.string("algorithm").toUpperCase();
        const jwksDomain = body.string("jwksDomain");
        const payload = body.object("payload");
        const validity = body.optNumber("validity") ?? 3600;
        const useStatic = body.optBoolean("useStaticSigningKey", true);
        if (algorithm !== "RS256") return { status: "UNSUPPORTED_ALGORITHM_ERROR" };
        if (validity <= 0) throw badRequest("validity must be greater than or equal to 0");
        const iat = Math.floor(deps.now() / 1000);
        const claims: JsonObject = { iat, exp: iat + Math.floor(validity), ...payload };
        if (claims.iss === undefined) claims.iss = jwksDomain;
        const jwt = keys.signJwt({ typ: "JWT", alg: "RS256" }, claims, useStatic ? "static" : "dynamic");
        return { status: "OK", jwt };
      },
    },
    {
      method: "GET",
      path: "/.well-known/jwks.json",
      scope: "app-ignores-tenant",
      handler: () => ({ keys: keys.jwks() }),
    },
    {
      method: "GET",
      path: "/recipe/jwt/jwks",
      scope: "app",
      handler: () => ({ keys: keys.jwks(), status: "OK" }),
    },
  ];
}
