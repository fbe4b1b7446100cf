/**
 * Routing rules of the real Core 11.4.7 (source notes §1 "Response format", §2 "CDI version and
 * API key", §3 "Tenant / app path prefixes", §15 gotchas 1–3): app-level APIs under a tenant
 * prefix, case-insensitive paths, cdi-version parsing and where the API key may come from.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestCore, type TestCore } from "../support/core.ts";
import { JSON_CONTENT_TYPE, TEXT_CONTENT_TYPE, embedded, json, raw, type RawRequest } from "./helpers.ts";
import { createTenant, expectText, ok, removeTenant, uniq } from "./rule-helpers.ts";

const ONLY_PUBLIC = "Only public tenantId can call this app specific API\n";
const tenantNotFound = (t: string): string =>
  `AppId or tenantId not found => Tenant with the following connectionURIDomain, appId and tenantId combination not found: (, public, ${t})\n`;

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

/** App-level ("A!") APIs, each with a request that is otherwise valid. */
const APP_LEVEL: Array<{ name: string; path: string; req: RawRequest }> = [
  { name: "GET /recipe/user/metadata", path: "/recipe/user/metadata", req: { query: { userId: "someone" } } },
  { name: "GET /user/id", path: "/user/id", req: { query: { userId: "someone" } } },
  { name: "GET /recipe/roles", path: "/recipe/roles", req: {} },
  { name: "GET /recipe/userid/map", path: "/recipe/userid/map", req: { query: { userId: "someone" } } },
  { name: "GET /recipe/jwt/jwks", path: "/recipe/jwt/jwks", req: {} },
  { name: "GET /apiversion", path: "/apiversion", req: {} },
  { name: "GET /users/count?includeAllTenants=true", path: "/users/count", req: { query: { includeAllTenants: "true" } } },
  {
    name: "POST /recipe/jwt",
    path: "/recipe/jwt",
    req: { method: "POST", body: { algorithm: "RS256", jwksDomain: "http://localhost:3001", payload: {}, validity: 60 } },
  },
];

describe("app-level APIs under a tenant prefix (§3 scope A!, gotcha 3)", () => {
  for (const api of APP_LEVEL) {
    it(`${api.name}: an existing non-public tenant prefix gives 403`, async () => {
      expectText(await raw(core, `/${tenant}${api.path}`, api.req), 403, ONLY_PUBLIC);
    });

    it(`${api.name}: an unknown tenant prefix gives 403 too (not 400)`, async () => {
      expectText(await raw(core, `/${uniq("nope")}${api.path}`, api.req), 403, ONLY_PUBLIC);
    });

    it(`${api.name}: the /public prefix works like no prefix`, async () => {
      const plain = await raw(core, api.path, api.req);
      const prefixed = await raw(core, `/public${api.path}`, api.req);
      expect(plain.status).toBe(200);
      expect(prefixed.status).toBe(200);
      expect(prefixed.contentType).toBe(JSON_CONTENT_TYPE);
      // Same answer, apart from freshly signed JWTs.
      if (api.path !== "/recipe/jwt") expect(prefixed.text).toBe(plain.text);
    });
  }

  it("/public prefix answers like no prefix for metadata and user/id (exact bodies)", async () => {
    expect(ok(await raw(core, "/public/recipe/user/metadata", { query: { userId: uniq("nobody") } }))).toStrictEqual({
      metadata: {},
      status: "OK",
    });
    expect(ok(await raw(core, "/public/user/id", { query: { userId: uniq("nobody") } }))).toStrictEqual({
      status: "UNKNOWN_USER_ID_ERROR",
    });
  });

  it("/appid-public/public/... is the default app and public tenant", async () => {
    const plain = ok(await raw(core, "/users/count"));
    expect(ok(await raw(core, "/appid-public/public/users/count"))).toStrictEqual(plain);
    expect(ok(await raw(core, "/appid-public/users/count"))).toStrictEqual(plain);
  });

  it("session verify and the JWKS ignore the path tenant, even an unknown one (scope A~)", async () => {
    const created = ok<{ accessToken: { token: string } }>(
      await raw(core, "/public/recipe/session", {
        method: "POST",
        body: { userId: uniq("user"), enableAntiCsrf: false, userDataInJWT: {}, userDataInDatabase: {}, useDynamicSigningKey: true },
      }),
    );
    const verified = ok(
      await raw(core, `/${uniq("nope")}/recipe/session/verify`, {
        method: "POST",
        body: { accessToken: created.accessToken.token, doAntiCsrfCheck: false, enableAntiCsrf: false, checkDatabase: true },
      }),
    );
    expect(verified).toMatchObject({ status: "OK", session: { tenantId: "public" } });

    const jwks = await raw(core, `/${uniq("nope")}/.well-known/jwks.json`, { cdi: null, apiKey: null });
    expect(jwks.status).toBe(200);
    expect(json<{ keys: unknown[] }>(jwks).keys.length).toBeGreaterThan(0);
  });
});

describe("paths are case-insensitive (§3: the servlet path is lower-cased)", () => {
  it("/PUBLIC/USERS/COUNT is /public/users/count", async () => {
    const upper = ok(await raw(core, "/PUBLIC/USERS/COUNT"));
    expect(upper).toStrictEqual(ok(await raw(core, "/public/users/count")));
    expect(upper).toStrictEqual({ status: "OK", count: expect.any(Number) });
  });

  it("/Recipe/User/Metadata works; a trailing slash works", async () => {
    expect(ok(await raw(core, "/Recipe/User/Metadata", { query: { userId: uniq("nobody") } }))).toStrictEqual({
      metadata: {},
      status: "OK",
    });
    expect(ok(await raw(core, "/users/count/"))).toStrictEqual({ status: "OK", count: expect.any(Number) });
  });

  it("the tenant segment is lower-cased: /<TENANT>/users/count is the tenant's count", async () => {
    expect(ok(await raw(core, `/${tenant.toUpperCase()}/users/count`))).toStrictEqual({ status: "OK", count: 0 });
  });

  it("an unknown upper-case tenant is reported lower-cased", async () => {
    const t = uniq("nope");
    expectText(await raw(core, `/${t.toUpperCase()}/users/count`), 400, tenantNotFound(t));
  });
});

// HelloAPI and NotFoundOrHelloAPI (v11.4.7) implement GET, POST, PUT and DELETE; both are
// app-level without the public-tenant check, and "/" strips a known tenant segment first.
describe("Hello (§1 'Response format': NotFoundOrHelloAPI serves / and /<tenant>)", () => {
  const hello = { status: 200, contentType: TEXT_CONTENT_TYPE, text: "Hello\n" };

  it("/public and /<existing tenant> answer Hello; an unknown tenant is 404", async () => {
    expect(await raw(core, "/public")).toEqual(hello);
    expect(await raw(core, `/${tenant}`)).toEqual(hello);
    expect(await raw(core, `/${tenant}/`)).toEqual(hello);
    expectText(await raw(core, `/${uniq("nope")}`), 404, "Not found\n");
  });

  // The page strips "/<tenant>" from the path as written, and the tenant id is lower case.
  it("/<TENANT> in upper case, /PUBLIC and /APPID-PUBLIC/ are not found", async () => {
    for (const path of [`/${tenant.toUpperCase()}/`, `/${tenant.toUpperCase()}`, "/PUBLIC", "/Public/", "/APPID-PUBLIC/"]) {
      expect({ path, ...(await raw(core, path)) }).toEqual({ path, status: 404, contentType: TEXT_CONTENT_TYPE, text: "Not found\n" });
    }
  });

  it("every spelling that strips to \"/\" is Hello: /public/public, /appid-public, /appid-public/<tenant>/", async () => {
    for (const path of ["/public/public", "/public/public/", "/appid-public", "/appid-public/", "/appid-public/public", `/appid-public/${tenant}/`]) {
      expect({ path, ...(await raw(core, path)) }).toEqual({ path, ...hello });
    }
    for (const path of [`/${tenant}/${tenant}`, "/public/x", "/appid-/"]) {
      expect({ path, ...(await raw(core, path)) }).toEqual({ path, status: 404, contentType: TEXT_CONTENT_TYPE, text: "Not found\n" });
    }
  });

  it("the page needs a supported cdi-version, like every API but /hello, /apiversion and the JWKS", async () => {
    expectText(await raw(core, "/", { cdi: "1.0" }), 400, "cdi-version 1.0 not supported\n");
    expectText(await raw(core, "/no/such/thing", { cdi: "1.0" }), 400, "cdi-version 1.0 not supported\n");
    expect(await raw(core, "/hello", { cdi: "1.0" })).toEqual(hello);
  });

  it("/hello under a tenant prefix (existing or unknown) answers Hello", async () => {
    expect(await raw(core, `/${tenant}/hello`)).toEqual(hello);
    expect(await raw(core, `/${uniq("nope")}/hello`)).toEqual(hello);
  });

  it("/hello and / answer Hello to POST, PUT and DELETE too", async () => {
    for (const method of ["POST", "PUT", "DELETE"]) {
      expect({ method, ...(await raw(core, "/hello", { method })) }).toEqual({ method, ...hello });
      expect({ method, ...(await raw(core, "/", { method })) }).toEqual({ method, ...hello });
    }
  });
});

describe("cdi-version (§2, gotcha 1)", () => {
  it("5.4.0 and 05.4 are not supported (set membership is on the raw text)", async () => {
    expectText(await raw(core, "/users/count", { cdi: "5.4.0" }), 400, "cdi-version 5.4.0 not supported\n");
    expectText(await raw(core, "/users/count", { cdi: "05.4" }), 400, "cdi-version 05.4 not supported\n");
  });

  it("malformed versions (abc, v5, empty) give 500 with the Java exception", async () => {
    for (const cdi of ["abc", "v5", ""]) {
      expectText(await raw(core, "/users/count", { cdi }), 500, "java.lang.IllegalArgumentException: Invalid version format\n");
    }
  });

  it("/apiversion skips the whitelist: 1.0 is fine there but not on /users/count", async () => {
    const res = await raw(core, "/apiversion", { cdi: "1.0" });
    expect(res.status).toBe(200);
    expect(json<{ versions: string[] }>(res).versions).toContain("5.4");
    expectText(await raw(core, "/users/count", { cdi: "1.0" }), 400, "cdi-version 1.0 not supported\n");
  });

  it("a version above 5.4 is a 400 even on /apiversion, /hello and the JWKS", async () => {
    expectText(await raw(core, "/apiversion", { cdi: "5.5" }), 400, "cdi-version 5.5 not supported\n");
    expectText(await raw(core, "/users/count", { cdi: "5.5" }), 400, "cdi-version 5.5 not supported\n");
    expectText(await raw(core, "/hello", { cdi: "6.0" }), 400, "cdi-version 6.0 not supported\n");
    expectText(await raw(core, "/.well-known/jwks.json", { cdi: "6.0" }), 400, "cdi-version 6.0 not supported\n");
  });

  it("a malformed version is a 500 even on /apiversion", async () => {
    expectText(await raw(core, "/apiversion", { cdi: "abc" }), 500, "java.lang.IllegalArgumentException: Invalid version format\n");
  });
});

const KEY = "gatehouse-routing-key-0001";
const WRONG = "gatehouse-routing-key-9999";

describe.skipIf(!embedded)("API key sources (§2; embedded only: needs a core started with api keys)", () => {
  let keyed: TestCore;

  beforeAll(async () => {
    keyed = await startTestCore({ apiKeys: [KEY] });
  });

  afterAll(async () => {
    await keyed?.close();
  });

  const count = (headers: Record<string, string>, apiKey: string | null = null, cdi?: string) =>
    raw(keyed, "/users/count", { apiKey, headers, ...(cdi !== undefined ? { cdi } : {}) });

  it("Authorization: Bearer <key> is used when api-key is absent", async () => {
    expect(ok(await count({ Authorization: `Bearer ${KEY}` }))).toStrictEqual({ status: "OK", count: expect.any(Number) });
  });

  it("the bearer prefix is case-insensitive and the rest is trimmed", async () => {
    expect((await count({ authorization: `bearer ${KEY}` })).status).toBe(200);
    expect((await count({ authorization: `BEARER    ${KEY}` })).status).toBe(200);
  });

  it("an Authorization header without the prefix is taken whole", async () => {
    expect((await count({ Authorization: KEY })).status).toBe(200);
  });

  it("a wrong or differently-cased bearer key gives 401", async () => {
    expectText(await count({ Authorization: `Bearer ${WRONG}` }), 401, "Invalid API key\n");
    expectText(await count({ Authorization: `Bearer ${KEY.toUpperCase()}` }), 401, "Invalid API key\n");
  });

  it("api-key wins over Authorization when both are sent", async () => {
    expectText(await count({ Authorization: `Bearer ${KEY}` }, WRONG), 401, "Invalid API key\n");
    expect((await count({ Authorization: `Bearer ${WRONG}` }, KEY)).status).toBe(200);
  });

  it("the key is checked before the cdi-version", async () => {
    expectText(await count({}, WRONG, "abc"), 401, "Invalid API key\n");
    expectText(await count({}, null, "5.4.0"), 401, "Invalid API key\n");
  });

  it("unknown paths need no key: 404 before 401", async () => {
    expectText(await raw(keyed, "/no/such/thing", { apiKey: null }), 404, "Not found\n");
    expectText(await raw(keyed, "/recipe/nothing-here", { method: "POST", apiKey: null, body: {} }), 404, "Not found\n");
    expect(await raw(keyed, "/", { apiKey: null })).toEqual({ status: 200, contentType: TEXT_CONTENT_TYPE, text: "Hello\n" });
  });

  // v11.4.7 WebserverAPI.assertThatAPIKeyCheckPasses reads api_keys from the app's public tenant
  // (commit 7ce22db "resolve api_keys … against the app's public tenant"): an unknown tenant of a
  // known app still needs the key; only an unknown app skips the check (then 400 "not found").
  it("an unknown tenant of the app still needs the key; an unknown app skips the check and answers 400", async () => {
    expectText(await raw(keyed, `/${uniq("nope")}/users/count`, { apiKey: null }), 401, "Invalid API key\n");
    const app = uniq("nope");
    const res = await raw(keyed, `/appid-${app}/users/count`, { apiKey: null });
    expect(res.status).toBe(400);
    expect(res.text).toMatch(/^AppId or tenantId not found => /);
    expect(res.text).toContain(app);
  });
});

const appNotFound = (app: string, t = "public"): string =>
  `AppId or tenantId not found => Tenant with the following connectionURIDomain, appId and tenantId combination not found: (, ${app}, ${t})\n`;

// PathRouter picks the API, then WebserverAPI.getAppId/getTenantId read the prefixes with the
// API's own pattern; an unknown app fails where the API looks its storage up.
describe("app and tenant prefixes (PathRouter, WebserverAPI.getAppId/getTenantId)", () => {
  it("an unknown app is a 400 naming the app and the tenant of the path (public when there is none)", async () => {
    const app = uniq("app");
    for (const path of [`/appid-${app}/users/count`, `/appid-${app}/public/users/count`, `/appid-${app}/`, `/appid-${app}/hello`, `/appid-${app}/nothing`]) {
      expect({ path, ...(await raw(core, path)) }).toEqual({ path, status: 400, contentType: TEXT_CONTENT_TYPE, text: appNotFound(app) });
    }
    expectText(await raw(core, `/appid-${app}/${tenant}/users/count`), 400, appNotFound(app, tenant));
    expectText(await raw(core, `/appid-${app}/recipe/jwt/jwks`), 400, appNotFound(app));
    expectText(await raw(core, `/APPID-${app.toUpperCase()}/users/count`), 400, appNotFound(app));
  });

  it("an app-level API that looks in all of the app's storages names the app alone", async () => {
    const app = uniq("app");
    expectText(
      await raw(core, `/appid-${app}/user/remove`, { method: "POST", body: { userId: uniq("nobody") } }),
      400,
      `AppId or tenantId not found => App with the following connectionURIDomain and appId combination not found: (, ${app})\n`,
    );
  });

  it("/appid-/ and /appid-public/ are the default app", async () => {
    const plain = ok(await raw(core, "/users/count"));
    expect(ok(await raw(core, "/appid-/users/count"))).toStrictEqual(plain);
    expect(ok(await raw(core, `/appid-/${tenant}/users/count`))).toStrictEqual({ status: "OK", count: 0 });
  });

  it("a tenant segment outside [a-z0-9-] is no tenant: the path is not found", async () => {
    for (const path of ["/t_1/users/count", "/t.1/users/count", "/users/users/count", "/hello/users/count", "/recipe/users/count"]) {
      expect({ path, ...(await raw(core, path)) }).toEqual({ path, status: 404, contentType: TEXT_CONTENT_TYPE, text: "Not found\n" });
    }
  });

  it("the API path is a pattern: the dots of /.well-known/jwks.json match any character", async () => {
    const res = await raw(core, "/.well-known/jwksXjson", { cdi: null, apiKey: null });
    expect(res.status).toBe(200);
    expect(json<{ keys: unknown[] }>(res).keys.length).toBeGreaterThan(0);
  });

  it("before CDI 3.0 a tenant prefix is not found, even for a tenant that exists", async () => {
    expect(ok(await raw(core, "/users/count", { cdi: "2.21" }))).toStrictEqual({ status: "OK", count: expect.any(Number) });
    for (const path of [`/${tenant}/users/count`, `/${uniq("nope")}/users/count`, `/${tenant}/hello`]) {
      expectText(await raw(core, path, { cdi: "2.21" }), 404, "Not found\n");
    }
  });
});
