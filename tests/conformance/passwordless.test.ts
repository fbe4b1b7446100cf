/**
 * Passwordless through supertokens-node: sign-in/up, codes and magic links, failed attempts,
 * listing and revoking codes, updateUser, phone normalization and email verification
 * (core-fixtures exchanges pless.* and README "Passwordless").
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import supertokens from "supertokens-node";
import Passwordless from "supertokens-node/recipe/passwordless";
import EmailVerification from "supertokens-node/recipe/emailverification";
import { startTestCore, type TestCore } from "../support/core.ts";
import { initSdk } from "../support/sdk.ts";
import {
  coreErrorMessage,
  formatUsPhone,
  json,
  raw,
  uniqueEmail,
  uniquePhone,
  unknownDeviceId,
  unknownUserId,
} from "./helpers.ts";

const tenantId = "public";
let core: TestCore;

beforeAll(async () => {
  core = await startTestCore();
  initSdk(core.url, core.apiKey);
});

afterAll(async () => {
  await core?.close();
});

type Code = Awaited<ReturnType<typeof Passwordless.createCode>>;

async function createEmailCode(email: string, userInputCode?: string): Promise<Code> {
  const code = await Passwordless.createCode({ tenantId, email, ...(userInputCode ? { userInputCode } : {}) });
  expect(code.status).toBe("OK");
  return code;
}

async function consumeWith(code: Code, userInputCode = code.userInputCode) {
  return Passwordless.consumeCode({
    tenantId,
    preAuthSessionId: code.preAuthSessionId,
    deviceId: code.deviceId,
    userInputCode,
  });
}

/** A wrong user input code that can never equal a real one (the Core's are 6 digits). */
const WRONG = "wrong-code";
/** A well-formed link code (43 base64url chars) that no code has. */
const WRONG_LINK_CODE = "wrongLinkCodeXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX";

describe("signInUp", () => {
  it("with an email: creates the user, then signs the same user in", async () => {
    const email = uniqueEmail("pless-signinup");
    const first = await Passwordless.signInUp({ tenantId, email });
    expect(first.status).toBe("OK");
    expect(first.createdNewRecipeUser).toBe(true);
    expect(first.recipeUserId.getAsString()).toBe(first.user.id);
    expect(first.user.toJson()).toEqual({
      id: first.user.id,
      isPrimaryUser: false,
      tenantIds: ["public"],
      timeJoined: expect.any(Number),
      emails: [email],
      phoneNumbers: [],
      thirdParty: [],
      webauthn: { credentialIds: [] },
      loginMethods: [
        {
          recipeId: "passwordless",
          recipeUserId: first.user.id,
          tenantIds: ["public"],
          email,
          verified: true,
          timeJoined: first.user.timeJoined,
        },
      ],
    });

    const second = await Passwordless.signInUp({ tenantId, email });
    expect(second.createdNewRecipeUser).toBe(false);
    expect(second.user.id).toBe(first.user.id);
    expect(second.user.timeJoined).toBe(first.user.timeJoined);
  });

  it("with a phone number: creates the user, then signs the same user in", async () => {
    const phoneNumber = uniquePhone();
    const first = await Passwordless.signInUp({ tenantId, phoneNumber });
    expect(first.createdNewRecipeUser).toBe(true);
    expect(first.user.emails).toEqual([]);
    expect(first.user.phoneNumbers).toEqual([phoneNumber]);
    expect(first.user.loginMethods.map((m) => m.toJson())).toEqual([
      {
        recipeId: "passwordless",
        recipeUserId: first.user.id,
        tenantIds: ["public"],
        phoneNumber,
        verified: true,
        timeJoined: first.user.timeJoined,
      },
    ]);
    const second = await Passwordless.signInUp({ tenantId, phoneNumber });
    expect(second.createdNewRecipeUser).toBe(false);
    expect(second.user.id).toBe(first.user.id);
  });

  it("normalizes phone numbers: +1 (415) 555-0109 is stored as +14155550109", async () => {
    const e164 = uniquePhone();
    const res = await Passwordless.signInUp({ tenantId, phoneNumber: formatUsPhone(e164) });
    expect(res.user.phoneNumbers).toEqual([e164]);
    expect(res.user.loginMethods[0]!.phoneNumber).toBe(e164);
    // The same person typing the number differently is the same user.
    const again = await Passwordless.signInUp({ tenantId, phoneNumber: e164 });
    expect(again.createdNewRecipeUser).toBe(false);
    expect(again.user.id).toBe(res.user.id);
  });

  it("normalizes the phone number of a code's device too", async () => {
    const e164 = uniquePhone();
    const code = await Passwordless.createCode({ tenantId, phoneNumber: formatUsPhone(e164) });
    const devices = await Passwordless.listCodesByPhoneNumber({ tenantId, phoneNumber: e164 });
    expect(devices.map((d) => d.preAuthSessionId)).toEqual([code.preAuthSessionId]);
    expect(devices[0]!.phoneNumber).toBe(e164);
  });
});

describe("createCode and consumeCode", () => {
  it("createCode answers the code, device and link code with the default 15 min lifetime", async () => {
    const code = await createEmailCode(uniqueEmail("pless-create"));
    expect(code).toStrictEqual({
      status: "OK",
      preAuthSessionId: expect.any(String),
      codeId: expect.any(String),
      deviceId: expect.any(String),
      userInputCode: expect.stringMatching(/^\d{6}$/),
      linkCode: expect.any(String),
      timeCreated: expect.any(Number),
      codeLifetime: 900000,
    });
    // preAuthSessionId and linkCode are URL-safe base64 without padding; deviceId is base64.
    expect(code.preAuthSessionId).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(code.linkCode).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(code.deviceId, "base64")).toHaveLength(32);
    expect(Math.abs(code.timeCreated - Date.now())).toBeLessThan(5 * 60_000);
  });

  it("consumes with the user input code: a new verified user, consumedDevice on the side", async () => {
    const email = uniqueEmail("pless-consume");
    const code = await createEmailCode(email);
    const res = await consumeWith(code);
    if (res.status !== "OK") throw new Error(`expected OK, got ${res.status}`);
    expect(res.createdNewRecipeUser).toBe(true);
    expect(res.recipeUserId.getAsString()).toBe(res.user.id);
    expect(res.user.emails).toEqual([email]);
    expect(res.user.loginMethods[0]!.verified).toBe(true);
    expect(res.consumedDevice).toStrictEqual({
      preAuthSessionId: code.preAuthSessionId,
      failedCodeInputAttemptCount: 0,
      email,
    });
  });

  it("the wire answer of consume calls it createdNewUser", async () => {
    const email = uniqueEmail("pless-wire");
    const code = await createEmailCode(email);
    const res = await raw(core, `/${tenantId}/recipe/signinup/code/consume`, {
      method: "POST",
      headers: { rid: "passwordless" },
      body: {
        preAuthSessionId: code.preAuthSessionId,
        deviceId: code.deviceId,
        userInputCode: code.userInputCode,
        shouldTryLinkingWithSessionUser: false,
      },
    });
    const body = json<Record<string, unknown> & { user: { id: string } }>(res);
    expect(Object.keys(body).sort()).toEqual(["consumedDevice", "createdNewUser", "recipeUserId", "status", "user"]);
    expect(body).toMatchObject({ status: "OK", createdNewUser: true, recipeUserId: body.user.id });
  });

  it("createMagicLink gives <websiteDomain>/auth/verify?preAuthSessionId=…&tenantId=public#<linkCode>", async () => {
    const email = uniqueEmail("pless-link");
    const link = await Passwordless.createMagicLink({ tenantId, email });
    const url = new URL(link);
    expect(url.origin).toBe("http://localhost:3000");
    expect(url.pathname).toBe("/auth/verify");
    expect([...url.searchParams.keys()]).toEqual(["preAuthSessionId", "tenantId"]);
    expect(url.searchParams.get("tenantId")).toBe("public");
    const preAuthSessionId = url.searchParams.get("preAuthSessionId")!;
    const linkCode = url.hash.slice(1);
    expect(preAuthSessionId).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(linkCode).toMatch(/^[A-Za-z0-9_-]{43}$/);

    // The link's code lives 15 minutes by default.
    const device = await Passwordless.listCodesByPreAuthSessionId({ tenantId, preAuthSessionId });
    expect(device?.email).toBe(email);
    expect(device?.codes.map((c) => c.codeLifetime)).toEqual([900000]);

    const res = await Passwordless.consumeCode({ tenantId, preAuthSessionId, linkCode });
    if (res.status !== "OK") throw new Error(`expected OK, got ${res.status}`);
    expect(res.createdNewRecipeUser).toBe(true);
    expect(res.user.emails).toEqual([email]);
    expect(res.consumedDevice).toStrictEqual({ preAuthSessionId, failedCodeInputAttemptCount: 0, email });
  });

  it("createMagicLink works for a phone number", async () => {
    const phoneNumber = uniquePhone();
    const url = new URL(await Passwordless.createMagicLink({ tenantId, phoneNumber }));
    const preAuthSessionId = url.searchParams.get("preAuthSessionId")!;
    const res = await Passwordless.consumeCode({ tenantId, preAuthSessionId, linkCode: url.hash.slice(1) });
    if (res.status !== "OK") throw new Error(`expected OK, got ${res.status}`);
    expect(res.user.phoneNumbers).toEqual([phoneNumber]);
    expect(res.consumedDevice).toStrictEqual({ preAuthSessionId, failedCodeInputAttemptCount: 0, phoneNumber });
  });

  it("a custom userInputCode is used as is", async () => {
    const code = await createEmailCode(uniqueEmail("pless-custom"), "654321");
    expect(code.userInputCode).toBe("654321");
    const res = await consumeWith(code, "654321");
    expect(res.status).toBe("OK");
  });

  it("a wrong code counts the attempt; the right code still works afterwards", async () => {
    const code = await createEmailCode(uniqueEmail("pless-wrong"));
    expect(await consumeWith(code, WRONG)).toStrictEqual({
      status: "INCORRECT_USER_INPUT_CODE_ERROR",
      failedCodeInputAttemptCount: 1,
      maximumCodeInputAttempts: 5,
    });
    expect(await consumeWith(code, WRONG)).toStrictEqual({
      status: "INCORRECT_USER_INPUT_CODE_ERROR",
      failedCodeInputAttemptCount: 2,
      maximumCodeInputAttempts: 5,
    });
    const device = await Passwordless.listCodesByDeviceId({ tenantId, deviceId: code.deviceId });
    expect(device?.failedCodeInputAttemptCount).toBe(2);
    const ok = await consumeWith(code);
    if (ok.status !== "OK") throw new Error(`expected OK, got ${ok.status}`);
    expect(ok.consumedDevice.failedCodeInputAttemptCount).toBe(2);
  });

  it("the 5th wrong attempt gives RESTART_FLOW_ERROR and deletes the device", async () => {
    const email = uniqueEmail("pless-exhaust");
    const code = await createEmailCode(email);
    for (let attempt = 1; attempt <= 4; attempt++) {
      expect(await consumeWith(code, `bad${attempt}`)).toStrictEqual({
        status: "INCORRECT_USER_INPUT_CODE_ERROR",
        failedCodeInputAttemptCount: attempt,
        maximumCodeInputAttempts: 5,
      });
    }
    expect(await consumeWith(code, "bad5")).toStrictEqual({ status: "RESTART_FLOW_ERROR" });
    expect(await Passwordless.listCodesByEmail({ tenantId, email })).toEqual([]);
    expect(await Passwordless.listCodesByDeviceId({ tenantId, deviceId: code.deviceId })).toBeUndefined();
    expect(await consumeWith(code)).toStrictEqual({ status: "RESTART_FLOW_ERROR" });
    expect(await supertokens.listUsersByAccountInfo(tenantId, { email })).toEqual([]);
  });

  it("checkCode verifies without consuming, and counts failed attempts too", async () => {
    const code = await createEmailCode(uniqueEmail("pless-check"));
    const wrong = await Passwordless.checkCode({
      tenantId,
      preAuthSessionId: code.preAuthSessionId,
      deviceId: code.deviceId,
      userInputCode: WRONG,
    });
    expect(wrong).toStrictEqual({
      status: "INCORRECT_USER_INPUT_CODE_ERROR",
      failedCodeInputAttemptCount: 1,
      maximumCodeInputAttempts: 5,
    });
    const right = await Passwordless.checkCode({
      tenantId,
      preAuthSessionId: code.preAuthSessionId,
      deviceId: code.deviceId,
      userInputCode: code.userInputCode,
    });
    expect(right).toMatchObject({
      status: "OK",
      consumedDevice: { preAuthSessionId: code.preAuthSessionId, failedCodeInputAttemptCount: 1 },
    });
    // Not consumed: the code still signs the user up.
    const consumed = await consumeWith(code);
    expect(consumed.status).toBe("OK");
  });

  it("a wrong linkCode gives RESTART_FLOW_ERROR and leaves the device alone", async () => {
    const code = await createEmailCode(uniqueEmail("pless-wronglink"));
    expect(
      await Passwordless.consumeCode({ tenantId, preAuthSessionId: code.preAuthSessionId, linkCode: WRONG_LINK_CODE }),
    ).toStrictEqual({ status: "RESTART_FLOW_ERROR" });
    const device = await Passwordless.listCodesByPreAuthSessionId({ tenantId, preAuthSessionId: code.preAuthSessionId });
    expect(device?.failedCodeInputAttemptCount).toBe(0);
    expect(device?.codes).toHaveLength(1);
    expect((await consumeWith(code)).status).toBe("OK");
  });

  it("an unknown device and preAuthSessionId give RESTART_FLOW_ERROR", async () => {
    const deviceId = unknownDeviceId();
    const preAuthSessionId = Buffer.from(deviceId, "base64").toString("base64url");
    expect(await Passwordless.consumeCode({ tenantId, preAuthSessionId, deviceId, userInputCode: "123456" })).toStrictEqual({
      status: "RESTART_FLOW_ERROR",
    });
  });

  it("a preAuthSessionId of another device is a 400: preAuthSessionId and deviceId doesn't match", async () => {
    const a = await createEmailCode(uniqueEmail("pless-mismatch"));
    const b = await createEmailCode(uniqueEmail("pless-mismatch"));
    await expect(
      Passwordless.consumeCode({
        tenantId,
        preAuthSessionId: b.preAuthSessionId,
        deviceId: a.deviceId,
        userInputCode: a.userInputCode,
      }),
    ).rejects.toThrow(/with status code: 400 and message: preAuthSessionId and deviceId doesn't match\n$/);
    // Nothing was counted or consumed.
    const device = await Passwordless.listCodesByDeviceId({ tenantId, deviceId: a.deviceId });
    expect(device?.failedCodeInputAttemptCount).toBe(0);
    expect((await consumeWith(a)).status).toBe("OK");
  });

  it("a consumed code cannot be used again (code or link)", async () => {
    const email = uniqueEmail("pless-reuse");
    const code = await createEmailCode(email);
    expect((await consumeWith(code)).status).toBe("OK");
    expect(await consumeWith(code)).toStrictEqual({ status: "RESTART_FLOW_ERROR" });
    expect(
      await Passwordless.consumeCode({ tenantId, preAuthSessionId: code.preAuthSessionId, linkCode: code.linkCode }),
    ).toStrictEqual({ status: "RESTART_FLOW_ERROR" });
    expect(await Passwordless.listCodesByEmail({ tenantId, email })).toEqual([]);
  });

  it("consuming a code deletes every other device of that email", async () => {
    const email = uniqueEmail("pless-others");
    const first = await createEmailCode(email);
    const second = await createEmailCode(email);
    expect(await Passwordless.listCodesByEmail({ tenantId, email })).toHaveLength(2);
    expect((await consumeWith(second)).status).toBe("OK");
    expect(await Passwordless.listCodesByEmail({ tenantId, email })).toEqual([]);
    expect(await consumeWith(first)).toStrictEqual({ status: "RESTART_FLOW_ERROR" });
  });
});

describe("createNewCodeForDevice", () => {
  it("adds a code to the device; either code works", async () => {
    const code = await createEmailCode(uniqueEmail("pless-newcode"));
    const next = await Passwordless.createNewCodeForDevice({ tenantId, deviceId: code.deviceId });
    if (next.status !== "OK") throw new Error(`expected OK, got ${next.status}`);
    expect(next.deviceId).toBe(code.deviceId);
    expect(next.preAuthSessionId).toBe(code.preAuthSessionId);
    expect(next.codeId).not.toBe(code.codeId);
    expect(next.userInputCode).toMatch(/^\d{6}$/);
    expect(next.codeLifetime).toBe(900000);
    const device = await Passwordless.listCodesByDeviceId({ tenantId, deviceId: code.deviceId });
    expect(new Set(device?.codes.map((c) => c.codeId))).toEqual(new Set([code.codeId, next.codeId]));
    expect((await consumeWith(code)).status).toBe("OK");
  });

  it("an unknown device gives RESTART_FLOW_ERROR", async () => {
    expect(await Passwordless.createNewCodeForDevice({ tenantId, deviceId: unknownDeviceId() })).toStrictEqual({
      status: "RESTART_FLOW_ERROR",
    });
  });

  it("a custom userInputCode is used; the same one again gives USER_INPUT_CODE_ALREADY_USED_ERROR", async () => {
    const code = await createEmailCode(uniqueEmail("pless-newcode-custom"));
    const custom = await Passwordless.createNewCodeForDevice({ tenantId, deviceId: code.deviceId, userInputCode: "111222" });
    expect(custom).toMatchObject({ status: "OK", userInputCode: "111222", deviceId: code.deviceId });
    expect(
      await Passwordless.createNewCodeForDevice({ tenantId, deviceId: code.deviceId, userInputCode: "111222" }),
    ).toStrictEqual({ status: "USER_INPUT_CODE_ALREADY_USED_ERROR" });
    expect(
      await Passwordless.createNewCodeForDevice({ tenantId, deviceId: code.deviceId, userInputCode: code.userInputCode }),
    ).toStrictEqual({ status: "USER_INPUT_CODE_ALREADY_USED_ERROR" });
    expect((await consumeWith(code, "111222")).status).toBe("OK");
  });
});

describe("listing codes", () => {
  it("by phone number, device id and preAuthSessionId: the same device with all its codes", async () => {
    const phoneNumber = uniquePhone();
    const code = await Passwordless.createCode({ tenantId, phoneNumber });
    const next = await Passwordless.createNewCodeForDevice({ tenantId, deviceId: code.deviceId });
    if (next.status !== "OK") throw new Error(next.status);

    const expected = {
      preAuthSessionId: code.preAuthSessionId,
      failedCodeInputAttemptCount: 0,
      phoneNumber,
      codes: expect.any(Array),
    };
    const byPhone = await Passwordless.listCodesByPhoneNumber({ tenantId, phoneNumber });
    expect(byPhone).toStrictEqual([expected]);
    const codes = byPhone[0]!.codes;
    expect(codes).toHaveLength(2);
    expect(codes).toEqual(
      expect.arrayContaining([
        { codeId: code.codeId, timeCreated: code.timeCreated, codeLifetime: 900000 },
        { codeId: next.codeId, timeCreated: next.timeCreated, codeLifetime: 900000 },
      ]),
    );
    for (const c of codes) expect(Object.keys(c).sort()).toEqual(["codeId", "codeLifetime", "timeCreated"]);

    const byDevice = await Passwordless.listCodesByDeviceId({ tenantId, deviceId: code.deviceId });
    expect(byDevice).toStrictEqual(byPhone[0]);
    const byPreAuth = await Passwordless.listCodesByPreAuthSessionId({ tenantId, preAuthSessionId: code.preAuthSessionId });
    expect(byPreAuth).toStrictEqual(byPhone[0]);
  });

  it("by email: one entry per device, with email and no phoneNumber", async () => {
    const email = uniqueEmail("pless-list");
    const a = await createEmailCode(email);
    const b = await createEmailCode(email);
    const devices = await Passwordless.listCodesByEmail({ tenantId, email });
    expect(devices).toHaveLength(2);
    expect(new Set(devices.map((d) => d.preAuthSessionId))).toEqual(new Set([a.preAuthSessionId, b.preAuthSessionId]));
    for (const d of devices) {
      expect(Object.keys(d).sort()).toEqual(["codes", "email", "failedCodeInputAttemptCount", "preAuthSessionId"]);
      expect(d.email).toBe(email);
      expect(d.codes).toHaveLength(1);
    }
  });

  it("unknown email, phone, device or preAuthSessionId: nothing", async () => {
    expect(await Passwordless.listCodesByEmail({ tenantId, email: uniqueEmail("pless-nobody") })).toEqual([]);
    expect(await Passwordless.listCodesByPhoneNumber({ tenantId, phoneNumber: uniquePhone() })).toEqual([]);
    expect(await Passwordless.listCodesByDeviceId({ tenantId, deviceId: unknownDeviceId() })).toBeUndefined();
    expect(
      await Passwordless.listCodesByPreAuthSessionId({
        tenantId,
        preAuthSessionId: Buffer.from(unknownDeviceId(), "base64").toString("base64url"),
      }),
    ).toBeUndefined();
  });

  it("on the wire: {status, devices}", async () => {
    const email = uniqueEmail("pless-wirelist");
    await createEmailCode(email);
    const res = await raw(core, `/${tenantId}/recipe/signinup/codes`, { query: { email }, headers: { rid: "passwordless" } });
    expect(json(res)).toStrictEqual({
      status: "OK",
      devices: [
        {
          preAuthSessionId: expect.any(String),
          failedCodeInputAttemptCount: 0,
          email,
          codes: [{ codeId: expect.any(String), timeCreated: expect.any(Number), codeLifetime: 900000 }],
        },
      ],
    });
  });
});

describe("revoking codes", () => {
  it("revokeCode by codeId removes that code only", async () => {
    const phoneNumber = uniquePhone();
    const code = await Passwordless.createCode({ tenantId, phoneNumber });
    const next = await Passwordless.createNewCodeForDevice({ tenantId, deviceId: code.deviceId });
    if (next.status !== "OK") throw new Error(next.status);
    expect(await Passwordless.revokeCode({ tenantId, codeId: next.codeId })).toEqual({ status: "OK" });
    const devices = await Passwordless.listCodesByPhoneNumber({ tenantId, phoneNumber });
    expect(devices).toHaveLength(1);
    expect(devices[0]!.codes.map((c) => c.codeId)).toEqual([code.codeId]);
    // The revoked code no longer works; the other one does.
    expect(await consumeWith(next)).toMatchObject({ status: "INCORRECT_USER_INPUT_CODE_ERROR" });
    expect((await consumeWith(code)).status).toBe("OK");
  });

  it("revokeCode by preAuthSessionId removes the whole device", async () => {
    const phoneNumber = uniquePhone();
    const code = await Passwordless.createCode({ tenantId, phoneNumber });
    await Passwordless.createNewCodeForDevice({ tenantId, deviceId: code.deviceId });
    expect(await Passwordless.revokeCode({ tenantId, preAuthSessionId: code.preAuthSessionId })).toEqual({ status: "OK" });
    expect(await Passwordless.listCodesByPhoneNumber({ tenantId, phoneNumber })).toEqual([]);
    expect(await consumeWith(code)).toStrictEqual({ status: "RESTART_FLOW_ERROR" });
  });

  it("revokeCode with an unknown codeId is OK on the wire", async () => {
    const res = await raw(core, `/${tenantId}/recipe/signinup/code/remove`, {
      method: "POST",
      headers: { rid: "passwordless" },
      body: { codeId: unknownUserId() },
    });
    expect(json(res)).toStrictEqual({ status: "OK" });
  });

  it("revokeAllCodes by email and by phone removes every device; unknown ones are OK", async () => {
    const email = uniqueEmail("pless-revokeall");
    await createEmailCode(email);
    await createEmailCode(email);
    const phoneNumber = uniquePhone();
    await Passwordless.createCode({ tenantId, phoneNumber });

    expect(await Passwordless.revokeAllCodes({ tenantId, email })).toEqual({ status: "OK" });
    expect(await Passwordless.listCodesByEmail({ tenantId, email })).toEqual([]);
    expect(await Passwordless.revokeAllCodes({ tenantId, phoneNumber })).toEqual({ status: "OK" });
    expect(await Passwordless.listCodesByPhoneNumber({ tenantId, phoneNumber })).toEqual([]);

    for (const body of [{ email: uniqueEmail("pless-nobody") }, { phoneNumber: uniquePhone() }]) {
      const res = await raw(core, `/${tenantId}/recipe/signinup/codes/remove`, {
        method: "POST",
        headers: { rid: "passwordless" },
        body,
      });
      expect(json(res)).toStrictEqual({ status: "OK" });
    }
  });
});

describe("updateUser", () => {
  async function newUser(info: { email: string } | { phoneNumber: string }) {
    const res = await Passwordless.signInUp({ tenantId, ...info });
    return { id: res.user.id, rid: supertokens.convertToRecipeUserId(res.user.id) };
  }

  it("adds a phone number to an email user", async () => {
    const email = uniqueEmail("pless-upd");
    const phoneNumber = uniquePhone();
    const u = await newUser({ email });
    expect(await Passwordless.updateUser({ recipeUserId: u.rid, phoneNumber })).toEqual({ status: "OK" });
    const user = await supertokens.getUser(u.id);
    expect(user?.emails).toEqual([email]);
    expect(user?.phoneNumbers).toEqual([phoneNumber]);
    expect(user?.loginMethods.map((m) => [m.email, m.phoneNumber, m.verified])).toEqual([[email, phoneNumber, true]]);
  });

  it("a phone number another user has gives PHONE_NUMBER_ALREADY_EXISTS_ERROR", async () => {
    const phoneNumber = uniquePhone();
    await newUser({ phoneNumber });
    const u = await newUser({ email: uniqueEmail("pless-upd-phone") });
    expect(await Passwordless.updateUser({ recipeUserId: u.rid, phoneNumber })).toEqual({
      status: "PHONE_NUMBER_ALREADY_EXISTS_ERROR",
    });
    expect((await supertokens.getUser(u.id))?.phoneNumbers).toEqual([]);
  });

  it("an email another user has gives EMAIL_ALREADY_EXISTS_ERROR", async () => {
    const taken = uniqueEmail("pless-upd-taken");
    await newUser({ email: taken });
    const own = uniqueEmail("pless-upd-own");
    const u = await newUser({ email: own });
    expect(await Passwordless.updateUser({ recipeUserId: u.rid, email: taken })).toEqual({
      status: "EMAIL_ALREADY_EXISTS_ERROR",
    });
    expect((await supertokens.getUser(u.id))?.emails).toEqual([own]);
  });

  it("the user's own email again is OK; no fields is OK", async () => {
    const email = uniqueEmail("pless-upd-same");
    const u = await newUser({ email });
    expect(await Passwordless.updateUser({ recipeUserId: u.rid, email })).toEqual({ status: "OK" });
    expect(await Passwordless.updateUser({ recipeUserId: u.rid })).toEqual({ status: "OK" });
    expect((await supertokens.getUser(u.id))?.emails).toEqual([email]);
  });

  it("phoneNumber null removes the phone number", async () => {
    const email = uniqueEmail("pless-upd-rm");
    const u = await newUser({ email });
    await Passwordless.updateUser({ recipeUserId: u.rid, phoneNumber: uniquePhone() });
    expect(await Passwordless.updateUser({ recipeUserId: u.rid, phoneNumber: null })).toEqual({ status: "OK" });
    const user = await supertokens.getUser(u.id);
    expect(user?.phoneNumbers).toEqual([]);
    expect(user?.loginMethods[0]!.phoneNumber).toBeUndefined();
    expect(user?.emails).toEqual([email]);
  });

  it("email null on a phone user removes the email", async () => {
    const phoneNumber = uniquePhone();
    const u = await newUser({ phoneNumber });
    const email = uniqueEmail("pless-upd-rm-email");
    expect(await Passwordless.updateUser({ recipeUserId: u.rid, email })).toEqual({ status: "OK" });
    expect(await Passwordless.updateUser({ recipeUserId: u.rid, email: null })).toEqual({ status: "OK" });
    const user = await supertokens.getUser(u.id);
    expect(user?.emails).toEqual([]);
    expect(user?.phoneNumbers).toEqual([phoneNumber]);
  });

  it("clearing the only contact is a 400: You cannot clear both email and phone number of a user", async () => {
    const u = await newUser({ email: uniqueEmail("pless-upd-clear") });
    await expect(Passwordless.updateUser({ recipeUserId: u.rid, email: null })).rejects.toThrow(
      coreErrorMessage("PUT", "/recipe/user", 400, "You cannot clear both email and phone number of a user\n"),
    );
    const p = await newUser({ phoneNumber: uniquePhone() });
    await expect(Passwordless.updateUser({ recipeUserId: p.rid, email: null, phoneNumber: null })).rejects.toThrow(
      "You cannot clear both email and phone number of a user",
    );
    expect((await supertokens.getUser(p.id))?.phoneNumbers).toHaveLength(1);
  });

  it("an unknown user gives UNKNOWN_USER_ID_ERROR", async () => {
    expect(
      await Passwordless.updateUser({ recipeUserId: supertokens.convertToRecipeUserId(unknownUserId()), phoneNumber: uniquePhone() }),
    ).toEqual({ status: "UNKNOWN_USER_ID_ERROR" });
    expect(
      await Passwordless.updateUser({ recipeUserId: supertokens.convertToRecipeUserId(unknownUserId()), email: uniqueEmail("x") }),
    ).toEqual({ status: "UNKNOWN_USER_ID_ERROR" });
  });
});

describe("email verification of passwordless users", () => {
  it("a user created by consuming a code has a verified email", async () => {
    const email = uniqueEmail("pless-ev");
    const res = await Passwordless.signInUp({ tenantId, email });
    expect(await EmailVerification.isEmailVerified(res.recipeUserId)).toBe(true);
    expect(await EmailVerification.isEmailVerified(res.recipeUserId, email)).toBe(true);
  });

  it("after an email change the new email is unverified", async () => {
    const email = uniqueEmail("pless-ev-change");
    const res = await Passwordless.signInUp({ tenantId, email });
    const newEmail = uniqueEmail("pless-ev-new");
    expect(await Passwordless.updateUser({ recipeUserId: res.recipeUserId, email: newEmail })).toEqual({ status: "OK" });
    expect(await EmailVerification.isEmailVerified(res.recipeUserId)).toBe(false);
    expect(await EmailVerification.isEmailVerified(res.recipeUserId, newEmail)).toBe(false);
    const user = await supertokens.getUser(res.user.id);
    expect(user?.emails).toEqual([newEmail]);
    expect(user?.loginMethods[0]!.verified).toBe(false);
  });

  it("signing in again with a code verifies the new email", async () => {
    const res = await Passwordless.signInUp({ tenantId, email: uniqueEmail("pless-ev-re") });
    const newEmail = uniqueEmail("pless-ev-re-new");
    await Passwordless.updateUser({ recipeUserId: res.recipeUserId, email: newEmail });
    const again = await Passwordless.signInUp({ tenantId, email: newEmail });
    expect(again.createdNewRecipeUser).toBe(false);
    expect(again.user.id).toBe(res.user.id);
    expect(await EmailVerification.isEmailVerified(res.recipeUserId)).toBe(true);
  });
});
