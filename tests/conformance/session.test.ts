/**
 * Session conformance through supertokens-node (plus the JWKS and /recipe/jwt over raw HTTP).
 * Expected behaviour: shared/core-fixtures (README "Sessions", exchanges session.*, mt.session.*).
 */
import { createHash, createPublicKey, randomUUID, verify as verifySignature, type JsonWebKey } from "node:crypto";
import supertokens from "supertokens-node";
import EmailPassword from "supertokens-node/recipe/emailpassword";
import Multitenancy from "supertokens-node/recipe/multitenancy";
import Session, { type SessionContainer } from "supertokens-node/recipe/session";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestCore, type TestCore } from "../support/core.ts";
import { initSdk } from "../support/sdk.ts";

let core: TestCore;
const run = randomUUID().slice(0, 8);
let counter = 0;
const uniq = (prefix: string): string => `${prefix}-${run}-${++counter}`;
const tenantsToDelete: string[] = [];

/** The SDK's issuer for the test appInfo (apiDomain + "/auth"). */
const ISSUER = "http://localhost:3001/auth";
const ACCESS_TOKEN_VALIDITY_S = 3600;
const REFRESH_TOKEN_VALIDITY_MS = 100 * 24 * 3600 * 1000;

beforeAll(async () => {
  core = await startTestCore();
  initSdk(core.url, core.apiKey);
});

afterAll(async () => {
  try {
    for (const t of tenantsToDelete) await Multitenancy.deleteTenant(t);
  } finally {
    await core?.close();
  }
});

const baseUrl = (): string => core.url.replace(/\/$/, "");

function b64urlJson(part: string | undefined): Record<string, unknown> {
  if (part === undefined) throw new Error("malformed JWT");
  return JSON.parse(Buffer.from(part, "base64url").toString("utf8")) as Record<string, unknown>;
}

function decodeJwt(token: string): { header: Record<string, unknown>; payload: Record<string, unknown> } {
  const parts = token.split(".");
  expect(parts).toHaveLength(3);
  return { header: b64urlJson(parts[0]), payload: b64urlJson(parts[1]) };
}

const sha256Hex = (s: string): string => createHash("sha256").update(s).digest("hex");

interface Jwk extends JsonWebKey {
  kid: string;
  kty: string;
  alg: string;
  use: string;
  n: string;
  e: string;
}

async function fetchJwks(): Promise<{ status: number; contentType: string; keys: Jwk[] }> {
  // Like jose in the SDK: no cdi-version, no api-key.
  const res = await fetch(`${baseUrl()}/.well-known/jwks.json`);
  const body = (await res.json()) as { keys: Jwk[] };
  return { status: res.status, contentType: res.headers.get("content-type") ?? "", keys: body.keys };
}

/** Verifies an RS256 JWT against the JWKS key named by its kid, with node:crypto only. */
async function verifyWithJwks(token: string): Promise<boolean> {
  const { header } = decodeJwt(token);
  const { keys } = await fetchJwks();
  const jwk = keys.find((k) => k.kid === header.kid);
  if (!jwk) return false;
  const [h, p, sig] = token.split(".") as [string, string, string];
  const key = createPublicKey({ key: { kty: jwk.kty, n: jwk.n, e: jwk.e }, format: "jwk" });
  return verifySignature("RSA-SHA256", Buffer.from(`${h}.${p}`), key, Buffer.from(sig, "base64url"));
}

async function newUser(tenantId = "public"): Promise<string> {
  const res = await EmailPassword.signUp(tenantId, `${uniq("session")}@example.com`, "Password123!");
  if (res.status !== "OK") throw new Error(`signUp failed: ${res.status}`);
  return res.user.id;
}

async function newSession(
  userId?: string,
  payload: Record<string, unknown> = {},
  data: Record<string, unknown> = {},
  tenantId = "public",
): Promise<SessionContainer> {
  const id = userId ?? (await newUser(tenantId));
  return Session.createNewSessionWithoutRequestResponse(tenantId, supertokens.convertToRecipeUserId(id), payload, data);
}

async function errorOf(p: Promise<unknown>): Promise<{ type?: string; message?: string; payload?: unknown }> {
  try {
    await p;
  } catch (err) {
    return err as { type?: string; message?: string; payload?: unknown };
  }
  throw new Error("expected the call to fail");
}

describe("create and verify", () => {
  it("createNewSessionWithoutRequestResponse returns tokens and the session's ids", async () => {
    const userId = await newUser();
    const session = await newSession(userId, { custom: "claim" }, { db: "data" });
    expect(session.getUserId()).toBe(userId);
    expect(session.getRecipeUserId().getAsString()).toBe(userId);
    expect(session.getTenantId()).toBe("public");
    expect(session.getHandle()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);

    const tokens = session.getAllSessionTokensDangerously();
    expect(typeof tokens.accessToken).toBe("string");
    expect(typeof tokens.refreshToken).toBe("string");
    expect(tokens.antiCsrfToken).toBeUndefined();
    expect(tokens.refreshToken).toMatch(/^[A-Za-z0-9+/=]+\.[0-9a-f]{64}\.V2$/);

    const payload = session.getAccessTokenPayload() as Record<string, unknown>;
    expect(payload).toMatchObject({
      sub: userId,
      rsub: userId,
      tId: "public",
      sessionHandle: session.getHandle(),
      parentRefreshTokenHash1: null,
      antiCsrfToken: null,
      iss: ISSUER,
      custom: "claim",
    });
    expect(payload.refreshTokenHash1).toBe(sha256Hex(tokens.refreshToken ?? ""));
  });

  it("the access token is a v5 RS256 JWT with a dynamic-key kid and a one-hour lifetime", async () => {
    const session = await newSession(undefined, { custom: "claim" });
    const { header, payload } = decodeJwt(session.getAccessToken());
    expect(header).toEqual({ kid: expect.any(String), typ: "JWT", version: "5", alg: "RS256" });
    expect(header.kid).toMatch(/^d-/);
    expect(typeof payload.iat).toBe("number");
    expect(payload.exp).toBe((payload.iat as number) + ACCESS_TOKEN_VALIDITY_S);
    expect(Math.abs((payload.iat as number) - Date.now() / 1000)).toBeLessThan(300);
    expect(Object.keys(payload)).toEqual(
      expect.arrayContaining([
        "iat",
        "exp",
        "sub",
        "tId",
        "rsub",
        "sessionHandle",
        "refreshTokenHash1",
        "parentRefreshTokenHash1",
        "antiCsrfToken",
        "iss",
        "custom",
      ]),
    );
    expect(await verifyWithJwks(session.getAccessToken())).toBe(true);
  });

  it("getSessionWithoutRequestResponse verifies locally, with checkDatabase, and with no claim validators", async () => {
    const session = await newSession(undefined, { custom: "claim" });
    const token = session.getAccessToken();

    const local = await Session.getSessionWithoutRequestResponse(token);
    expect(local.getHandle()).toBe(session.getHandle());
    expect(local.getUserId()).toBe(session.getUserId());
    expect((local.getAccessTokenPayload() as Record<string, unknown>).custom).toBe("claim");

    const checked = await Session.getSessionWithoutRequestResponse(token, undefined, { checkDatabase: true });
    expect(checked.getHandle()).toBe(session.getHandle());
    expect(checked.getUserId()).toBe(session.getUserId());
    expect(checked.getTenantId()).toBe("public");

    const noValidators = await Session.getSessionWithoutRequestResponse(token, undefined, {
      checkDatabase: true,
      overrideGlobalClaimValidators: () => [],
    });
    expect(noValidators.getHandle()).toBe(session.getHandle());
  });

  it("a tampered access token is refused", async () => {
    const session = await newSession();
    const [h, p, s] = session.getAccessToken().split(".") as [string, string, string];
    const forged = JSON.parse(Buffer.from(p, "base64url").toString("utf8")) as Record<string, unknown>;
    forged.sub = "someone-else";
    const bad = `${h}.${Buffer.from(JSON.stringify(forged)).toString("base64url")}.${s}`;
    const err = await errorOf(Session.getSessionWithoutRequestResponse(bad));
    expect(err.type).toBe(Session.Error.TRY_REFRESH_TOKEN);
  });

  it("creating a session for an unknown user fails in the SDK", async () => {
    await expect(
      Session.createNewSessionWithoutRequestResponse("public", supertokens.convertToRecipeUserId(randomUUID())),
    ).rejects.toThrow();
  });
});

describe("session information and data", () => {
  it("getSessionInformation returns the stored session", async () => {
    const userId = await newUser();
    const session = await newSession(userId, { custom: "claim" }, { db: "data" });
    const info = await Session.getSessionInformation(session.getHandle());
    expect(info).toBeDefined();
    if (!info) return;
    expect(info.sessionHandle).toBe(session.getHandle());
    expect(info.userId).toBe(userId);
    expect(info.recipeUserId.getAsString()).toBe(userId);
    expect(info.tenantId).toBe("public");
    expect(info.sessionDataInDatabase).toEqual({ db: "data" });
    expect(info.customClaimsInAccessTokenPayload).toMatchObject({ custom: "claim", iss: ISSUER });
    // The protected claims are not part of the custom claims.
    for (const k of ["sub", "rsub", "tId", "sessionHandle", "exp", "iat", "refreshTokenHash1"]) {
      expect(Object.keys(info.customClaimsInAccessTokenPayload as object)).not.toContain(k);
    }
    expect(typeof info.timeCreated).toBe("number");
    expect(Math.abs(info.timeCreated - Date.now())).toBeLessThan(300_000);
    expect(info.expiry - info.timeCreated).toBe(REFRESH_TOKEN_VALIDITY_MS);
  });

  it("getSessionInformation of an unknown handle is undefined", async () => {
    expect(await Session.getSessionInformation(randomUUID())).toBeUndefined();
  });

  it("updateSessionDataInDatabase replaces the data (false for an unknown handle)", async () => {
    const session = await newSession(undefined, {}, { db: "data", other: 1 });
    expect(await Session.updateSessionDataInDatabase(session.getHandle(), { db: "updated" })).toBe(true);
    expect((await Session.getSessionInformation(session.getHandle()))?.sessionDataInDatabase).toEqual({ db: "updated" });
    expect(await Session.updateSessionDataInDatabase(randomUUID(), { db: "x" })).toBe(false);
  });

  it("mergeIntoAccessTokenPayload merges into the stored payload; refresh carries it into the new token", async () => {
    const session = await newSession(undefined, { custom: "claim", drop: 1 });
    expect(await Session.mergeIntoAccessTokenPayload(session.getHandle(), { extra: 1, drop: null })).toBe(true);
    const claims = (await Session.getSessionInformation(session.getHandle()))?.customClaimsInAccessTokenPayload as Record<
      string,
      unknown
    >;
    expect(claims).toMatchObject({ custom: "claim", extra: 1, iss: ISSUER });
    expect(Object.keys(claims)).not.toContain("drop");

    const refreshed = await Session.refreshSessionWithoutRequestResponse(
      session.getAllSessionTokensDangerously().refreshToken ?? "",
    );
    const payload = refreshed.getAccessTokenPayload() as Record<string, unknown>;
    expect(payload).toMatchObject({ custom: "claim", extra: 1 });
    expect(Object.keys(payload)).not.toContain("drop");
    expect(await Session.mergeIntoAccessTokenPayload(randomUUID(), { extra: 1 })).toBe(false);
  });
});

describe("refresh", () => {
  it("refresh gives new tokens for the same session", async () => {
    const session = await newSession(undefined, { custom: "claim" });
    const old = session.getAllSessionTokensDangerously();
    const refreshed = await Session.refreshSessionWithoutRequestResponse(old.refreshToken ?? "");
    const fresh = refreshed.getAllSessionTokensDangerously();

    expect(refreshed.getHandle()).toBe(session.getHandle());
    expect(refreshed.getUserId()).toBe(session.getUserId());
    expect(fresh.accessToken).not.toBe(old.accessToken);
    expect(fresh.refreshToken).toBeDefined();
    expect(fresh.refreshToken).not.toBe(old.refreshToken);

    const { header, payload } = decodeJwt(fresh.accessToken);
    expect(header).toMatchObject({ typ: "JWT", version: "5", alg: "RS256" });
    expect(payload.sessionHandle).toBe(session.getHandle());
    expect(payload.custom).toBe("claim");
    expect(payload.refreshTokenHash1).toBe(sha256Hex(fresh.refreshToken ?? ""));
    expect(payload.parentRefreshTokenHash1).toBe(sha256Hex(old.refreshToken ?? ""));
    expect(await verifyWithJwks(fresh.accessToken)).toBe(true);

    // The new access token verifies (the SDK asks the core, because it has a parent refresh token hash).
    const verified = await Session.getSessionWithoutRequestResponse(fresh.accessToken);
    expect(verified.getHandle()).toBe(session.getHandle());
  });

  it("reusing the old refresh token after the new access token was used gives TOKEN_THEFT_DETECTED", async () => {
    const userId = await newUser();
    const session = await newSession(userId);
    const oldRefresh = session.getAllSessionTokensDangerously().refreshToken ?? "";
    const refreshed = await Session.refreshSessionWithoutRequestResponse(oldRefresh);
    await Session.getSessionWithoutRequestResponse(refreshed.getAccessToken());

    const err = await errorOf(Session.refreshSessionWithoutRequestResponse(oldRefresh));
    expect(err.type).toBe(Session.Error.TOKEN_THEFT_DETECTED);
    const payload = err.payload as { userId: string; sessionHandle: string; recipeUserId: { getAsString(): string } };
    expect(payload.userId).toBe(userId);
    expect(payload.sessionHandle).toBe(session.getHandle());
    expect(payload.recipeUserId.getAsString()).toBe(userId);
  });

  it("a garbage refresh token gives UNAUTHORISED", async () => {
    const err = await errorOf(Session.refreshSessionWithoutRequestResponse("garbage-refresh-token"));
    expect(err.type).toBe(Session.Error.UNAUTHORISED);
    expect(typeof err.message).toBe("string");
  });
});

describe("revocation", () => {
  it("getAllSessionHandlesForUser lists the user's sessions", async () => {
    const userId = await newUser();
    const a = await newSession(userId);
    const b = await newSession(userId);
    expect((await Session.getAllSessionHandlesForUser(userId)).sort()).toEqual([a.getHandle(), b.getHandle()].sort());
    expect(await Session.getAllSessionHandlesForUser(uniq("no-sessions"))).toEqual([]);
  });

  it("revokeSession: true, then false", async () => {
    const userId = await newUser();
    const a = await newSession(userId);
    const b = await newSession(userId);
    expect(await Session.revokeSession(a.getHandle())).toBe(true);
    expect(await Session.revokeSession(a.getHandle())).toBe(false);
    expect(await Session.getSessionInformation(a.getHandle())).toBeUndefined();
    expect(await Session.getAllSessionHandlesForUser(userId)).toEqual([b.getHandle()]);
  });

  it("revokeMultipleSessions returns only the handles it revoked", async () => {
    const userId = await newUser();
    const a = await newSession(userId);
    const b = await newSession(userId);
    const c = await newSession(userId);
    const revoked = await Session.revokeMultipleSessions([a.getHandle(), b.getHandle(), randomUUID()]);
    expect(revoked.sort()).toEqual([a.getHandle(), b.getHandle()].sort());
    expect(await Session.revokeMultipleSessions([randomUUID()])).toEqual([]);
    expect(await Session.getAllSessionHandlesForUser(userId)).toEqual([c.getHandle()]);
  });

  it("revokeAllSessionsForUser revokes every session of the user", async () => {
    const userId = await newUser();
    const other = await newSession();
    const a = await newSession(userId);
    const b = await newSession(userId);
    expect((await Session.revokeAllSessionsForUser(userId)).sort()).toEqual([a.getHandle(), b.getHandle()].sort());
    expect(await Session.getAllSessionHandlesForUser(userId)).toEqual([]);
    expect(await Session.revokeAllSessionsForUser(userId)).toEqual([]);
    expect(await Session.getSessionInformation(other.getHandle())).toBeDefined();
  });

  it("a revoked session still verifies without checkDatabase and fails with it", async () => {
    const session = await newSession();
    const token = session.getAccessToken();
    expect(await Session.revokeSession(session.getHandle())).toBe(true);

    const local = await Session.getSessionWithoutRequestResponse(token);
    expect(local.getHandle()).toBe(session.getHandle());

    const err = await errorOf(Session.getSessionWithoutRequestResponse(token, undefined, { checkDatabase: true }));
    expect(err.type).toBe(Session.Error.UNAUTHORISED);
    expect(err.message).toBe("Either the session has ended or has been blacklisted");
  });

  it("a revoked session cannot be refreshed", async () => {
    const session = await newSession();
    await Session.revokeSession(session.getHandle());
    const err = await errorOf(
      Session.refreshSessionWithoutRequestResponse(session.getAllSessionTokensDangerously().refreshToken ?? ""),
    );
    expect(err.type).toBe(Session.Error.UNAUTHORISED);
  });
});

describe("tenants", () => {
  it("a session in a non-public tenant has a handle ending in _<tenantId>", async () => {
    const tenant = `sess-${run}`;
    tenantsToDelete.push(tenant);
    expect((await Multitenancy.createOrUpdateTenant(tenant, { firstFactors: ["emailpassword"] })).status).toBe("OK");
    const userId = await newUser(tenant);
    const session = await newSession(userId, {}, {}, tenant);

    expect(session.getHandle().endsWith(`_${tenant}`)).toBe(true);
    expect(session.getHandle()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}_/);
    expect(session.getTenantId()).toBe(tenant);
    expect((session.getAccessTokenPayload() as Record<string, unknown>).tId).toBe(tenant);

    const info = await Session.getSessionInformation(session.getHandle());
    expect(info?.tenantId).toBe(tenant);
    const verified = await Session.getSessionWithoutRequestResponse(session.getAccessToken(), undefined, {
      checkDatabase: true,
    });
    expect(verified.getTenantId()).toBe(tenant);
    expect(await Session.getAllSessionHandlesForUser(userId)).toEqual([session.getHandle()]);
    expect(await Session.revokeSession(session.getHandle())).toBe(true);
  });
});

describe("JWKS and JWTs", () => {
  it("GET /.well-known/jwks.json (no cdi-version, no api key) lists 2 RS256 keys", async () => {
    const jwks = await fetchJwks();
    expect(jwks.status).toBe(200);
    expect(jwks.contentType.toLowerCase()).toContain("application/json");
    expect(jwks.keys).toHaveLength(2);
    for (const key of jwks.keys) {
      expect(Object.keys(key).sort()).toEqual(["alg", "e", "kid", "kty", "n", "use"]);
      expect(key).toMatchObject({ kty: "RSA", alg: "RS256", use: "sig", e: "AQAB" });
      expect(key.n).toMatch(/^[A-Za-z0-9_-]+$/);
      expect(Buffer.from(key.n, "base64url").length).toBe(256);
    }
    expect(jwks.keys.map((k) => k.kid.slice(0, 2)).sort()).toEqual(["d-", "s-"]);
  });

  it("Session.getJWKS (with cdi-version) returns the same keys", async () => {
    const viaSdk = await Session.getJWKS();
    const raw = await fetchJwks();
    expect(viaSdk.keys.map((k) => k.kid).sort()).toEqual(raw.keys.map((k) => k.kid).sort());
  });

  it("Session.createJWT signs with the static key; the JWT verifies with the JWKS", async () => {
    const sub = uniq("someone");
    const res = await Session.createJWT({ sub, custom: true }, 3600, true);
    expect(res.status).toBe("OK");
    if (res.status !== "OK") return;
    const { header, payload } = decodeJwt(res.jwt);
    expect(header).toEqual({ kid: expect.stringMatching(/^s-/), typ: "JWT", alg: "RS256" });
    expect(payload).toEqual({ iat: expect.any(Number), exp: expect.any(Number), iss: ISSUER, sub, custom: true });
    expect(payload.exp).toBe((payload.iat as number) + 3600);
    expect(await verifyWithJwks(res.jwt)).toBe(true);
  });

  it("raw POST /recipe/jwt (as the SDK sends it) returns {status: OK, jwt}", async () => {
    const headers: Record<string, string> = {
      "cdi-version": "5.4",
      rid: "jwt",
      "content-type": "application/json; charset=utf-8",
    };
    if (core.apiKey) headers["api-key"] = core.apiKey;
    const sub = uniq("someone");
    const res = await fetch(`${baseUrl()}/recipe/jwt`, {
      method: "POST",
      headers,
      body: JSON.stringify({
        payload: { iss: ISSUER, sub, custom: true },
        validity: 120,
        useStaticSigningKey: true,
        algorithm: "RS256",
        jwksDomain: "http://localhost:3001",
      }),
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { status: string; jwt: string };
    expect(Object.keys(body).sort()).toEqual(["jwt", "status"]);
    expect(body.status).toBe("OK");
    const { header, payload } = decodeJwt(body.jwt);
    expect(header.kid).toMatch(/^s-/);
    expect(payload).toMatchObject({ iss: ISSUER, sub, custom: true });
    expect(payload.exp).toBe((payload.iat as number) + 120);
    expect(await verifyWithJwks(body.jwt)).toBe(true);
  });
});
