/**
 * Passwordless and PUT /recipe/user input rules of the real Core 11.4.7, over raw HTTP
 * (source notes §1 "Body parsing", §3 "Extra notes on errors" (rid routing), §6 "Passwordless",
 * §7 "EmailPassword" PUT /recipe/user, §15 gotchas 5–6).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestCore, type TestCore } from "../support/core.ts";
import { raw, uniqueEmail, uniquePhone } from "./helpers.ts";
import { expectText, ok, rawSignUp } from "./rule-helpers.ts";

let core: TestCore;

beforeAll(async () => {
  core = await startTestCore();
});

afterAll(async () => {
  await core?.close();
});

interface Code {
  status: string;
  preAuthSessionId: string;
  codeId: string;
  deviceId: string;
  userInputCode: string;
  linkCode: string;
}

const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  raw(core, `/public${path}`, { method: "POST", body, headers });

async function createCode(email: string): Promise<Code> {
  const code = ok<Code>(await post("/recipe/signinup/code", { email }));
  expect(code.status).toBe("OK");
  return code;
}

async function consume(code: Code): Promise<{ status: string; user: { id: string } }> {
  return ok(
    await post("/recipe/signinup/code/consume", {
      preAuthSessionId: code.preAuthSessionId,
      deviceId: code.deviceId,
      userInputCode: code.userInputCode,
    }),
  );
}

async function devicesOf(email: string): Promise<unknown[]> {
  return ok<{ devices: unknown[] }>(await raw(core, "/public/recipe/signinup/codes", { query: { email } })).devices;
}

async function plessUser(): Promise<{ id: string; email: string }> {
  const email = uniqueEmail("pr-user");
  const res = await consume(await createCode(email));
  expect(res.status).toBe("OK");
  return { id: res.user.id, email };
}

const EXACTLY_ONE_CREATE = "Please provide exactly one of email, phoneNumber or deviceId\n";
const EXACTLY_ONE_CONSUME = "Please provide exactly one of linkCode or deviceId+userInputCode\n";

describe("POST /recipe/signinup/code input (§6 create code, gotcha 6)", () => {
  it("email: null is a 400, not 'absent'", async () => {
    expectText(await post("/recipe/signinup/code", { email: null }), 400, "Field name 'email' is invalid in JSON input\n");
  });

  it("phoneNumber: null is a 400, not 'absent'", async () => {
    expectText(
      await post("/recipe/signinup/code", { phoneNumber: null }),
      400,
      "Field name 'phoneNumber' is invalid in JSON input\n",
    );
  });

  it("both email and phone, neither, or a contact plus a deviceId: 400 exactly one of", async () => {
    const email = uniqueEmail("pr-both");
    expectText(await post("/recipe/signinup/code", { email, phoneNumber: uniquePhone() }), 400, EXACTLY_ONE_CREATE);
    expectText(await post("/recipe/signinup/code", {}), 400, EXACTLY_ONE_CREATE);
    const code = await createCode(email);
    expectText(await post("/recipe/signinup/code", { email, deviceId: code.deviceId }), 400, EXACTLY_ONE_CREATE);
    // Nothing was created by the refused calls: only the one device.
    expect(await devicesOf(email)).toHaveLength(1);
  });

  it("userInputCode \"\" is a 400", async () => {
    expectText(
      await post("/recipe/signinup/code", { email: uniqueEmail("pr-empty"), userInputCode: "" }),
      400,
      "userInputCode cannot be an empty string.\n",
    );
  });

  it("a resend with a deviceId that is not base64 is a 400", async () => {
    expectText(await post("/recipe/signinup/code", { deviceId: "!!!!" }), 400, "Input encoding error in deviceId\n");
  });
});

describe("POST /recipe/signinup/code/consume input (§6 consume/check, gotcha 5)", () => {
  it("linkCode together with deviceId or userInputCode is a 400", async () => {
    const code = await createCode(uniqueEmail("pr-shape"));
    const base = { preAuthSessionId: code.preAuthSessionId, linkCode: code.linkCode };
    expectText(await post("/recipe/signinup/code/consume", { ...base, deviceId: code.deviceId }), 400, EXACTLY_ONE_CONSUME);
    expectText(await post("/recipe/signinup/code/consume", { ...base, userInputCode: code.userInputCode }), 400, EXACTLY_ONE_CONSUME);
  });

  it("deviceId without userInputCode, or nothing at all, is the same 400", async () => {
    const code = await createCode(uniqueEmail("pr-shape2"));
    expectText(
      await post("/recipe/signinup/code/consume", { preAuthSessionId: code.preAuthSessionId, deviceId: code.deviceId }),
      400,
      EXACTLY_ONE_CONSUME,
    );
    expectText(await post("/recipe/signinup/code/consume", { preAuthSessionId: code.preAuthSessionId }), 400, EXACTLY_ONE_CONSUME);
    // The refused calls did not touch the device: the code still works.
    expect((await consume(code)).status).toBe("OK");
  });

  it("a valid linkCode with another device's preAuthSessionId is a 400 (not RESTART), and consumes nothing", async () => {
    const a = await createCode(uniqueEmail("pr-link"));
    const b = await createCode(uniqueEmail("pr-link"));
    expectText(
      await post("/recipe/signinup/code/consume", { preAuthSessionId: b.preAuthSessionId, linkCode: a.linkCode }),
      400,
      "preAuthSessionId and deviceId doesn't match\n",
    );
    const res = ok(await post("/recipe/signinup/code/consume", { preAuthSessionId: a.preAuthSessionId, linkCode: a.linkCode }));
    expect(res).toMatchObject({ status: "OK", consumedDevice: { preAuthSessionId: a.preAuthSessionId, failedCodeInputAttemptCount: 0 } });
  });

  it("a deviceId or linkCode that does not decode is a 400 Input encoding error", async () => {
    const code = await createCode(uniqueEmail("pr-enc"));
    expectText(
      await post("/recipe/signinup/code/consume", { preAuthSessionId: code.preAuthSessionId, deviceId: "!!!!", userInputCode: "123456" }),
      400,
      "Input encoding error in deviceId\n",
    );
    expectText(
      await post("/recipe/signinup/code/check", { preAuthSessionId: code.preAuthSessionId, deviceId: "!!!!", userInputCode: "123456" }),
      400,
      "Input encoding error in deviceId\n",
    );
    expectText(
      await post("/recipe/signinup/code/consume", { preAuthSessionId: code.preAuthSessionId, linkCode: "!!!!" }),
      400,
      "Input encoding error in linkCode\n",
    );
  });

  it("checkCode counts a failure, succeeds without consuming, and consume then reports the count", async () => {
    const email = uniqueEmail("pr-check");
    const code = await createCode(email);
    const shape = { preAuthSessionId: code.preAuthSessionId, deviceId: code.deviceId };
    expect(ok(await post("/recipe/signinup/code/check", { ...shape, userInputCode: "wrong-code" }))).toStrictEqual({
      status: "INCORRECT_USER_INPUT_CODE_ERROR",
      failedCodeInputAttemptCount: 1,
      maximumCodeInputAttempts: 5,
    });
    expect(ok(await post("/recipe/signinup/code/check", { ...shape, userInputCode: code.userInputCode }))).toStrictEqual({
      status: "OK",
      consumedDevice: { preAuthSessionId: code.preAuthSessionId, failedCodeInputAttemptCount: 1, email },
    });
    // check deleted nothing and did not reset the counter.
    expect(await devicesOf(email)).toEqual([
      expect.objectContaining({ preAuthSessionId: code.preAuthSessionId, failedCodeInputAttemptCount: 1 }),
    ]);
    const consumed = ok(await post("/recipe/signinup/code/consume", { ...shape, userInputCode: code.userInputCode }));
    expect(consumed).toMatchObject({
      status: "OK",
      createdNewUser: true,
      consumedDevice: { preAuthSessionId: code.preAuthSessionId, failedCodeInputAttemptCount: 1, email },
    });
    expect(await devicesOf(email)).toEqual([]);
  });

  it("a successful consume deletes every device of that email", async () => {
    const email = uniqueEmail("pr-alldev");
    const a = await createCode(email);
    await createCode(email);
    await createCode(email);
    expect(await devicesOf(email)).toHaveLength(3);
    expect((await consume(a)).status).toBe("OK");
    expect(await devicesOf(email)).toEqual([]);
  });
});

describe("code listing and removal input (§6)", () => {
  it("code/remove with neither or both of codeId and preAuthSessionId is a 400", async () => {
    const code = await createCode(uniqueEmail("pr-remove"));
    expectText(await post("/recipe/signinup/code/remove", {}), 400, "Please provide either 'codeId' or 'preAuthSessionId'\n");
    expectText(
      await post("/recipe/signinup/code/remove", { codeId: code.codeId, preAuthSessionId: code.preAuthSessionId }),
      400,
      "Please provide only one of 'codeId' or 'preAuthSessionId'\n",
    );
  });

  it("codes listing with two parameters, or none, is a 400", async () => {
    const email = uniqueEmail("pr-list");
    const code = await createCode(email);
    const text = "Please provide exactly one of email, phoneNumber, deviceId or preAuthSessionId\n";
    expectText(await raw(core, "/public/recipe/signinup/codes", { query: { email, preAuthSessionId: code.preAuthSessionId } }), 400, text);
    expectText(await raw(core, "/public/recipe/signinup/codes", { query: { email, phoneNumber: uniquePhone() } }), 400, text);
    expectText(await raw(core, "/public/recipe/signinup/codes"), 400, text);
  });

  it("codes listing with a deviceId that is not base64 is a 400", async () => {
    expectText(await raw(core, "/public/recipe/signinup/codes", { query: { deviceId: "!!!!" } }), 400, "Input encoding error in deviceId\n");
  });

  it("codes/remove with both or neither of email and phoneNumber is a 400", async () => {
    const text = "Please provide exactly one of email or phoneNumber\n";
    expectText(await post("/recipe/signinup/codes/remove", { email: uniqueEmail("pr-rm"), phoneNumber: uniquePhone() }), 400, text);
    expectText(await post("/recipe/signinup/codes/remove", {}), 400, text);
  });
});

describe("PUT /recipe/user routes by rid (§3 'Extra notes', §6, §7)", () => {
  const put = (body: unknown, rid?: string) =>
    raw(core, "/recipe/user", { method: "PUT", body, ...(rid ? { headers: { rid } } : {}) });

  it("rid passwordless on an emailpassword user: UNKNOWN_USER_ID_ERROR", async () => {
    const id = await rawSignUp(core, uniqueEmail("pr-ep"));
    expect(ok(await put({ recipeUserId: id, email: uniqueEmail("pr-new") }, "passwordless"))).toStrictEqual({
      status: "UNKNOWN_USER_ID_ERROR",
    });
  });

  it("rid emailpassword, another rid, or no rid on a passwordless user: UNKNOWN_USER_ID_ERROR", async () => {
    const u = await plessUser();
    for (const rid of ["emailpassword", "session", undefined]) {
      expect(ok(await put({ recipeUserId: u.id, email: uniqueEmail("pr-new") }, rid))).toStrictEqual({
        status: "UNKNOWN_USER_ID_ERROR",
      });
    }
    // Unchanged.
    expect(ok(await raw(core, "/user/id", { query: { userId: u.id } }))).toMatchObject({ user: { emails: [u.email] } });
  });

  it("emailpassword with neither email nor password: 400", async () => {
    const id = await rawSignUp(core, uniqueEmail("pr-ep2"));
    expectText(await put({ recipeUserId: id }, "emailpassword"), 400, "You have to provide either email or password.\n");
    expectText(await put({ recipeUserId: id }), 400, "You have to provide either email or password.\n");
  });

  it("emailpassword does not apply a password policy: \"\" is accepted", async () => {
    const email = uniqueEmail("pr-ep3");
    const id = await rawSignUp(core, email);
    expect(ok(await put({ recipeUserId: id, password: "" }, "emailpassword"))).toStrictEqual({ status: "OK" });
    expect(ok(await post("/recipe/signin", { email, password: "Password123!" }))).toStrictEqual({ status: "WRONG_CREDENTIALS_ERROR" });
  });
});
