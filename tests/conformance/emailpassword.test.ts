/**
 * EmailPassword and EmailVerification through supertokens-node (core-fixtures exchanges ep.*
 * and ev.*, README "Email verification and password reset").
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import supertokens from "supertokens-node";
import EmailPassword from "supertokens-node/recipe/emailpassword";
import EmailVerification from "supertokens-node/recipe/emailverification";
import { startTestCore, type TestCore } from "../support/core.ts";
import { initSdk } from "../support/sdk.ts";
import { json, raw, uniqueEmail, unknownUserId } from "./helpers.ts";

const tenantId = "public";
const PASSWORD = "Password123!";
let core: TestCore;

beforeAll(async () => {
  core = await startTestCore();
  initSdk(core.url, core.apiKey);
});

afterAll(async () => {
  await core?.close();
});

async function signUp(email = uniqueEmail("ep"), password = PASSWORD) {
  const res = await EmailPassword.signUp(tenantId, email, password);
  if (res.status !== "OK") throw new Error(`signUp failed: ${res.status}`);
  return { email, password, id: res.user.id, rid: res.recipeUserId, user: res.user };
}

async function resetToken(id: string, email: string): Promise<string> {
  const res = await EmailPassword.createResetPasswordToken(tenantId, id, email);
  if (res.status !== "OK") throw new Error(`createResetPasswordToken failed: ${res.status}`);
  return res.token;
}

async function verificationToken(rid: ReturnType<typeof supertokens.convertToRecipeUserId>, email?: string) {
  const res = await EmailVerification.createEmailVerificationToken(tenantId, rid, email);
  if (res.status !== "OK") throw new Error(`createEmailVerificationToken failed: ${res.status}`);
  return res.token;
}

describe("signUp and signIn", () => {
  it("signUp creates an unverified emailpassword user", async () => {
    const email = uniqueEmail("ep-signup");
    const res = await EmailPassword.signUp(tenantId, email, PASSWORD);
    if (res.status !== "OK") throw new Error(res.status);
    expect(res.recipeUserId.getAsString()).toBe(res.user.id);
    expect(res.user.toJson()).toEqual({
      id: res.user.id,
      isPrimaryUser: false,
      tenantIds: ["public"],
      timeJoined: expect.any(Number),
      emails: [email],
      phoneNumbers: [],
      thirdParty: [],
      webauthn: { credentialIds: [] },
      loginMethods: [
        {
          recipeId: "emailpassword",
          recipeUserId: res.user.id,
          tenantIds: ["public"],
          email,
          verified: false,
          timeJoined: res.user.timeJoined,
        },
      ],
    });
  });

  it("signUp with a taken email gives EMAIL_ALREADY_EXISTS_ERROR", async () => {
    const u = await signUp();
    expect(await EmailPassword.signUp(tenantId, u.email, "Another123!")).toEqual({ status: "EMAIL_ALREADY_EXISTS_ERROR" });
  });

  it("the Core lower-cases emails: signing up with upper case finds the same account", async () => {
    const u = await signUp();
    expect(await EmailPassword.signUp(tenantId, u.email.toUpperCase(), PASSWORD)).toEqual({
      status: "EMAIL_ALREADY_EXISTS_ERROR",
    });
  });

  it("signIn with the right password gives the user", async () => {
    const u = await signUp();
    const res = await EmailPassword.signIn(tenantId, u.email, u.password);
    if (res.status !== "OK") throw new Error(res.status);
    expect(res.user.id).toBe(u.id);
    expect(res.recipeUserId.getAsString()).toBe(u.id);
    expect(res.user.toJson()).toEqual(u.user.toJson());
  });

  it("signIn with a wrong password or an unknown email gives WRONG_CREDENTIALS_ERROR", async () => {
    const u = await signUp();
    expect(await EmailPassword.signIn(tenantId, u.email, "nope")).toEqual({ status: "WRONG_CREDENTIALS_ERROR" });
    expect(await EmailPassword.signIn(tenantId, uniqueEmail("ep-unknown"), PASSWORD)).toEqual({
      status: "WRONG_CREDENTIALS_ERROR",
    });
  });

  it("verifyCredentials gives OK or WRONG_CREDENTIALS_ERROR", async () => {
    const u = await signUp();
    expect(await EmailPassword.verifyCredentials(tenantId, u.email, u.password)).toEqual({ status: "OK" });
    expect(await EmailPassword.verifyCredentials(tenantId, u.email, "nope")).toEqual({ status: "WRONG_CREDENTIALS_ERROR" });
  });

  it("signIn answers exactly {status, user, recipeUserId} on the wire", async () => {
    const u = await signUp();
    const res = await raw(core, `/${tenantId}/recipe/signin`, {
      method: "POST",
      headers: { rid: "emailpassword" },
      body: { email: u.email, password: u.password },
    });
    const body = json(res);
    expect(Object.keys(body).sort()).toEqual(["recipeUserId", "status", "user"]);
    expect(body).toMatchObject({ status: "OK", recipeUserId: u.id, user: { id: u.id, emails: [u.email] } });
  });
});

describe("password reset", () => {
  it("createResetPasswordToken for a user gives a token; for an unknown user UNKNOWN_USER_ID_ERROR", async () => {
    const u = await signUp();
    const token = await resetToken(u.id, u.email);
    expect(token).toEqual(expect.any(String));
    expect(token.length).toBeGreaterThan(20);
    expect(await EmailPassword.createResetPasswordToken(tenantId, unknownUserId(), "x@example.com")).toEqual({
      status: "UNKNOWN_USER_ID_ERROR",
    });
  });

  it("resetPasswordUsingToken changes the password; the token works once", async () => {
    const u = await signUp();
    const token = await resetToken(u.id, u.email);
    expect(await EmailPassword.resetPasswordUsingToken(tenantId, token, "NewPassword123!")).toEqual({ status: "OK" });
    expect(await EmailPassword.resetPasswordUsingToken(tenantId, token, "Other123456!")).toEqual({
      status: "RESET_PASSWORD_INVALID_TOKEN_ERROR",
    });
    expect((await EmailPassword.signIn(tenantId, u.email, "NewPassword123!")).status).toBe("OK");
    expect(await EmailPassword.signIn(tenantId, u.email, u.password)).toEqual({ status: "WRONG_CREDENTIALS_ERROR" });
    expect(await EmailPassword.signIn(tenantId, u.email, "Other123456!")).toEqual({ status: "WRONG_CREDENTIALS_ERROR" });
  });

  it("consumePasswordResetToken gives the user id and email, once", async () => {
    const u = await signUp();
    const token = await resetToken(u.id, u.email);
    expect(await EmailPassword.consumePasswordResetToken(tenantId, token)).toEqual({
      status: "OK",
      userId: u.id,
      email: u.email,
    });
    expect(await EmailPassword.consumePasswordResetToken(tenantId, token)).toEqual({
      status: "RESET_PASSWORD_INVALID_TOKEN_ERROR",
    });
    // Consuming alone does not change the password.
    expect((await EmailPassword.signIn(tenantId, u.email, u.password)).status).toBe("OK");
  });

  it("a garbage token gives RESET_PASSWORD_INVALID_TOKEN_ERROR", async () => {
    expect(await EmailPassword.consumePasswordResetToken(tenantId, "garbage")).toEqual({
      status: "RESET_PASSWORD_INVALID_TOKEN_ERROR",
    });
    expect(await EmailPassword.resetPasswordUsingToken(tenantId, "garbage", "NewPassword123!")).toEqual({
      status: "RESET_PASSWORD_INVALID_TOKEN_ERROR",
    });
  });

  it("all of a user's reset tokens die when one is used", async () => {
    const u = await signUp();
    const first = await resetToken(u.id, u.email);
    const second = await resetToken(u.id, u.email);
    expect(first).not.toBe(second);
    expect((await EmailPassword.consumePasswordResetToken(tenantId, second)).status).toBe("OK");
    expect(await EmailPassword.consumePasswordResetToken(tenantId, first)).toEqual({
      status: "RESET_PASSWORD_INVALID_TOKEN_ERROR",
    });
  });
});

describe("updateEmailOrPassword", () => {
  it("a password with applyPasswordPolicy:false accepts 'short'", async () => {
    const u = await signUp();
    expect(
      await EmailPassword.updateEmailOrPassword({ recipeUserId: u.rid, password: "short", applyPasswordPolicy: false }),
    ).toEqual({ status: "OK" });
    expect((await EmailPassword.signIn(tenantId, u.email, "short")).status).toBe("OK");
    expect(await EmailPassword.signIn(tenantId, u.email, u.password)).toEqual({ status: "WRONG_CREDENTIALS_ERROR" });
  });

  it("changes the email: sign-in works with the new one only", async () => {
    const u = await signUp();
    const newEmail = uniqueEmail("ep-newemail");
    expect(await EmailPassword.updateEmailOrPassword({ recipeUserId: u.rid, email: newEmail })).toEqual({ status: "OK" });
    expect((await EmailPassword.signIn(tenantId, newEmail, u.password)).status).toBe("OK");
    expect(await EmailPassword.signIn(tenantId, u.email, u.password)).toEqual({ status: "WRONG_CREDENTIALS_ERROR" });
    const user = await supertokens.getUser(u.id);
    expect(user?.emails).toEqual([newEmail]);
    expect(user?.loginMethods[0]!.email).toBe(newEmail);
  });

  it("an email another user has gives EMAIL_ALREADY_EXISTS_ERROR and changes nothing", async () => {
    const a = await signUp();
    const b = await signUp();
    expect(await EmailPassword.updateEmailOrPassword({ recipeUserId: b.rid, email: a.email })).toEqual({
      status: "EMAIL_ALREADY_EXISTS_ERROR",
    });
    expect((await supertokens.getUser(b.id))?.emails).toEqual([b.email]);
  });

  it("an unknown user gives UNKNOWN_USER_ID_ERROR", async () => {
    expect(
      await EmailPassword.updateEmailOrPassword({
        recipeUserId: supertokens.convertToRecipeUserId(unknownUserId()),
        password: "Whatever123!",
      }),
    ).toEqual({ status: "UNKNOWN_USER_ID_ERROR" });
  });
});

describe("email verification", () => {
  it("verifyEmailUsingToken verifies the user's email; the token works once", async () => {
    const u = await signUp();
    expect(await EmailVerification.isEmailVerified(u.rid)).toBe(false);
    const token = await verificationToken(u.rid);

    const res = await EmailVerification.verifyEmailUsingToken(tenantId, token);
    if (res.status !== "OK") throw new Error(res.status);
    expect(res.user.recipeUserId.getAsString()).toBe(u.id);
    expect(res.user.email).toBe(u.email);

    expect(await EmailVerification.isEmailVerified(u.rid)).toBe(true);
    expect((await supertokens.getUser(u.id))?.loginMethods[0]!.verified).toBe(true);
    expect(await EmailVerification.verifyEmailUsingToken(tenantId, token)).toEqual({
      status: "EMAIL_VERIFICATION_INVALID_TOKEN_ERROR",
    });
  });

  it("verify answers {status, userId, email} on the wire", async () => {
    const u = await signUp();
    const token = await verificationToken(u.rid);
    const res = await raw(core, `/${tenantId}/recipe/user/email/verify`, {
      method: "POST",
      headers: { rid: "emailverification" },
      body: { method: "token", token },
    });
    expect(json(res)).toStrictEqual({ status: "OK", userId: u.id, email: u.email });
  });

  it("a garbage token gives EMAIL_VERIFICATION_INVALID_TOKEN_ERROR", async () => {
    expect(await EmailVerification.verifyEmailUsingToken(tenantId, "garbage")).toEqual({
      status: "EMAIL_VERIFICATION_INVALID_TOKEN_ERROR",
    });
  });

  it("a verified email gives EMAIL_ALREADY_VERIFIED_ERROR for a new token", async () => {
    const u = await signUp();
    await EmailVerification.verifyEmailUsingToken(tenantId, await verificationToken(u.rid));
    expect(await EmailVerification.createEmailVerificationToken(tenantId, u.rid)).toEqual({
      status: "EMAIL_ALREADY_VERIFIED_ERROR",
    });
  });

  it("unverifyEmail makes it unverified again", async () => {
    const u = await signUp();
    await EmailVerification.verifyEmailUsingToken(tenantId, await verificationToken(u.rid));
    expect(await EmailVerification.unverifyEmail(u.rid)).toEqual({ status: "OK" });
    expect(await EmailVerification.isEmailVerified(u.rid)).toBe(false);
    expect((await supertokens.getUser(u.id))?.loginMethods[0]!.verified).toBe(false);
    // And a new token can be made.
    expect((await EmailVerification.createEmailVerificationToken(tenantId, u.rid)).status).toBe("OK");
  });

  it("revokeEmailVerificationTokens kills the outstanding tokens", async () => {
    const u = await signUp();
    const token = await verificationToken(u.rid);
    expect(await EmailVerification.revokeEmailVerificationTokens(tenantId, u.rid)).toEqual({ status: "OK" });
    expect(await EmailVerification.verifyEmailUsingToken(tenantId, token)).toEqual({
      status: "EMAIL_VERIFICATION_INVALID_TOKEN_ERROR",
    });
    expect(await EmailVerification.isEmailVerified(u.rid)).toBe(false);
  });

  it("an explicit email is verified on its own, separately from the user's email", async () => {
    const u = await signUp();
    const other = uniqueEmail("ep-other-address");
    const token = await verificationToken(u.rid, other);
    const res = await EmailVerification.verifyEmailUsingToken(tenantId, token);
    if (res.status !== "OK") throw new Error(res.status);
    expect(res.user.email).toBe(other);
    expect(await EmailVerification.isEmailVerified(u.rid, other)).toBe(true);
    expect(await EmailVerification.isEmailVerified(u.rid)).toBe(false);
    expect(await EmailVerification.isEmailVerified(u.rid, u.email)).toBe(false);
  });

  it("revoking tokens for an explicit email kills only that email's tokens", async () => {
    const u = await signUp();
    const other = uniqueEmail("ep-other-revoke");
    const otherToken = await verificationToken(u.rid, other);
    const ownToken = await verificationToken(u.rid);
    expect(await EmailVerification.revokeEmailVerificationTokens(tenantId, u.rid, other)).toEqual({ status: "OK" });
    expect(await EmailVerification.verifyEmailUsingToken(tenantId, otherToken)).toEqual({
      status: "EMAIL_VERIFICATION_INVALID_TOKEN_ERROR",
    });
    expect(await EmailVerification.isEmailVerified(u.rid, other)).toBe(false);
    expect((await EmailVerification.verifyEmailUsingToken(tenantId, ownToken)).status).toBe("OK");
  });

  it("changing the email makes the user unverified; the old verification stays with the old email", async () => {
    const u = await signUp();
    await EmailVerification.verifyEmailUsingToken(tenantId, await verificationToken(u.rid));
    const newEmail = uniqueEmail("ep-ev-new");
    expect(await EmailPassword.updateEmailOrPassword({ recipeUserId: u.rid, email: newEmail })).toEqual({ status: "OK" });
    expect(await EmailVerification.isEmailVerified(u.rid)).toBe(false);
    expect((await supertokens.getUser(u.id))?.loginMethods[0]!.verified).toBe(false);
  });

  it("a token for an unknown user without an email fails inside the SDK", async () => {
    await expect(
      EmailVerification.createEmailVerificationToken(tenantId, supertokens.convertToRecipeUserId(unknownUserId())),
    ).rejects.toThrow("Unknown User ID provided without email");
  });
});
