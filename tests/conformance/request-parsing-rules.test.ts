/**
 * Request parsing quirks of the real Core 11.4.7 (source notes §1 "Request parsing": Gson's
 * lenient JsonParser and the InputParser type helpers; webserver/InputParser.java at the tag).
 * The SDK never sends these shapes, but other Core clients may.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestCore, type TestCore } from "../support/core.ts";
import { raw } from "./helpers.ts";
import { expectText, ok, uniq } from "./rule-helpers.ts";

let core: TestCore;

beforeAll(async () => {
  core = await startTestCore();
});

afterAll(async () => {
  await core?.close();
});

const metadataOf = async (userId: string) =>
  ok<{ metadata: Record<string, unknown> }>(await raw(core, "/recipe/user/metadata", { query: { userId } })).metadata;

function jwtParts(jwt: string): { kid: string; lifetime: number } {
  const [h, p] = jwt.split(".");
  const header = JSON.parse(Buffer.from(h ?? "", "base64url").toString("utf8")) as { kid: string };
  const payload = JSON.parse(Buffer.from(p ?? "", "base64url").toString("utf8")) as { iat: number; exp: number };
  return { kid: header.kid, lifetime: payload.exp - payload.iat };
}

async function signJwt(extra: Record<string, unknown>): Promise<{ kid: string; lifetime: number }> {
  const body = { algorithm: "RS256", jwksDomain: "https://issuer.example.com", payload: {}, validity: 60, ...extra };
  const res = ok<{ status: string; jwt: string }>(await raw(core, "/recipe/jwt", { method: "POST", body }));
  expect(res.status).toBe("OK");
  return jwtParts(res.jwt);
}

describe("JSON bodies are parsed leniently (Gson JsonParser)", () => {
  it("single quotes, unquoted names and // comments are accepted", async () => {
    const userId = uniq("lenient");
    const body = `{\n  // a comment\n  userId: '${userId}',\n  'metadataUpdate': {a: 1}\n}`;
    expect(ok(await raw(core, "/recipe/user/metadata", { method: "PUT", body }))).toStrictEqual({ metadata: { a: 1 }, status: "OK" });
    expect(await metadataOf(userId)).toStrictEqual({ a: 1 });
  });

  it("null, an array or a number as the body is Invalid Json Input", async () => {
    for (const body of ["null", "[]", "5"]) {
      expectText(await raw(core, "/recipe/user/metadata", { method: "PUT", body }), 400, "Invalid Json Input\n");
    }
  });
});

describe("field type helpers (InputParser)", () => {
  it("a string field accepts a one-element array: [\"x\"] is \"x\"", async () => {
    const userId = uniq("arr");
    const res = await raw(core, "/recipe/user/metadata", { method: "PUT", body: { userId: [userId], metadataUpdate: { b: 2 } } });
    expect(ok(res)).toStrictEqual({ metadata: { b: 2 }, status: "OK" });
    expect(await metadataOf(userId)).toStrictEqual({ b: 2 });
  });

  it("a long field accepts a numeric string", async () => {
    expect((await signJwt({ validity: "60" })).lifetime).toBe(60);
  });

  it("a long field truncates a float and refuses a non-numeric string", async () => {
    expect((await signJwt({ validity: 90.9 })).lifetime).toBe(90);
    expectText(
      await raw(core, "/recipe/jwt", {
        method: "POST",
        body: { algorithm: "RS256", jwksDomain: "x", payload: {}, validity: "sixty" },
      }),
      400,
      "Field name 'validity' is invalid in JSON input\n",
    );
  });

  it("a boolean field reads a number as Boolean.parseBoolean(\"1\") = false", async () => {
    expect((await signJwt({ useStaticSigningKey: 1 })).kid).toMatch(/^d-/);
  });

  it("a boolean field accepts a one-element array: [false] is false", async () => {
    expect((await signJwt({ useStaticSigningKey: [false] })).kid).toMatch(/^d-/);
  });

  it("a boolean field refuses a string", async () => {
    expectText(
      await raw(core, "/recipe/jwt", {
        method: "POST",
        body: { algorithm: "RS256", jwksDomain: "x", payload: {}, validity: 60, useStaticSigningKey: "true" },
      }),
      400,
      "Field name 'useStaticSigningKey' is invalid in JSON input\n",
    );
  });

  it("enableAntiCsrf: 1 is false (no anti-CSRF token)", async () => {
    const res = ok<Record<string, unknown>>(
      await raw(core, "/public/recipe/session", {
        method: "POST",
        body: { userId: uniq("user"), enableAntiCsrf: 1, userDataInJWT: {}, userDataInDatabase: {}, useDynamicSigningKey: true },
      }),
    );
    expect(res.status).toBe("OK");
    expect(Object.keys(res)).not.toContain("antiCsrfToken");
  });
});

describe("int query parameters (Integer.parseInt)", () => {
  it("1.0, 1e1, 0x5, ' 1' and an empty value are not ints", async () => {
    const values = ["1.0", "1e1", "0x5", " 1", ""];
    const got = [];
    for (const limit of values) {
      const res = await raw(core, "/public/users", { query: { limit } });
      got.push({ limit, status: res.status, text: res.text });
    }
    expect(got).toEqual(
      values.map((limit) => ({ limit, status: 400, text: "Field name 'limit' must be an int in the GET request\n" })),
    );
  });

  it("+5 is an int", async () => {
    expect(ok(await raw(core, "/public/users", { query: { limit: "+5" } }))).toMatchObject({ status: "OK" });
  });
});
