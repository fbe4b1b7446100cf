/**
 * API keys (core-fixtures README "Errors" → "With api_keys set"; exchanges apikey.*):
 * /hello and /.well-known/jwks.json are open, everything else needs the `api-key` header,
 * and a wrong key is a 401 "Invalid API key" that the SDK surfaces on its first call
 * (GET /apiversion).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import supertokens from "supertokens-node";
import Multitenancy from "supertokens-node/recipe/multitenancy";
import EmailPassword from "supertokens-node/recipe/emailpassword";
import superTokensModule from "supertokens-node/lib/build/supertokens";
import sessionRecipe from "supertokens-node/lib/build/recipe/session/recipe";
import passwordlessRecipe from "supertokens-node/lib/build/recipe/passwordless/recipe";
import emailPasswordRecipe from "supertokens-node/lib/build/recipe/emailpassword/recipe";
import emailVerificationRecipe from "supertokens-node/lib/build/recipe/emailverification/recipe";
import userMetadataRecipe from "supertokens-node/lib/build/recipe/usermetadata/recipe";
import userRolesRecipe from "supertokens-node/lib/build/recipe/userroles/recipe";
import multitenancyRecipe from "supertokens-node/lib/build/recipe/multitenancy/recipe";
import accountLinkingRecipe from "supertokens-node/lib/build/recipe/accountlinking/recipe";
import { startTestCore, type TestCore } from "../support/core.ts";
import { initSdk } from "../support/sdk.ts";
import { JSON_CONTENT_TYPE, TEXT_CONTENT_TYPE, coreErrorMessage, json, raw, uniqueEmail } from "./helpers.ts";

const KEY = "gatehouse-test-key-0001";
const WRONG_KEY = "wrong-key-0123456789";
/** Against a real Core this file needs its key; without CORE_API_KEY there is nothing to test. */
const runnable = !process.env.CORE_URL || !!process.env.CORE_API_KEY;

/**
 * The class a supertokens-node CJS module exports as `default`: depending on the CJS interop
 * in use, a default import gives either that class or the whole `module.exports`.
 */
function resettable(mod: unknown): { reset(): void } {
  const m = mod as { reset?: unknown; default?: { reset?: unknown } };
  if (typeof m.reset === "function") return m as { reset(): void };
  if (m.default && typeof m.default.reset === "function") return m.default as { reset(): void };
  throw new Error("supertokens-node module without a reset()");
}

/**
 * supertokens-node is a singleton that caches the negotiated CDI version (Querier.apiVersion)
 * and every recipe instance. Its own tests reset them (SuperTokens.reset() and each
 * Recipe.reset(), allowed only with TEST_MODE=testing) before a second init.
 */
function resetSdk(): void {
  const previous = process.env.TEST_MODE;
  process.env.TEST_MODE = "testing";
  try {
    for (const recipe of [
      superTokensModule,
      sessionRecipe,
      passwordlessRecipe,
      emailPasswordRecipe,
      emailVerificationRecipe,
      userMetadataRecipe,
      userRolesRecipe,
      multitenancyRecipe,
      accountLinkingRecipe,
    ]) {
      resettable(recipe).reset();
    }
  } finally {
    if (previous === undefined) delete process.env.TEST_MODE;
    else process.env.TEST_MODE = previous;
  }
}

describe.skipIf(!runnable)("API keys (skipped when CORE_URL is set without CORE_API_KEY: that Core has no key to test)", () => {
  let core: TestCore;

  beforeAll(async () => {
    core = await startTestCore({ apiKeys: [KEY] });
    expect(core.apiKey).toBeTruthy();
    initSdk(core.url, core.apiKey);
  });

  afterAll(async () => {
    await core?.close();
  });

  describe("raw HTTP", () => {
    it("/hello works without a key", async () => {
      expect(await raw(core, "/hello", { apiKey: null })).toEqual({
        status: 200,
        contentType: TEXT_CONTENT_TYPE,
        text: "Hello\n",
      });
    });

    it("/hello works with a wrong key too", async () => {
      expect((await raw(core, "/hello", { apiKey: WRONG_KEY })).status).toBe(200);
    });

    it("/.well-known/jwks.json works without a key", async () => {
      const res = await raw(core, "/.well-known/jwks.json", { apiKey: null, cdi: null });
      expect(res.status).toBe(200);
      expect(res.contentType).toBe(JSON_CONTENT_TYPE);
      const body = json<{ keys: Array<Record<string, unknown>> }>(res);
      expect(body.keys.length).toBeGreaterThan(0);
      for (const k of body.keys) expect(k).toMatchObject({ kty: "RSA", alg: "RS256", use: "sig", e: "AQAB" });
    });

    for (const path of ["/users/count", "/apiversion", "/public/users", "/recipe/multitenancy/tenant/list/v2"]) {
      it(`${path} without a key: 401 Invalid API key`, async () => {
        expect(await raw(core, path, { apiKey: null })).toEqual({
          status: 401,
          contentType: TEXT_CONTENT_TYPE,
          text: "Invalid API key\n",
        });
      });

      it(`${path} with a wrong key: 401 Invalid API key`, async () => {
        expect(await raw(core, path, { apiKey: WRONG_KEY })).toEqual({
          status: 401,
          contentType: TEXT_CONTENT_TYPE,
          text: "Invalid API key\n",
        });
      });
    }

    it("/apiversion without key or cdi-version (as the SDK first calls it): 401", async () => {
      const res = await raw(core, "/apiversion", {
        apiKey: WRONG_KEY,
        cdi: null,
        query: { apiDomain: "http://localhost:3001", websiteDomain: "http://localhost:3000" },
      });
      expect(res).toEqual({ status: 401, contentType: TEXT_CONTENT_TYPE, text: "Invalid API key\n" });
    });

    it("a wrong key on a write is refused before anything is written", async () => {
      const email = uniqueEmail("apikey-write");
      const res = await raw(core, "/public/recipe/signup", {
        method: "POST",
        apiKey: WRONG_KEY,
        body: { email, password: "Password123!" },
      });
      expect(res).toEqual({ status: 401, contentType: TEXT_CONTENT_TYPE, text: "Invalid API key\n" });
      const check = await raw(core, "/public/users/by-accountinfo", { query: { email, doUnionOfAccountInfo: "false" } });
      expect(json(check)).toEqual({ status: "OK", users: [] });
    });

    // WebserverAPI.service checks the key before the servlet dispatches on the method.
    it("the key is checked before the method: a wrong method or PATCH without a key is a 401", async () => {
      for (const method of ["PUT", "PATCH", "OPTIONS"]) {
        expect({ method, ...(await raw(core, "/users/count", { method, apiKey: null })) }).toEqual({
          method,
          status: 401,
          contentType: TEXT_CONTENT_TYPE,
          text: "Invalid API key\n",
        });
      }
    });

    it("the not-found-or-hello page needs no key, for any path", async () => {
      expect(await raw(core, "/", { apiKey: null })).toEqual({ status: 200, contentType: TEXT_CONTENT_TYPE, text: "Hello\n" });
      expect(await raw(core, "/no/such/api", { apiKey: null })).toEqual({ status: 404, contentType: TEXT_CONTENT_TYPE, text: "Not found\n" });
    });

    it("the right key works", async () => {
      const res = await raw(core, "/users/count");
      expect(res.status).toBe(200);
      expect(json(res)).toEqual({ status: "OK", count: expect.any(Number) });
      const versions = await raw(core, "/apiversion", { cdi: null });
      expect(json<{ versions: string[] }>(versions).versions).toContain("5.4");
    });
  });

  describe("through the SDK", () => {
    it("works with the right key", async () => {
      expect(await supertokens.getUserCount()).toEqual(expect.any(Number));
      const tenants = await Multitenancy.listAllTenants();
      expect(tenants.status).toBe("OK");
      expect(tenants.tenants.map((t) => t.tenantId)).toContain("public");
      const email = uniqueEmail("apikey-sdk");
      const res = await EmailPassword.signUp("public", email, "Password123!");
      expect(res.status).toBe("OK");
      expect((await EmailPassword.signIn("public", email, "Password123!")).status).toBe("OK");
    });

    it("with a wrong key fails on its first call, GET /apiversion, with 401 Invalid API key", async () => {
      resetSdk();
      initSdk(core.url, WRONG_KEY);
      try {
        await expect(supertokens.getUserCount()).rejects.toThrow(
          coreErrorMessage("GET", "/apiversion", 401, "Invalid API key\n"),
        );
        // Nothing got cached: it fails the same way again.
        await expect(EmailPassword.signIn("public", uniqueEmail("apikey-wrong"), "Password123!")).rejects.toThrow(
          /status code: 401 and message: Invalid API key/,
        );
      } finally {
        resetSdk();
        initSdk(core.url, core.apiKey);
      }
      // And the right key works again after a fresh init.
      expect(await supertokens.getUserCount()).toEqual(expect.any(Number));
    });

    it("without a key fails the same way", async () => {
      resetSdk();
      initSdk(core.url);
      try {
        await expect(supertokens.getUserCount()).rejects.toThrow(
          coreErrorMessage("GET", "/apiversion", 401, "Invalid API key\n"),
        );
      } finally {
        resetSdk();
        initSdk(core.url, core.apiKey);
      }
    });
  });
});
