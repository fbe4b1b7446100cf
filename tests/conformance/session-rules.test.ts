/**
 * Session, refresh and JWT rules of the real Core 11.4.7, over raw HTTP (source notes §12
 * "Session, JWT and JWKS", §3 scopes, §15 gotchas 7–8): protected claims, the refresh token
 * family (siblings before confirmation, theft after), app-level session lookups and removal,
 * and POST /recipe/jwt defaults.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestCore, type TestCore } from "../support/core.ts";
import { json, raw, uniqueEmail } from "./helpers.ts";
import { createTenant, expectText, ok, rawSignUp, removeTenant, uniq } from "./rule-helpers.ts";

interface TokenInfo {
  token: string;
  expiry: number;
  createdTime: number;
}
interface Created {
  status: string;
  session: { handle: string; userId: string; recipeUserId: string; tenantId: string };
  accessToken: TokenInfo;
  refreshToken: TokenInfo;
}

let core: TestCore;
let tenant: string;

beforeAll(async () => {
  core = await startTestCore();
  tenant = await createTenant(core);
});

afterAll(async () => {
  try {
    if (tenant) await removeTenant(core, tenant);
  } finally {
    await core?.close();
  }
});

const post = (path: string, body: unknown) => raw(core, path, { method: "POST", body });

function sessionBody(userId: string, userDataInJWT: Record<string, unknown> = {}) {
  return { userId, enableAntiCsrf: false, userDataInJWT, userDataInDatabase: {}, useDynamicSigningKey: true };
}

async function createSession(userId: string, tenantId = "public"): Promise<Created> {
  const body = ok<Created>(await post(`/${tenantId}/recipe/session`, sessionBody(userId)));
  expect(body.status).toBe("OK");
  return body;
}

const refresh = (refreshToken: string) =>
  post("/public/recipe/session/refresh", { refreshToken, enableAntiCsrf: false, useDynamicSigningKey: true });

const verify = (accessToken: string) =>
  post("/public/recipe/session/verify", { accessToken, doAntiCsrfCheck: false, enableAntiCsrf: false, checkDatabase: false });

function decode(token: string): { header: Record<string, unknown>; payload: Record<string, unknown> } {
  const [h, p] = token.split(".");
  const part = (s: string | undefined) => JSON.parse(Buffer.from(s ?? "", "base64url").toString("utf8")) as Record<string, unknown>;
  return { header: part(h), payload: part(p) };
}

describe("protected claims (§12 access token v5)", () => {
  for (const claim of ["sub", "tId", "sessionHandle", "exp", "rsub"]) {
    it(`create with "${claim}" in userDataInJWT is a 400`, async () => {
      expectText(
        await post("/public/recipe/session", sessionBody(uniq("user"), { [claim]: "x" })),
        400,
        "The user payload contains protected field\n",
      );
    });
  }

  it("iss is not protected", async () => {
    const res = ok<Created>(await post("/public/recipe/session", sessionBody(uniq("user"), { iss: "me" })));
    expect(decode(res.accessToken.token).payload.iss).toBe("me");
  });

  it("PUT /recipe/jwt/data checks protected fields before looking up the session", async () => {
    const res = await raw(core, "/recipe/jwt/data", {
      method: "PUT",
      body: { sessionHandle: crypto.randomUUID(), userDataInJWT: { sub: "x" } },
    });
    expectText(res, 400, "The user payload contains protected field\n");
  });
});

describe("refresh input and token format (§12 refresh, gotcha 7)", () => {
  it("useDynamicSigningKey is required for cdi >= 5.0", async () => {
    const s = await createSession(uniq("user"));
    expectText(
      await post("/public/recipe/session/refresh", { refreshToken: s.refreshToken.token, enableAntiCsrf: false }),
      400,
      "Field name 'useDynamicSigningKey' is invalid in JSON input\n",
    );
  });

  it("a garbage refresh token is UNAUTHORISED with the Java exception text", async () => {
    expect(ok(await refresh("garbage"))).toStrictEqual({
      status: "UNAUTHORISED",
      message:
        "io.supertokens.session.refreshToken.RefreshToken$InvalidRefreshTokenFormatException: version of refresh token not recognised",
    });
  });

  it("a V2 token with the wrong number of dots names the split length", async () => {
    expect(ok(await refresh("abc.V2"))).toStrictEqual({
      status: "UNAUTHORISED",
      message:
        "io.supertokens.session.refreshToken.RefreshToken$InvalidRefreshTokenFormatException: Refresh token split with dot yielded an array of length: 2",
    });
  });
});

describe("the refresh token family (§12 refresh cases A/B, gotcha 7)", () => {
  it("RT0 reused before the new access token is used mints siblings; after the child is confirmed it is theft", async () => {
    const userId = await rawSignUp(core, uniqueEmail("sr-family"));
    const s = await createSession(userId);
    const rt0 = s.refreshToken.token;

    const a = ok<Created>(await refresh(rt0));
    const b = ok<Created>(await refresh(rt0));
    expect(a.status).toBe("OK");
    expect(b.status).toBe("OK");
    expect(a.refreshToken.token).not.toBe(b.refreshToken.token);
    expect(a.session.handle).toBe(s.session.handle);
    expect(b.session.handle).toBe(s.session.handle);

    // Using child A's access token confirms it (the core promotes A and issues a fresh access token).
    const verified = ok<{ status: string; accessToken?: TokenInfo }>(await verify(a.accessToken.token));
    expect(verified.status).toBe("OK");
    expect(verified.accessToken?.token).toEqual(expect.any(String));

    const theft = { status: "TOKEN_THEFT_DETECTED", session: { handle: s.session.handle, userId, recipeUserId: userId } };
    expect(ok(await refresh(rt0))).toStrictEqual(theft);
    // The never-confirmed sibling B is now stale too.
    expect(ok(await refresh(b.refreshToken.token))).toStrictEqual(theft);
    // The core does not revoke on theft: A still refreshes.
    expect(ok(await refresh(a.refreshToken.token))).toMatchObject({ status: "OK" });
  });

  it("refreshing with the child confirms it too; then RT0 is theft", async () => {
    const userId = await rawSignUp(core, uniqueEmail("sr-family2"));
    const s = await createSession(userId);
    const a = ok<Created>(await refresh(s.refreshToken.token));
    expect(ok(await refresh(a.refreshToken.token))).toMatchObject({ status: "OK" });
    expect(ok(await refresh(s.refreshToken.token))).toMatchObject({ status: "TOKEN_THEFT_DETECTED" });
  });

  it("a fresh access token (no parent) verifies without a new access token", async () => {
    const s = await createSession(uniq("user"));
    const res = ok(await verify(s.accessToken.token));
    expect(Object.keys(res).sort()).toEqual(["session", "status"]);
  });
});

describe("GET /recipe/session/user (§12 other session endpoints, §3 A!)", () => {
  it("fetchAcrossAllTenants defaults to true; false (any case) limits to the path tenant", async () => {
    const userId = uniq("user");
    const inPublic = await createSession(userId);
    const inTenant = await createSession(userId, tenant);
    expect(inTenant.session.handle).toBe(`${inTenant.session.handle.split("_")[0]}_${tenant}`);

    const handles = async (path: string, query: Record<string, string>) =>
      ok<{ sessionHandles: string[] }>(await raw(core, path, { query: { userId, ...query } })).sessionHandles;

    expect(new Set(await handles("/public/recipe/session/user", {}))).toEqual(
      new Set([inPublic.session.handle, inTenant.session.handle]),
    );
    expect(await handles("/recipe/session/user", { fetchAcrossAllTenants: "false" })).toEqual([inPublic.session.handle]);
    expect(await handles(`/${tenant}/recipe/session/user`, { fetchAcrossAllTenants: "FALSE" })).toEqual([inTenant.session.handle]);
    expect(new Set(await handles("/recipe/session/user", { fetchAcrossAllTenants: "TRUE" }))).toEqual(
      new Set([inPublic.session.handle, inTenant.session.handle]),
    );
  });

  it("with the default (all tenants) a non-public prefix is a 403, even for an unknown tenant", async () => {
    const only = "Only public tenantId can call this app specific API\n";
    expectText(await raw(core, `/${tenant}/recipe/session/user`, { query: { userId: uniq("user") } }), 403, only);
    expectText(await raw(core, `/${uniq("nope")}/recipe/session/user`, { query: { userId: uniq("user") } }), 403, only);
  });
});

describe("POST /recipe/session/remove input (§12 other session endpoints)", () => {
  it("both userId and sessionHandles, or neither, is a 400", async () => {
    const s = await createSession(uniq("user"));
    const text = "Invalid JSON input - use one of userId or sessionHandles array\n";
    expectText(await post("/recipe/session/remove", { userId: s.session.userId, sessionHandles: [s.session.handle] }), 400, text);
    expectText(await post("/recipe/session/remove", {}), 400, text);
    // Still there.
    expect(ok(await raw(core, "/recipe/session", { query: { sessionHandle: s.session.handle } }))).toMatchObject({ status: "OK" });
  });

  it("revokeAcrossAllTenants with sessionHandles is a 400", async () => {
    const s = await createSession(uniq("user"));
    expectText(
      await post("/recipe/session/remove", { sessionHandles: [s.session.handle], revokeAcrossAllTenants: true }),
      400,
      "Invalid JSON input - revokeAcrossAllTenants can only be set if userId is set\n",
    );
  });

  it("by userId from a tenant prefix: 403 by default, tenant-only with revokeAcrossAllTenants false", async () => {
    const userId = uniq("user");
    const inPublic = await createSession(userId);
    const inTenant = await createSession(userId, tenant);
    expectText(
      await post(`/${tenant}/recipe/session/remove`, { userId }),
      403,
      "Only public tenantId can call this app specific API\n",
    );
    expect(ok(await post(`/${tenant}/recipe/session/remove`, { userId, revokeAcrossAllTenants: false }))).toStrictEqual({
      status: "OK",
      sessionHandlesRevoked: [inTenant.session.handle],
    });
    const left = ok<{ sessionHandles: string[] }>(await raw(core, "/recipe/session/user", { query: { userId } }));
    expect(left.sessionHandles).toEqual([inPublic.session.handle]);
  });

  it("by userId (all tenants by default) from an unknown tenant prefix is a 403 too", async () => {
    expectText(
      await post(`/${uniq("nope")}/recipe/session/remove`, { userId: uniq("user") }),
      403,
      "Only public tenantId can call this app specific API\n",
    );
  });
});

describe("POST /recipe/jwt (§12 table, gotcha 8)", () => {
  const jwtBody = (extra: Record<string, unknown> = {}) => ({
    algorithm: "RS256",
    jwksDomain: "https://issuer.example.com",
    payload: { custom: 1 },
    validity: 60,
    ...extra,
  });

  async function sign(extra: Record<string, unknown> = {}): Promise<string> {
    const res = ok<{ status: string; jwt: string }>(await post("/recipe/jwt", jwtBody(extra)));
    expect(Object.keys(res)).toEqual(["status", "jwt"]);
    return res.jwt;
  }

  it("without useStaticSigningKey it signs with the static key; iss defaults to jwksDomain", async () => {
    const { header, payload } = decode(await sign());
    expect(header).toStrictEqual({ kid: expect.stringMatching(/^s-/), typ: "JWT", alg: "RS256" });
    expect(payload).toStrictEqual({ iat: expect.any(Number), exp: expect.any(Number), custom: 1, iss: "https://issuer.example.com" });
    expect((payload.exp as number) - (payload.iat as number)).toBe(60);
    const jwks = json<{ keys: Array<{ kid: string }> }>(await raw(core, "/.well-known/jwks.json", { cdi: null }));
    expect(jwks.keys.map((k) => k.kid)).toContain(header.kid);
  });

  it("useStaticSigningKey false signs with a dynamic key", async () => {
    expect(decode(await sign({ useStaticSigningKey: false })).header.kid).toMatch(/^d-/);
    expect(decode(await sign({ useStaticSigningKey: true })).header.kid).toMatch(/^s-/);
  });

  it("an iss in the payload is kept", async () => {
    expect(decode(await sign({ payload: { iss: "mine" } })).payload.iss).toBe("mine");
  });

  it("the algorithm is upper-cased; anything but RS256 is UNSUPPORTED_ALGORITHM_ERROR", async () => {
    expect(decode(await sign({ algorithm: "rs256" })).header.alg).toBe("RS256");
    expect(ok(await post("/recipe/jwt", jwtBody({ algorithm: "HS256" })))).toStrictEqual({ status: "UNSUPPORTED_ALGORITHM_ERROR" });
  });

  it("validity 0 or below is a 400", async () => {
    for (const validity of [0, -5]) {
      expectText(await post("/recipe/jwt", jwtBody({ validity })), 400, "validity must be greater than or equal to 0\n");
    }
  });
});

describe("verify of malformed access tokens (§12 verification)", () => {
  it("an unknown kid gives TRY_REFRESH_TOKEN Key not found", async () => {
    const s = await createSession(uniq("user"));
    const [, p, sig] = s.accessToken.token.split(".");
    const header = Buffer.from(JSON.stringify({ kid: "d-1", typ: "JWT", version: "5", alg: "RS256" })).toString("base64url");
    expect(ok(await verify(`${header}.${p}.${sig}`))).toStrictEqual({ status: "TRY_REFRESH_TOKEN", message: "Key not found" });
  });

  it("a token without three parts gives TRY_REFRESH_TOKEN with the JWTException text", async () => {
    expect(ok(await verify("abc.def"))).toStrictEqual({
      status: "TRY_REFRESH_TOKEN",
      message: "io.supertokens.session.jwt.JWT$JWTException: Invalid JWT",
    });
  });
});
