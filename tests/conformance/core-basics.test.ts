/**
 * Raw HTTP against the core: greeting, API versions, and the plain-text errors of the real
 * Core 11.4.7 (core-fixtures README, "Errors"; exchanges core.* and fail.*).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import supertokens from "supertokens-node";
import versionModule from "supertokens-node/lib/build/version";
import { startTestCore, type TestCore } from "../support/core.ts";
import { initSdk } from "../support/sdk.ts";
import { JSON_CONTENT_TYPE, TEXT_CONTENT_TYPE, expectCountChange, json, raw, uniqueEmail } from "./helpers.ts";

let core: TestCore;

beforeAll(async () => {
  core = await startTestCore();
  initSdk(core.url, core.apiKey);
});

afterAll(async () => {
  await core?.close();
});

/** Asserts a plain-text error exactly as the real Core sends it. */
function expectTextError(res: { status: number; contentType: string | null; text: string }, status: number, text: string) {
  expect({ status: res.status, text: res.text, contentType: res.contentType }).toEqual({
    status,
    text,
    contentType: TEXT_CONTENT_TYPE,
  });
}

/** Users the public tenant has with this email (raw, so no SDK logic in between). */
async function usersWithEmail(email: string): Promise<unknown[]> {
  const res = await raw(core, "/public/users/by-accountinfo", { query: { email, doUnionOfAccountInfo: "false" } });
  expect(res.status).toBe(200);
  return json<{ users: unknown[] }>(res).users;
}

describe("greeting and versions", () => {
  it("GET /hello answers Hello\\n as text/html", async () => {
    const res = await raw(core, "/hello");
    expect(res).toEqual({ status: 200, contentType: TEXT_CONTENT_TYPE, text: "Hello\n" });
  });

  it("GET / answers Hello\\n as text/html", async () => {
    const res = await raw(core, "/");
    expect(res).toEqual({ status: 200, contentType: TEXT_CONTENT_TYPE, text: "Hello\n" });
  });

  it("GET /hello works without cdi-version", async () => {
    const res = await raw(core, "/hello", { cdi: null });
    expect(res).toEqual({ status: 200, contentType: TEXT_CONTENT_TYPE, text: "Hello\n" });
  });

  it("GET /apiversion (sent like the SDK, without cdi-version) lists 5.4 as JSON", async () => {
    const res = await raw(core, "/apiversion", {
      cdi: null,
      query: { apiDomain: "http://localhost:3001", websiteDomain: "http://localhost:3000" },
    });
    expect(res.status).toBe(200);
    expect(res.contentType).toBe(JSON_CONTENT_TYPE);
    const body = json<{ versions: unknown }>(res);
    expect(Object.keys(body)).toEqual(["versions"]);
    expect(Array.isArray(body.versions)).toBe(true);
    const versions = body.versions as unknown[];
    for (const v of versions) expect(v).toMatch(/^\d+\.\d+$/);
    expect(versions).toContain("5.4");
    // The SDK picks the largest version both sides support: it must be the SDK's 5.4.
    const sdkVersions: string[] = versionModule.cdiSupported;
    expect(sdkVersions.filter((v) => versions.includes(v))).toEqual(["5.4"]);
  });

  it("the SDK negotiates with the core and counts users", async () => {
    const count = await supertokens.getUserCount();
    expect(Number.isInteger(count)).toBe(true);
    expect(count).toBeGreaterThanOrEqual(0);
  });
});

describe("plain-text errors", () => {
  it("unknown path: 404 Not found", async () => {
    expectTextError(await raw(core, "/recipe/does-not-exist", { method: "POST", body: {} }), 404, "Not found\n");
    expectTextError(await raw(core, "/no/such/thing"), 404, "Not found\n");
  });

  it("malformed JSON: 400 Invalid Json Input", async () => {
    const res = await raw(core, "/recipe/signup", { method: "POST", body: "{not json", headers: { rid: "emailpassword" } });
    expectTextError(res, 400, "Invalid Json Input\n");
  });

  it("missing field: 400 Field name 'password' is invalid in JSON input", async () => {
    const res = await raw(core, "/recipe/signup", { method: "POST", body: { email: uniqueEmail("basics-missing") } });
    expectTextError(res, 400, "Field name 'password' is invalid in JSON input\n");
  });

  it("wrong-typed field: 400 Field name 'password' is invalid in JSON input", async () => {
    const res = await raw(core, "/recipe/signup", {
      method: "POST",
      body: { email: uniqueEmail("basics-typed"), password: 12345678 },
    });
    expectTextError(res, 400, "Field name 'password' is invalid in JSON input\n");
  });

  it("missing GET parameter: 400 Field name 'userId' is missing in GET request", async () => {
    const res = await raw(core, "/recipe/user/metadata", { headers: { rid: "usermetadata" } });
    expectTextError(res, 400, "Field name 'userId' is missing in GET request\n");
  });

  it("unsupported cdi-version 1.0 and 99.0: 400 cdi-version X not supported", async () => {
    expectTextError(await raw(core, "/users/count", { cdi: "1.0" }), 400, "cdi-version 1.0 not supported\n");
    expectTextError(await raw(core, "/users/count", { cdi: "99.0" }), 400, "cdi-version 99.0 not supported\n");
  });

  it("malformed cdi-version: 500 with the Java exception text", async () => {
    const res = await raw(core, "/users/count", { cdi: "abc" });
    expectTextError(res, 500, "java.lang.IllegalArgumentException: Invalid version format\n");
  });

  it("missing cdi-version is accepted", async () => {
    const res = await raw(core, "/users/count", { cdi: null });
    expect(res.status).toBe(200);
    expect(res.contentType).toBe(JSON_CONTENT_TYPE);
    const body = json(res);
    expect(body).toEqual({ status: "OK", count: expect.any(Number) });
  });

  it("wrong method: 405 Method not supported", async () => {
    const res = await raw(core, "/users/count", { method: "PUT", body: {} });
    expectTextError(res, 405, "Method not supported\n");
  });

  it("unknown tenant in the path: 400 with the Core's exact text", async () => {
    const res = await raw(core, "/nosuchtenant/users/count");
    expectTextError(
      res,
      400,
      "AppId or tenantId not found => Tenant with the following connectionURIDomain, appId and tenantId combination not found: (, public, nosuchtenant)\n",
    );
  });

  it("users list: limit 1001 and 501 give 400 max limit allowed is 500; 500 is fine", async () => {
    expectTextError(await raw(core, "/public/users", { query: { limit: "1001" } }), 400, "max limit allowed is 500\n");
    expectTextError(await raw(core, "/public/users", { query: { limit: "501" } }), 400, "max limit allowed is 500\n");
    const ok = await raw(core, "/public/users", { query: { limit: "500" } });
    expect(ok.status).toBe(200);
    expect(json(ok)).toMatchObject({ status: "OK", users: expect.any(Array) });
  });

  it("users list: a garbage pagination token gives 400 invalid pagination token", async () => {
    const res = await raw(core, "/public/users", { query: { paginationToken: "garbage!!", timeJoinedOrder: "DESC" } });
    expectTextError(res, 400, "invalid pagination token\n");
  });

  it("a mismatched rid is not checked: signup with rid passwordless succeeds", async () => {
    const email = uniqueEmail("basics-rid");
    const res = await raw(core, "/recipe/signup", {
      method: "POST",
      headers: { rid: "passwordless" },
      body: { email, password: "Password123!" },
    });
    expect(res.status).toBe(200);
    expect(res.contentType).toBe(JSON_CONTENT_TYPE);
    expect(json(res)).toMatchObject({ status: "OK", user: { emails: [email] } });
  });
});

describe("content types", () => {
  it("JSON answers are application/json;charset=UTF-8", async () => {
    for (const path of ["/users/count", "/public/users", "/recipe/multitenancy/tenant/list/v2"]) {
      const res = await raw(core, path);
      expect({ path, status: res.status, contentType: res.contentType }).toEqual({
        path,
        status: 200,
        contentType: JSON_CONTENT_TYPE,
      });
    }
  });

  it("a JSON status error (e.g. WRONG_CREDENTIALS_ERROR) is still 200 application/json", async () => {
    const res = await raw(core, "/public/recipe/signin", {
      method: "POST",
      headers: { rid: "emailpassword" },
      body: { email: uniqueEmail("basics-nobody"), password: "Password123!" },
    });
    expect(res.status).toBe(200);
    expect(res.contentType).toBe(JSON_CONTENT_TYPE);
    expect(json(res)).toEqual({ status: "WRONG_CREDENTIALS_ERROR" });
  });
});

describe("a rejected request changes nothing", () => {
  it("rejected signups create no user", async () => {
    const before = json<{ count: number }>(await raw(core, "/users/count")).count;
    const email = uniqueEmail("basics-rejected");

    const rejected = [
      await raw(core, "/recipe/signup", { method: "POST", body: { email } }),
      await raw(core, "/recipe/signup", { method: "POST", body: { email, password: 12345678 } }),
      await raw(core, "/recipe/signup", { method: "POST", body: `{"email":"${email}","password":"Password123!"` }),
      await raw(core, "/recipe/signup", { method: "POST", cdi: "99.0", body: { email, password: "Password123!" } }),
      await raw(core, "/recipe/signup", { method: "POST", cdi: "abc", body: { email, password: "Password123!" } }),
      await raw(core, "/nosuchtenant/recipe/signup", { method: "POST", body: { email, password: "Password123!" } }),
      await raw(core, "/recipe/signup", { method: "PUT", body: { email, password: "Password123!" } }),
    ];
    expect(rejected.map((r) => r.status)).toEqual([400, 400, 400, 400, 500, 400, 405]);

    expect(await usersWithEmail(email)).toEqual([]);
    const after = json<{ count: number }>(await raw(core, "/users/count")).count;
    expectCountChange(before, after, 0);

    // The same email is still free: a good signup now succeeds.
    const ok = await raw(core, "/recipe/signup", { method: "POST", body: { email, password: "Password123!" } });
    expect(json(ok)).toMatchObject({ status: "OK" });
    expect(await usersWithEmail(email)).toHaveLength(1);
  });
});
