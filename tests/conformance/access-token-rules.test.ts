/**
 * Access tokens the Core cannot use, as Core 11.4.7 reads them (JWT.preParseJWTInfo,
 * AccessToken.getInfoFromAccessToken, AccessTokenInfo.fromJSON): a bad structure is
 * TRY_REFRESH_TOKEN with the JWTException's text on verify, while what Java itself throws on
 * undecodable parts (Base64, Gson) is an unhandled 500; session regenerate reads the token
 * without verifying it, so there a bad header is a 500 and a missing claim UNAUTHORISED.
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

const b64 = (v: unknown): string => Buffer.from(typeof v === "string" ? v : JSON.stringify(v)).toString("base64url");
const JWT_EXCEPTION = "io.supertokens.session.jwt.JWT$JWTException";

const verify = (accessToken: string) =>
  raw(core, "/recipe/session/verify", { method: "POST", body: { accessToken, doAntiCsrfCheck: false, enableAntiCsrf: false, checkDatabase: false } });
const regenerate = (accessToken: string) => raw(core, "/recipe/session/regenerate", { method: "POST", body: { accessToken } });

async function newSession(): Promise<{ token: string; handle: string }> {
  const res = ok<{ accessToken: { token: string }; session: { handle: string } }>(
    await raw(core, "/recipe/session", {
      method: "POST",
      body: { userId: uniq("user"), enableAntiCsrf: false, userDataInJWT: { a: 1 }, userDataInDatabase: {}, useDynamicSigningKey: true },
    }),
  );
  return { token: res.accessToken.token, handle: res.session.handle };
}

describe("verify: a token with a bad structure is TRY_REFRESH_TOKEN with the JWTException", () => {
  const cases: Array<[string, string, string]> = [
    ["two parts", "a.b", "Invalid JWT"],
    ["no typ", `${b64({ alg: "RS256" })}.x.y`, "JWT header missing - typ"],
    ["typ JWS", `${b64({ typ: "JWS", alg: "RS256" })}.x.y`, "JWT header mismatch - typ"],
    ["typ a number", `${b64({ typ: 5, alg: "RS256" })}.x.y`, "JWT header mismatch - typ"],
    ["no alg", `${b64({ typ: "JWT" })}.x.y`, "JWT header missing - alg"],
    ["alg HS256", `${b64({ typ: "JWT", alg: "HS256" })}.x.y`, "JWT header mismatch - alg"],
    ["version 2", `${b64({ typ: "JWT", alg: "RS256", version: "2" })}.x.y`, "JWT header mismatch - version"],
    ["version a number", `${b64({ typ: "JWT", alg: "RS256", version: 5 })}.x.y`, "JWT header mismatch - version"],
    ["kid a number", `${b64({ typ: "JWT", alg: "RS256", kid: 5 })}.x.y`, "JWT header mismatch - kid"],
  ];
  for (const [name, token, message] of cases) {
    it(name, async () => {
      expect(ok(await verify(token))).toStrictEqual({ status: "TRY_REFRESH_TOKEN", message: `${JWT_EXCEPTION}: ${message}` });
    });
  }

  it("an unknown kid (any version from 3 up) is Key not found", async () => {
    for (const version of [undefined, "3", "5"]) {
      const token = `${b64({ typ: "JWT", alg: "RS256", kid: "nokey", ...(version ? { version } : {}) })}.x.y`;
      expect(ok(await verify(token))).toStrictEqual({ status: "TRY_REFRESH_TOKEN", message: "Key not found" });
    }
  });

  it("a real header with another signature fails verification", async () => {
    const [h, p] = (await newSession()).token.split(".");
    expect(ok(await verify(`${h}.${p}.${b64("not the signature")}`))).toStrictEqual({
      status: "TRY_REFRESH_TOKEN",
      message: `${JWT_EXCEPTION}: JWT verification failed`,
    });
  });
});

describe("verify: what Java throws on an undecodable token is a 500", () => {
  const cases: Array<[string, string, string]> = [
    ["a one-character header", "a.b.c", "java.lang.IllegalArgumentException: Input byte[] should at least have 2 bytes for base64 bytes"],
    ["a header outside base64", "!!.x.y", "java.lang.IllegalArgumentException: Illegal base64 character 21"],
    ["a header that is an array", `${b64("[1]")}.x.y`, "java.lang.IllegalStateException: Not a JSON Object: [1]"],
    ["a header that is a number", `${b64("5")}.x.y`, "java.lang.IllegalStateException: Not a JSON Object: 5"],
    ["typ an object", `${b64({ typ: { a: 1 }, alg: "RS256" })}.x.y`, 'java.lang.IllegalStateException: Not a JSON Primitive: {"a":1}'],
    [
      "no kid",
      `${b64({ typ: "JWT", alg: "RS256" })}.x.y`,
      'java.lang.NullPointerException: Cannot invoke "com.google.gson.JsonElement.getAsJsonPrimitive()" because the return value of "com.google.gson.JsonObject.get(String)" is null',
    ],
  ];
  for (const [name, token, text] of cases) {
    it(name, async () => {
      expectText(await verify(token), 500, `${text}\n`);
    });
  }

  it("a real header with a signature outside base64url", async () => {
    const [h, p] = (await newSession()).token.split(".");
    expectText(await verify(`${h}.${p}.a+b`), 500, "java.lang.IllegalArgumentException: Illegal base64 character 2b\n");
  });
});

describe("regenerate reads the token without verifying it", () => {
  it("a bad structure is a 500 with the JWTException", async () => {
    expectText(await regenerate("a.b"), 500, `${JWT_EXCEPTION}: Invalid JWT\n`);
    expectText(await regenerate(`${b64({ alg: "RS256" })}.x.y`), 500, `${JWT_EXCEPTION}: JWT header missing - typ\n`);
  });

  it("a missing claim is UNAUTHORISED naming it, in the Core's order", async () => {
    const header = b64({ typ: "JWT", alg: "RS256", kid: "nokey" });
    expect(ok(await regenerate(`${header}.${b64({ sub: "x" })}.y`))).toStrictEqual({
      status: "UNAUTHORISED",
      message: "Access token does not contain all the information. Maybe the structure has changed? exp",
    });
    const allButRsub = { sub: "x", exp: 1, iat: 1, sessionHandle: "h", refreshTokenHash1: "r", parentRefreshTokenHash1: null, antiCsrfToken: null, tId: "public" };
    expect(ok(await regenerate(`${header}.${b64(allButRsub)}.y`))).toStrictEqual({
      status: "UNAUTHORISED",
      message: "Access token does not contain all the information. Maybe the structure has changed? rsub",
    });
  });

  it("a token whose signature was replaced still regenerates its session", async () => {
    const s = await newSession();
    const [h, p] = s.token.split(".");
    const res = ok<{ status: string; session: { handle: string } }>(await regenerate(`${h}.${p}.${b64("forged")}`));
    expect(res).toMatchObject({ status: "OK", session: { handle: s.handle } });
  });

  it("a token of an unknown tenant is a 400 naming it", async () => {
    const header = b64({ typ: "JWT", alg: "RS256", kid: "nokey" });
    const t = uniq("nope");
    const claims = { sub: "x", exp: 1, iat: 1, sessionHandle: "h", refreshTokenHash1: "r", parentRefreshTokenHash1: null, antiCsrfToken: null, tId: t, rsub: "x" };
    expectText(
      await regenerate(`${header}.${b64(claims)}.y`),
      400,
      `AppId or tenantId not found => Tenant with the following connectionURIDomain, appId and tenantId combination not found: (, public, ${t})\n`,
    );
  });
});
