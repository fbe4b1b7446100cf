/**
 * Reading an access token as the Core does (session/jwt/JWT.java preParseJWTInfo, accessToken/
 * AccessToken.java getInfoFromAccessToken and AccessTokenInfo.fromJSON), with its outcomes:
 * - TryRefresh: the token is refused (verify answers TRY_REFRESH_TOKEN, regenerate UNAUTHORISED);
 * - JwtStructureError: the token's header is wrong (verify wraps it as TryRefresh; regenerate,
 *   which reads the token without verifying it, lets it through as a 500, as the Core does);
 * - CoreHttpError 500: what Java itself throws on a token it cannot decode (Base64, Gson).
 */
import type { JsonObject } from "../http/input.ts";
import { CoreHttpError } from "../http/errors.ts";
import { GsonAccessError, GsonSyntaxError, gsonAsLong, gsonAsString, gsonToString, parseGson, toJs, type GsonValue } from "../http/gson.ts";
import { JavaException, javaBase64Decode, latin1Bytes, utf8Bytes } from "./java-base64.ts";
import { javaSplit } from "./refresh-token.ts";

/** TryRefreshTokenException: its message. */
export class TryRefresh extends Error {}

const JWT_EXCEPTION = "io.supertokens.session.jwt.JWT$JWTException";

/** JWT.JWTException from the token's structure; message is the exception's toString(). */
export class JwtStructureError extends Error {
  constructor(detail: string) {
    super(`${JWT_EXCEPTION}: ${detail}`);
  }
}

type Version = 1 | 2 | 3 | 4 | 5;

/** The protected (and required) claims of each access-token version. */
const REQUIRED: Record<Version, string[]> = {
  1: ["userId", "expiryTime", "timeCreated", "sessionHandle", "refreshTokenHash1"],
  2: ["userId", "expiryTime", "timeCreated", "sessionHandle", "refreshTokenHash1"],
  3: ["sub", "exp", "iat", "sessionHandle", "refreshTokenHash1", "parentRefreshTokenHash1", "antiCsrfToken"],
  4: ["sub", "exp", "iat", "sessionHandle", "refreshTokenHash1", "parentRefreshTokenHash1", "antiCsrfToken", "tId"],
  5: ["sub", "exp", "iat", "sessionHandle", "refreshTokenHash1", "parentRefreshTokenHash1", "antiCsrfToken", "tId", "rsub"],
};

/** The fixed headers of the Core's legacy v1 and v2 access tokens. */
const LEGACY_HEADERS = new Map<string, Version>(
  ([1, 2] as const).map((v) => [Buffer.from(`{"alg":"RS256","typ":"JWT","version":"${v}"}`).toString("base64"), v]),
);

export interface AccessTokenInfo {
  sessionHandle: string;
  primaryUserId: string;
  recipeUserId: string;
  refreshTokenHash1: string;
  parentRefreshTokenHash1: string | null;
  antiCsrfToken: string | null;
  expiryMs: number;
  /** The tenant the token names (null: public). */
  tenantId: string | null;
  /** The payload without the version's protected claims. */
  userData: JsonObject;
  /** The header's key id (undefined for legacy tokens). */
  kid: string | undefined;
}

interface PreParsed {
  header: string;
  payload: string;
  signature: string;
  version: Version;
  kid: string | undefined;
}

/** A Java exception escaping from decoding: the Core's unhandled 500. */
function java500(err: unknown): never {
  if (err instanceof JavaException || err instanceof GsonAccessError) throw new CoreHttpError(500, err.message);
  if (err instanceof GsonSyntaxError) throw new CoreHttpError(500, `com.google.gson.JsonSyntaxException: com.google.gson.stream.MalformedJsonException: ${err.message}`);
  throw err;
}

/** Utils.convertFromBase64 then JsonParser.parse(…).getAsJsonObject(). */
function jsonPart(part: string): Map<string, GsonValue> {
  try {
    const bytes = javaBase64Decode(utf8Bytes(part.replaceAll("-", "+").replaceAll("_", "/")));
    const value = parseGson(new TextDecoder("utf-8").decode(bytes)) ?? { kind: "null" };
    if (value.kind !== "object") throw new GsonAccessError(`java.lang.IllegalStateException: Not a JSON Object: ${gsonToString(value)}`);
    return value.members;
  } catch (err) {
    return java500(err);
  }
}

/** JsonElement.getAsJsonPrimitive(). */
function primitive(v: GsonValue): GsonValue {
  if (v.kind === "string" || v.kind === "number" || v.kind === "boolean") return v;
  return java500(new GsonAccessError(`java.lang.IllegalStateException: Not a JSON Primitive: ${gsonToString(v)}`));
}

/** JWT.preParseJWTInfo. */
function preParse(token: string): PreParsed {
  const parts = javaSplit(token, ".");
  if (parts.length !== 3) throw new JwtStructureError("Invalid JWT");
  const [header = "", payload = "", signature = ""] = parts;
  const legacy = LEGACY_HEADERS.get(header);
  if (legacy) return { header, payload, signature, version: legacy, kid: undefined };
  const h = jsonPart(header);
  const typ = h.get("typ");
  if (typ === undefined) throw new JwtStructureError("JWT header missing - typ");
  const t = primitive(typ);
  if (t.kind !== "string" || t.value !== "JWT") throw new JwtStructureError("JWT header mismatch - typ");
  const alg = h.get("alg");
  if (alg === undefined) throw new JwtStructureError("JWT header missing - alg");
  const a = primitive(alg);
  if (a.kind !== "string" || a.value !== "RS256") throw new JwtStructureError("JWT header mismatch - alg");
  let versionText = "5";
  const version = h.get("version");
  if (version !== undefined) {
    const v = primitive(version);
    if (v.kind !== "string" || v.value === "1" || v.value === "2") throw new JwtStructureError("JWT header mismatch - version");
    versionText = v.value;
  }
  const kid = h.get("kid");
  if (kid === undefined) {
    throw new CoreHttpError(
      500,
      'java.lang.NullPointerException: Cannot invoke "com.google.gson.JsonElement.getAsJsonPrimitive()" because the return value of "com.google.gson.JsonObject.get(String)" is null',
    );
  }
  const k = primitive(kid);
  if (k.kind !== "string") throw new JwtStructureError("JWT header mismatch - kid");
  // AccessToken.getVersionFromString: VERSION.valueOf("V" + version).
  if (!["3", "4", "5"].includes(versionText)) {
    throw new CoreHttpError(500, `java.lang.IllegalArgumentException: No enum constant io.supertokens.session.accessToken.AccessToken.VERSION.V${versionText}`);
  }
  return { header, payload, signature, version: Number(versionText) as Version, kid: k.value };
}

/** AccessTokenInfo.fromJSON. */
function fromPayload(p: Map<string, GsonValue>, version: Version, kid: string | undefined): AccessTokenInfo {
  for (const prop of REQUIRED[version]) {
    if (!p.has(prop)) throw new TryRefresh(`Access token does not contain all the information. Maybe the structure has changed? ${prop}`);
  }
  const get = (name: string): GsonValue => p.get(name) ?? { kind: "null" };
  const optional = (name: string): string | null => {
    const v = p.get(name);
    return v === undefined || v.kind === "null" ? null : gsonAsString(v);
  };
  try {
    if (version <= 2) {
      const userData = get("userData");
      if (userData.kind !== "object") throw new GsonAccessError(`java.lang.IllegalStateException: Not a JSON Object: ${gsonToString(userData)}`);
      const sessionHandle = gsonAsString(get("sessionHandle"));
      const userId = gsonAsString(get("userId"));
      const refreshTokenHash1 = gsonAsString(get("refreshTokenHash1"));
      const expiryMs = gsonAsLong(get("expiryTime"));
      return {
        sessionHandle,
        primaryUserId: userId,
        recipeUserId: userId,
        refreshTokenHash1,
        expiryMs,
        parentRefreshTokenHash1: optional("parentRefreshTokenHash1"),
        antiCsrfToken: optional("antiCsrfToken"),
        tenantId: null,
        userData: toJs(userData) as JsonObject,
        kid,
      };
    }
    const userData: JsonObject = {};
    for (const [k, v] of p) {
      if (!REQUIRED[version].includes(k)) Object.defineProperty(userData, k, { value: toJs(v), enumerable: true, writable: true, configurable: true });
    }
    // V3 tokens come from before multitenancy: always the public tenant.
    const tenantId = version === 3 ? null : gsonAsString(get("tId"));
    const primaryUserId = gsonAsString(get("sub"));
    const recipeUserId = version === 5 ? gsonAsString(get("rsub")) : primaryUserId;
    const sessionHandle = gsonAsString(get("sessionHandle"));
    const refreshTokenHash1 = gsonAsString(get("refreshTokenHash1"));
    const expiryMs = gsonAsLong(get("exp")) * 1000;
    const parentRefreshTokenHash1 = optional("parentRefreshTokenHash1");
    const antiCsrfToken = optional("antiCsrfToken");
    gsonAsLong(get("iat"));
    return { sessionHandle, primaryUserId, recipeUserId, refreshTokenHash1, expiryMs, parentRefreshTokenHash1, antiCsrfToken, tenantId, userData, kid };
  } catch (err) {
    return java500(err);
  }
}

export interface TokenKeys {
  /** Whether a key that still verifies has this id. */
  has(kid: string): boolean;
  /** RSA-SHA256 verification of content with the key of that id (every usable key for legacy tokens). */
  verifySignature(kid: string | undefined, content: string, signature: Buffer): boolean;
}

/** AccessToken.getInfoFromAccessToken: verified, not expired, with an anti-CSRF token when one is needed. */
export function readVerifiedAccessToken(token: string, keys: TokenKeys, now: number, needsAntiCsrf: boolean): AccessTokenInfo {
  let pre: PreParsed;
  try {
    pre = preParse(token);
  } catch (err) {
    if (err instanceof JwtStructureError) throw new TryRefresh(err.message);
    throw err;
  }
  if (pre.kid !== undefined && !keys.has(pre.kid)) throw new TryRefresh("Key not found");
  let signature: Buffer;
  try {
    // v3+ signatures are base64url; legacy ones plain base64.
    signature = javaBase64Decode(latin1Bytes(pre.signature), pre.version >= 3 ? "url" : "basic");
  } catch (err) {
    return java500(err);
  }
  if (!keys.verifySignature(pre.kid, `${pre.header}.${pre.payload}`, signature)) throw new TryRefresh(`${JWT_EXCEPTION}: JWT verification failed`);
  const info = fromPayload(jsonPart(pre.payload), pre.version, pre.kid);
  if (info.expiryMs < now) throw new TryRefresh("Access token expired");
  if (needsAntiCsrf && info.antiCsrfToken === null) {
    throw new TryRefresh("Access token does not contain all the information. Maybe the structure has changed?");
  }
  return info;
}

/** AccessToken.getInfoFromAccessTokenWithoutVerifying (session regenerate): JwtStructureError passes through. */
export function readUnverifiedAccessToken(token: string): AccessTokenInfo {
  const pre = preParse(token);
  return fromPayload(jsonPart(pre.payload), pre.version, pre.kid);
}
