/**
 * Sessions whose session or tenant is gone, and refresh tokens that are not the Core's, as Core
 * 11.4.7 answers them: its refresh tokens carry their session and tenant encrypted inside
 * (RefreshToken.getInfoFromRefreshToken), so a revoked session is "Session missing in db or has
 * expired" and a deleted tenant a 400; session handles name their tenant ("<uuid>_<tenant>",
 * Session.getTenantIdFromSessionHandle). Also the JWKS's Cache-Control (SigningKeys).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestCore, type TestCore } from "../support/core.ts";
import { embedded, json, raw } from "./helpers.ts";
import { createTenant, expectText, ok, removeTenant, uniq } from "./rule-helpers.ts";

interface Created {
  status: string;
  session: { handle: string; userId: string; tenantId: string };
  accessToken: { token: string };
  refreshToken: { token: string };
  antiCsrfToken?: string;
}

let core: TestCore;
const tenants: string[] = [];

beforeAll(async () => {
  core = await startTestCore();
});

afterAll(async () => {
  try {
    for (const t of tenants) await removeTenant(core, t);
  } finally {
    await core?.close();
  }
});

const post = (path: string, body: unknown) => raw(core, path, { method: "POST", body });

async function createSession(tenantId = "public", enableAntiCsrf = false): Promise<Created> {
  const body = { userId: uniq("user"), enableAntiCsrf, userDataInJWT: {}, userDataInDatabase: {}, useDynamicSigningKey: true };
  const created = ok<Created>(await post(`/${tenantId}/recipe/session`, body));
  expect(created.status).toBe("OK");
  return created;
}

const refresh = (refreshToken: string, path = "/public", extra: Record<string, unknown> = {}) =>
  post(`${path}/recipe/session/refresh`, { refreshToken, enableAntiCsrf: false, useDynamicSigningKey: true, ...extra });

const tenantNotFound = (t: string): string =>
  `AppId or tenantId not found => Tenant with the following connectionURIDomain, appId and tenantId combination not found: (, public, ${t})\n`;

async function newTenant(): Promise<string> {
  const t = await createTenant(core);
  tenants.push(t);
  return t;
}

describe("refreshing a session that is gone", () => {
  it("a revoked session: Session missing in db or has expired", async () => {
    const s = await createSession();
    ok(await post("/recipe/session/remove", { sessionHandles: [s.session.handle] }));
    expect(ok(await refresh(s.refreshToken.token))).toStrictEqual({ status: "UNAUTHORISED", message: "Session missing in db or has expired" });
  });

  it("a revoked session's older token too (the token is read before the session is looked up)", async () => {
    const s = await createSession();
    const next = ok<Created>(await refresh(s.refreshToken.token));
    ok(await post("/recipe/session/remove", { sessionHandles: [s.session.handle] }));
    for (const token of [s.refreshToken.token, next.refreshToken.token]) {
      expect(ok(await refresh(token))).toStrictEqual({ status: "UNAUTHORISED", message: "Session missing in db or has expired" });
    }
  });

  it("a session of a deleted tenant: 400 naming that tenant, from any path", async () => {
    const t = await newTenant();
    const s = await createSession(t);
    await removeTenant(core, t);
    expectText(await refresh(s.refreshToken.token), 400, tenantNotFound(t));
  });

  it("the token names the session's tenant: refreshing through another tenant's path works", async () => {
    const t = await newTenant();
    const s = await createSession(t);
    const next = ok<Created>(await refresh(s.refreshToken.token, "/public"));
    expect(next.session).toMatchObject({ handle: s.session.handle, tenantId: t });
  });

  it("the path's tenant is looked up after the input and before the token", async () => {
    const nope = uniq("nope");
    expectText(await post(`/${nope}/recipe/session/refresh`, { refreshToken: "x", enableAntiCsrf: false }), 400, "Field name 'useDynamicSigningKey' is invalid in JSON input\n");
    expectText(await refresh("garbage", `/${nope}`), 400, tenantNotFound(nope));
  });

  it("the token's anti-CSRF token is checked before the session is looked up", async () => {
    const s = await createSession("public", true);
    ok(await post("/recipe/session/remove", { sessionHandles: [s.session.handle] }));
    expect(ok(await refresh(s.refreshToken.token, "/public", { enableAntiCsrf: true, antiCsrfToken: "wrong" }))).toStrictEqual({
      status: "UNAUTHORISED",
      message: "Anti CSRF token missing, or not matching",
    });
  });
});

describe("refresh tokens the Core cannot read (Java's exception texts)", () => {
  const format = "io.supertokens.session.refreshToken.RefreshToken$InvalidRefreshTokenFormatException";
  const cases: Array<[string, string]> = [
    ["...", `${format}: java.lang.ArrayIndexOutOfBoundsException: Index -1 out of bounds for length 0`],
    ["a.b.c.V2", `${format}: Refresh token split with dot yielded an array of length: 4`],
    ["a.b.V2.", "java.lang.IllegalArgumentException: Input byte[] should at least have 2 bytes for base64 bytes"],
    ["a.b.v2", "java.lang.IllegalArgumentException: Input byte[] should at least have 2 bytes for base64 bytes"],
    [".b.V2", "java.nio.BufferUnderflowException"],
    ["ABCDEF.b.V1", "java.nio.BufferUnderflowException"],
    ["A-B.b.V2", "java.lang.IllegalArgumentException: Illegal base64 character 2d"],
    ["éé.b.V2", "java.lang.IllegalArgumentException: Illegal base64 character -17"],
    ["AB=C.b.V2", "java.lang.IllegalArgumentException: Input byte array has wrong 4-byte ending unit"],
    ["AB==C.b.V2", "java.lang.IllegalArgumentException: Input byte array has incorrect ending byte at 4"],
    ["ABCDE.b.V2", "java.lang.IllegalArgumentException: Last unit does not have enough valid bits"],
    [`${Buffer.alloc(20, 7).toString("base64")}.n.V2`, "java.security.ProviderException: javax.crypto.ShortBufferException: Output buffer invalid"],
    [`${Buffer.alloc(40, 7).toString("base64")}.n.V0`, "javax.crypto.AEADBadTagException: Tag mismatch!"],
  ];
  for (const [token, message] of cases) {
    it(`${JSON.stringify(token.slice(0, 24))}: ${message.slice(0, 60)}`, async () => {
      expect(ok(await refresh(token))).toStrictEqual({ status: "UNAUTHORISED", message });
    });
  }

  it("a real token with another nonce is an invalid refresh token", async () => {
    const s = await createSession();
    const [enc, nonce] = s.refreshToken.token.split(".");
    const other = `${enc}.${(nonce ?? "").replace(/^./, (c) => (c === "a" ? "b" : "a"))}.V2`;
    expect(ok(await refresh(other))).toStrictEqual({
      status: "UNAUTHORISED",
      message: "Invalid refresh token",
    });
  });
});

describe("session handles name their tenant", () => {
  it("a handle of an unknown tenant is a 400 for every handle-based API", async () => {
    const nope = uniq("nope");
    const handle = `${crypto.randomUUID()}_${nope}`;
    expectText(await raw(core, "/recipe/session", { query: { sessionHandle: handle } }), 400, tenantNotFound(nope));
    expectText(await raw(core, "/recipe/session/data", { method: "PUT", body: { sessionHandle: handle, userDataInDatabase: {} } }), 400, tenantNotFound(nope));
    expectText(await raw(core, "/recipe/jwt/data", { method: "PUT", body: { sessionHandle: handle, userDataInJWT: {} } }), 400, tenantNotFound(nope));
    expectText(await post("/recipe/session/remove", { sessionHandles: [handle] }), 400, tenantNotFound(nope));
  });

  it("the tenant part is lower-cased; the path's tenant is not used", async () => {
    const t = await newTenant();
    const s = await createSession(t);
    const [uuid] = s.session.handle.split("_");
    const upper = `${uuid}_${t.toUpperCase()}`;
    expect(ok(await raw(core, "/recipe/session", { query: { sessionHandle: upper } }))).toStrictEqual({
      status: "UNAUTHORISED",
      message: "Session does not exist.",
    });
    const found = ok(await raw(core, `/${uniq("nope")}/recipe/session`, { query: { sessionHandle: s.session.handle } }));
    expect(found).toMatchObject({ status: "OK", sessionHandle: s.session.handle, tenantId: t });
  });

  it("a handle of underscores alone is Java's ArrayIndexOutOfBoundsException", async () => {
    expectText(await raw(core, "/recipe/session", { query: { sessionHandle: "__" } }), 500, "java.lang.ArrayIndexOutOfBoundsException: Index 1 out of bounds for length 0\n");
  });

  it("verifying an access token of a deleted tenant is a 400", async () => {
    const t = await newTenant();
    const s = await createSession(t);
    await removeTenant(core, t);
    const res = await post("/recipe/session/verify", { accessToken: s.accessToken.token, doAntiCsrfCheck: false, enableAntiCsrf: false, checkDatabase: false });
    expectText(res, 400, tenantNotFound(t));
  });
});

describe("the JWKS's Cache-Control (SigningKeys.getCacheDurationInSeconds)", () => {
  const WEEK_MINUS_OVERLAP = 168 * 3600 - 60;

  it("max-age runs to a minute before the next dynamic key, must-revalidate", async () => {
    const res = await fetch(`${core.url}/.well-known/jwks.json`);
    const match = /^max-age=(\d+), must-revalidate$/.exec(res.headers.get("cache-control") ?? "");
    expect(match, `cache-control: ${res.headers.get("cache-control")}`).not.toBeNull();
    const seconds = Number(match?.[1]);
    expect(seconds).toBeGreaterThanOrEqual(1);
    expect(seconds).toBeLessThanOrEqual(WEEK_MINUS_OVERLAP);
    expect(json<{ keys: unknown[] }>({ status: res.status, contentType: null, text: await res.text() }).keys.length).toBeGreaterThan(0);
  });

  it.skipIf(!embedded)("embedded only (a clock it can move): the age counts down, the next key is made a minute early and signs a minute later", async () => {
    let now = Date.UTC(2030, 0, 1);
    const clocked = await startTestCore({ now: () => now });
    try {
      const jwks = async () => {
        const res = await fetch(`${clocked.url}/.well-known/jwks.json`);
        const body = (await res.json()) as { keys: Array<{ kid: string }> };
        return { cache: res.headers.get("cache-control"), kids: body.keys.map((k) => k.kid) };
      };
      const first = await jwks();
      expect(first.cache).toBe(`max-age=${WEEK_MINUS_OVERLAP}, must-revalidate`);
      now += 1000 * 1000;
      expect((await jwks()).cache).toBe(`max-age=${WEEK_MINUS_OVERLAP - 1000}, must-revalidate`);
      // 30 s before the overlap: still one dynamic key.
      now = Date.UTC(2030, 0, 1) + WEEK_MINUS_OVERLAP * 1000 - 30_000;
      expect((await jwks()).kids.filter((k) => k.startsWith("d-"))).toHaveLength(1);
      // Inside the overlap: a second key, listed first; new tokens are still signed with the first.
      now += 45_000;
      const second = await jwks();
      const dynamic = second.kids.filter((k) => k.startsWith("d-"));
      expect(dynamic).toEqual([`d-${now}`, first.kids.find((k) => k.startsWith("d-"))]);
      expect(second.cache).toBe(`max-age=${WEEK_MINUS_OVERLAP}, must-revalidate`);
      const signedBy = async (): Promise<string> => {
        const s = await raw(clocked, "/recipe/session", {
          method: "POST",
          body: { userId: "u", enableAntiCsrf: false, userDataInJWT: {}, userDataInDatabase: {}, useDynamicSigningKey: true },
        });
        const header = JSON.parse(Buffer.from(ok<Created>(s).accessToken.token.split(".")[0] ?? "", "base64url").toString("utf8")) as { kid: string };
        return header.kid;
      };
      expect(await signedBy()).toBe(dynamic[1]);
      now += 61_000;
      expect(await signedBy()).toBe(dynamic[0]);
    } finally {
      await clocked.close();
    }
  });
});
