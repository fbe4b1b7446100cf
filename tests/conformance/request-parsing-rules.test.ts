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

const jwtBody = (extra: string): string =>
  `{"algorithm": "RS256", "jwksDomain": "https://issuer.example.com", "payload": {}, "validity": 60${extra}}`;
const postJwt = (body: string, headers?: Record<string, string>) => raw(core, "/recipe/jwt", { method: "POST", body, ...(headers ? { headers } : {}) });
const invalid = (field: string): string => `Field name '${field}' is invalid in JSON input\n`;

function payloadOf(jwt: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(jwt.split(".")[1] ?? "", "base64url").toString("utf8")) as Record<string, unknown>;
}

// InputParser checks `element.get(name) == null` for absence; an explicit JSON null is a JsonNull
// element, which no getAs… accepts.
describe("an explicit null is not an absent field (InputParser)", () => {
  it("null in an optional field is refused, for every field type", async () => {
    expectText(await postJwt(jwtBody(', "useStaticSigningKey": null')), 400, invalid("useStaticSigningKey"));
    const verify = await raw(core, "/recipe/session/verify", {
      method: "POST",
      body: { accessToken: "x.y.z", antiCsrfToken: null, doAntiCsrfCheck: false, enableAntiCsrf: false, checkDatabase: false },
    });
    expectText(verify, 400, invalid("antiCsrfToken"));
    const regenerate = await raw(core, "/recipe/session/regenerate", { method: "POST", body: { accessToken: "x.y.z", userDataInJWT: null } });
    expectText(regenerate, 400, invalid("userDataInJWT"));
  });

  it("null in a required field is refused like a missing one", async () => {
    expectText(await postJwt('{"algorithm": "RS256", "jwksDomain": null, "payload": {}, "validity": 60}'), 400, invalid("jwksDomain"));
    expectText(await postJwt('{"algorithm": "RS256", "jwksDomain": "x", "payload": null, "validity": 60}'), 400, invalid("payload"));
    expectText(await postJwt('{"algorithm": "RS256", "jwksDomain": "x", "payload": {}, "validity": null}'), 400, invalid("validity"));
    expectText(await postJwt('{"algorithm": "RS256", "jwksDomain": "x", "payload": {}}'), 400, invalid("validity"));
  });
});

describe("Gson's lenient syntax", () => {
  it("unquoted strings, TRUE in capitals, => and = separators, ; between members, the )]}' prefix", async () => {
    const accepted = [
      "{algorithm: RS256, jwksDomain: abc, payload: {}, validity: 60}",
      jwtBody(", useStaticSigningKey: TRUE"),
      '{"algorithm" => "RS256"; "jwksDomain" = "x", "payload": {}, "validity": 60}',
      `)]}'\n${jwtBody("")}`,
      jwtBody(' /* a comment */ , "payload": {"a": [1,,2]}'),
    ];
    for (const body of accepted) {
      const res = await postJwt(body);
      expect({ body, status: res.status }).toEqual({ body, status: 200 });
    }
  });

  it("a trailing comma in an object, an unknown escape and anything after the value are refused", async () => {
    for (const body of [jwtBody(","), jwtBody(', "x": "a\\qb"'), `${jwtBody("")} // after`, `${jwtBody("")} {}`]) {
      const res = await postJwt(body);
      expect({ body, status: res.status, text: res.text }).toEqual({ body, status: 400, text: "Invalid Json Input\n" });
    }
  });

  it("empty array slots are nulls; payload claims, nulls too, override iat, exp and iss in place", async () => {
    const res = ok<{ jwt: string }>(await postJwt(jwtBody(', "payload": {"a": [1,,2], "iss": null, "exp": 5, "b": null}')));
    expect(payloadOf(res.jwt)).toStrictEqual({ iat: expect.any(Number), exp: 5, iss: null, a: [1, null, 2], b: null });
    expect(Object.keys(payloadOf(res.jwt))).toStrictEqual(["iat", "exp", "iss", "a", "b"]);
  });
});

describe("long, boolean and string fields (Gson getAs… under InputParser's checks)", () => {
  const lifetime = async (validity: string): Promise<number> => {
    const res = ok<{ jwt: string }>(await postJwt(`{"algorithm": "RS256", "jwksDomain": "x", "payload": {}, "validity": ${validity}}`));
    const p = payloadOf(res.jwt);
    return (p.exp as number) - (p.iat as number);
  };

  it('a long: "+60", [["7"]], 1e2 and 01 (an unquoted string) are read; " 60" and "1." are not', async () => {
    expect(await lifetime('"+60"')).toBe(60);
    expect(await lifetime('[["7"]]')).toBe(7);
    expect(await lifetime("1e2")).toBe(100);
    expect(await lifetime("01")).toBe(1);
    for (const validity of ['" 60"', "1.", "[1, 2]", "true", '"0x10"', "NaN"]) {
      const res = await postJwt(`{"algorithm": "RS256", "jwksDomain": "x", "payload": {}, "validity": ${validity}}`);
      expect({ validity, status: res.status, text: res.text }).toEqual({ validity, status: 400, text: invalid("validity") });
    }
  });

  it("a long wraps like Java's BigDecimal.longValue: 2^63 and 1e400 are not positive", async () => {
    for (const validity of ["9223372036854775808", "1e400", "-0.5"]) {
      expectText(
        await postJwt(`{"algorithm": "RS256", "jwksDomain": "x", "payload": {}, "validity": ${validity}}`),
        400,
        "validity must be greater than or equal to 0\n",
      );
    }
  });

  it("a boolean: [1] is false, tRuE is true, truex is a string and refused", async () => {
    expect((await signJwt({ useStaticSigningKey: [1] })).kid).toMatch(/^d-/);
    expect(ok(await postJwt(jwtBody(", useStaticSigningKey: tRuE"))).status).toBe("OK");
    expectText(await postJwt(jwtBody(", useStaticSigningKey: truex")), 400, invalid("useStaticSigningKey"));
    for (const v of ["[]", "[null]", "[true, false]", "{}"]) {
      expectText(await postJwt(jwtBody(`, "useStaticSigningKey": ${v}`)), 400, invalid("useStaticSigningKey"));
    }
  });

  it('a string: [["RS256"]] is read; two elements, an object inside or a number are refused', async () => {
    expect(ok(await postJwt('{"algorithm": [["RS256"]], "jwksDomain": "x", "payload": {}, "validity": 5}')).status).toBe("OK");
    for (const v of ['["x", "y"]', '[{"a": 1}]', '{"a": "b"}', "5", "[5]"]) {
      expectText(await postJwt(`{"algorithm": "RS256", "jwksDomain": ${v}, "payload": {}, "validity": 5}`), 400, invalid("jwksDomain"));
    }
  });
});

describe("the body's charset (Tomcat's request.getReader)", () => {
  const body = '{"algorithm": "RS256", "jwksDomain": "x", "payload": {"a": "é"}, "validity": 5}';

  it("without a charset the body is read as ISO-8859-1, with one as that charset", async () => {
    const plain = ok<{ jwt: string }>(await postJwt(body, { "content-type": "application/json" }));
    expect(payloadOf(plain.jwt).a).toBe("Ã©");
    const utf8 = ok<{ jwt: string }>(await postJwt(body, { "content-type": 'application/json;charset="utf-8"' }));
    expect(payloadOf(utf8.jwt).a).toBe("é");
  });

  it("an unknown charset and bytes the charset cannot decode are the Core's 500s", async () => {
    expectText(
      await postJwt(body, { "content-type": "application/json; charset=foo" }),
      500,
      "java.io.UnsupportedEncodingException: The character encoding [foo] is not supported\n",
    );
    expectText(
      await postJwt(body, { "content-type": "application/json; charset=us-ascii" }),
      500,
      "java.nio.charset.MalformedInputException: Input length = 1\n",
    );
  });

  it("an endpoint that ignores its body does not decode it", async () => {
    const res = await raw(core, "/hello", { method: "POST", body: "{", headers: { "content-type": "application/json; charset=foo" } });
    expect(res.text).toBe("Hello\n");
  });
});
