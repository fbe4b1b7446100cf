/**
 * Seed 03 through the real API: EmailPassword first, then an SMS OTP to a separate Passwordless
 * user linked in the metadata (`passwordlessUserId`), with the `2fa-completed` claim and the
 * `phoneNumber` in the access token; the createCodePOST check against registering another phone.
 */
import supertokens from "supertokens-node";
import Passwordless from "supertokens-node/recipe/passwordless";
import Session from "supertokens-node/recipe/session";
import UserMetadata from "supertokens-node/recipe/usermetadata";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SECOND_FACTOR_MESSAGES, maskPhone, readEnrollment } from "../../backend-kit/index.ts";
import { DEFAULT_DATA_CONTRACT } from "../../shared/data-contract.ts";
import { post, type ApiAnswer, type KitApp } from "./app.ts";
import { startSecondFactorApp } from "./second-factor-app.ts";

const { secondFactorUserIdKey, secondFactorClaim, phoneNumberPayloadKey } = DEFAULT_DATA_CONTRACT;
const PHONE_A = "+14155550111";
const PHONE_B = "+14155550122";
const PHONE_C = "+14155550133";
const PASSWORD = "correct-horse-1";

let app: KitApp;

beforeAll(async () => {
  app = await startSecondFactorApp();
});

afterAll(async () => {
  await app?.close();
});

function payloadOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString("utf8")) as Record<string, unknown>;
}

function tokenOf(answer: ApiAnswer): string {
  const token = answer.headers.get("st-access-token");
  if (!token) throw new Error(`no access token in ${JSON.stringify(answer.body)}`);
  return token;
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const fields = (email: string) => ({ formFields: [{ id: "email", value: email }, { id: "password", value: PASSWORD }] });

async function firstFactor(path: "/auth/signup" | "/auth/signin", email: string): Promise<{ token: string; userId: string }> {
  const answer = await post(app, path, fields(email), { rid: "emailpassword" });
  expect(answer.body.status, JSON.stringify(answer.body)).toBe("OK");
  return { token: tokenOf(answer), userId: (answer.body.user as { id: string }).id };
}

function createCode(token: string | undefined, phoneNumber: string): Promise<ApiAnswer> {
  return post(app, "/auth/signinup/code", { phoneNumber }, { rid: "passwordless", ...(token ? bearer(token) : {}) });
}

function lastCode(phoneNumber: string): string {
  const code = app.outbox.filter((m) => m.to === phoneNumber).at(-1)?.userInputCode;
  if (code === undefined) throw new Error(`no code sent to ${phoneNumber}`);
  return code;
}

async function consume(token: string, created: ApiAnswer, code: string): Promise<ApiAnswer> {
  return post(app, "/auth/signinup/code/consume", { deviceId: created.body.deviceId, preAuthSessionId: created.body.preAuthSessionId, userInputCode: code }, { rid: "passwordless", ...bearer(token) });
}

async function secondFactor(token: string, phoneNumber: string): Promise<ApiAnswer> {
  const created = await createCode(token, phoneNumber);
  expect(created.body.status, JSON.stringify(created.body)).toBe("OK");
  return consume(token, created, lastCode(phoneNumber));
}

async function protectedStatus(token: string): Promise<number> {
  const res = await fetch(`${app.url}/protected`, { headers: { "st-auth-mode": "header", ...bearer(token) } });
  return res.status;
}

describe("second factor by SMS OTP", () => {
  let alice: { token: string; userId: string };

  it("refuses createCode (and consume) without a first-factor session, and sends nothing", async () => {
    const answer = await createCode(undefined, PHONE_A);
    expect(answer.body).toEqual({ status: "GENERAL_ERROR", message: SECOND_FACTOR_MESSAGES.noSession });
    expect(app.outbox.some((m) => m.to === PHONE_A)).toBe(false);
    const consumed = await post(app, "/auth/signinup/code/consume", { deviceId: "x", preAuthSessionId: "y", userInputCode: "123456" }, { rid: "passwordless" });
    expect(consumed.body).toEqual({ status: "GENERAL_ERROR", message: SECOND_FACTOR_MESSAGES.noSession });
  });

  it("starts the first-factor session with 2fa-completed false; 2FA routes refuse it", async () => {
    alice = await firstFactor("/auth/signup", "alice@example.com");
    const payload = payloadOf(alice.token);
    expect(payload[secondFactorClaim]).toMatchObject({ v: false });
    expect(payload[phoneNumberPayloadKey]).toBeUndefined();
    expect(await protectedStatus(alice.token)).toBe(403);
  });

  it("enrolls and links the phone on the first OTP, keeping the first-factor session, with the claim and phone in the access token", async () => {
    const consumed = await secondFactor(alice.token, PHONE_A);
    expect(consumed.body.status).toBe("OK");
    expect(consumed.body.createdNewRecipeUser).toBe(true);
    const phoneUserId = (consumed.body.user as { id: string }).id;
    expect(phoneUserId).not.toBe(alice.userId);

    const token = tokenOf(consumed);
    const payload = payloadOf(token);
    expect(payload.sub).toBe(alice.userId); // the same person's session, not the Passwordless user's
    expect(payload.sessionHandle).toBe(payloadOf(alice.token).sessionHandle);
    expect(payload[secondFactorClaim]).toMatchObject({ v: true });
    expect(payload[phoneNumberPayloadKey]).toBe(PHONE_A);
    expect(await Session.getAllSessionHandlesForUser(phoneUserId)).toEqual([]);

    const { metadata } = await UserMetadata.getUserMetadata(alice.userId);
    expect(metadata[secondFactorUserIdKey]).toBe(phoneUserId);
    expect(await readEnrollment(alice.userId)).toEqual({ state: "enrolled", passwordlessUserId: phoneUserId, phoneNumber: PHONE_A });
    expect(await protectedStatus(token)).toBe(200);
  });

  it("signs in again with the enrolled phone: same Passwordless user, phone in the session from the start", async () => {
    const before = await readEnrollment(alice.userId);
    const again = await firstFactor("/auth/signin", "alice@example.com");
    expect(payloadOf(again.token)[phoneNumberPayloadKey]).toBe(PHONE_A);
    expect(payloadOf(again.token)[secondFactorClaim]).toMatchObject({ v: false });
    const consumed = await secondFactor(again.token, PHONE_A);
    expect(consumed.body.status).toBe("OK");
    expect(consumed.body.createdNewRecipeUser).toBe(false);
    expect(payloadOf(tokenOf(consumed))[secondFactorClaim]).toMatchObject({ v: true });
    expect(await readEnrollment(alice.userId)).toEqual(before);
  });

  it("refuses a code to another phone for an enrolled user (the seed's attack) and sends nothing", async () => {
    const attacker = await firstFactor("/auth/signin", "alice@example.com");
    const answer = await createCode(attacker.token, PHONE_B);
    expect(answer.body).toEqual({ status: "GENERAL_ERROR", message: "This phone number is not the one enrolled for your account." });
    expect(app.outbox.some((m) => m.to === PHONE_B)).toBe(false);
    expect(await protectedStatus(attacker.token)).toBe(403);
  });

  it("does not complete an enrolled user's 2FA with a code made for another phone, and leaves that code unused", async () => {
    const bob = await firstFactor("/auth/signup", "bob@example.com");
    const created = await createCode(bob.token, PHONE_C);
    expect(created.body.status).toBe("OK");
    const attacker = await firstFactor("/auth/signin", "alice@example.com");
    const stolen = await consume(attacker.token, created, lastCode(PHONE_C));
    expect(stolen.body).toEqual({ status: "GENERAL_ERROR", message: SECOND_FACTOR_MESSAGES.notEnrolledPhone });
    expect((await consume(bob.token, created, lastCode(PHONE_C))).body.status).toBe("OK");
    expect((await readEnrollment(bob.userId)).state).toBe("enrolled");
  });

  it("refuses to enroll a phone another account already has", async () => {
    const carol = await firstFactor("/auth/signup", "carol@example.com");
    expect((await createCode(carol.token, PHONE_A)).body).toEqual({ status: "GENERAL_ERROR", message: SECOND_FACTOR_MESSAGES.phoneTaken });
    expect(await readEnrollment(carol.userId)).toEqual({ state: "none" });
  });

  it("follows a phone changed in the Core (a console reset): the new one works, the old one is refused", async () => {
    const enrollment = await readEnrollment(alice.userId);
    if (enrollment.state !== "enrolled") throw new Error("alice is not enrolled");
    await Passwordless.updateUser({ recipeUserId: supertokens.convertToRecipeUserId(enrollment.passwordlessUserId), phoneNumber: PHONE_B });
    const signedIn = await firstFactor("/auth/signin", "alice@example.com");
    expect((await createCode(signedIn.token, PHONE_A)).body).toEqual({ status: "GENERAL_ERROR", message: SECOND_FACTOR_MESSAGES.notEnrolledPhone });
    const consumed = await secondFactor(signedIn.token, PHONE_B);
    expect(consumed.body.status).toBe("OK");
    expect(payloadOf(tokenOf(consumed))[phoneNumberPayloadKey]).toBe(PHONE_B);
  });

  it("ends a revoked first-factor session at once: no code, no protected route", async () => {
    const signedIn = await firstFactor("/auth/signin", "alice@example.com");
    const done = tokenOf(await secondFactor(signedIn.token, PHONE_B));
    expect(await protectedStatus(done)).toBe(200);
    await Session.revokeAllSessionsForUser(alice.userId);
    expect(await protectedStatus(done)).toBe(401);
    expect((await createCode(signedIn.token, PHONE_B)).status).toBe(401);
  });

  it("masks a phone for display", () => {
    expect(maskPhone("+14155550123")).toBe("+1••••••0123");
  });
});
