/**
 * Seed 01 through the real API: the invite-only guard on POST /auth/signinup/code, the admin-only
 * invite API, and the acceptance record written on the first sign-in.
 */
import Passwordless from "supertokens-node/recipe/passwordless";
import UserMetadata from "supertokens-node/recipe/usermetadata";
import UserRoles from "supertokens-node/recipe/userroles";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SIGN_UP_DISABLED_MESSAGE, composeOverrides, inviteOnlyGuard, inviteUser, readInviteRecord, recordInviteAcceptance } from "../../backend-kit/index.ts";
import { DEFAULT_DATA_CONTRACT } from "../../shared/data-contract.ts";
import { createCode, post, signInWithOtp, startKitApp, type KitApp } from "./app.ts";

let app: KitApp;
let adminToken: string;
let adminId: string;

async function tokenOf(email: string): Promise<string> {
  const signedIn = await signInWithOtp(app, { email });
  expect(signedIn.body).toMatchObject({ status: "OK" });
  const token = signedIn.headers.get("st-access-token");
  if (!token) throw new Error("no access token in the consume answer");
  return token;
}

beforeAll(async () => {
  app = await startKitApp(composeOverrides(inviteOnlyGuard, recordInviteAcceptance()));
  // The first admin is created out of band, as an operator would (console or script).
  const admin = await inviteUser({ tenantId: "public", contact: { email: "admin@example.com" }, invitedBy: "setup" });
  adminId = admin.userId;
  await UserRoles.createNewRoleOrAddPermissions("admin", []);
  await UserRoles.addRoleToUser("public", adminId, "admin");
  adminToken = await tokenOf("admin@example.com");
});

afterAll(async () => {
  await app?.close();
});

describe("invite-only guard", () => {
  it("refuses a sign-up with the seed's exact message and sends nothing", async () => {
    const answer = await createCode(app, { email: "mallory@example.com" });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ status: "GENERAL_ERROR", message: SIGN_UP_DISABLED_MESSAGE });
    expect(SIGN_UP_DISABLED_MESSAGE).toBe("Sign up disabled. Please contact the admin.");
    expect(app.outbox.some((m) => m.to === "mallory@example.com")).toBe(false);
  });

  it("refuses an unknown phone number too", async () => {
    const answer = await createCode(app, { phoneNumber: "+14155550999" });
    expect(answer.body).toEqual({ status: "GENERAL_ERROR", message: SIGN_UP_DISABLED_MESSAGE });
  });

  it("sends a code to an invited user", async () => {
    await inviteUser({ tenantId: "public", contact: { phoneNumber: "+14155550100" }, invitedBy: "setup" });
    const answer = await createCode(app, { phoneNumber: "+14155550100" });
    expect(answer.body.status).toBe("OK");
    expect(app.outbox.filter((m) => m.to === "+14155550100")).toHaveLength(1);
  });
});

describe("admin invite API", () => {
  it("answers 401 without a session", async () => {
    const answer = await post(app, "/admin/invite", { email: "alice@example.com" });
    expect(answer.status).toBe(401);
  });

  it("answers 403 to a signed-in user without the admin role, and creates nobody", async () => {
    await inviteUser({ tenantId: "public", contact: { email: "bob@example.com" }, invitedBy: "setup" });
    const bobToken = await tokenOf("bob@example.com");
    const answer = await post(app, "/admin/invite", { email: "carol@example.com" }, { authorization: `Bearer ${bobToken}` });
    expect(answer.status).toBe(403);
    expect((await createCode(app, { email: "carol@example.com" })).body.status).toBe("GENERAL_ERROR");
  });

  it("refuses bad input with 400", async () => {
    const auth = { authorization: `Bearer ${adminToken}` };
    expect((await post(app, "/admin/invite", { email: "not-an-email" }, auth)).status).toBe(400);
    // The console's email check: a pasted comma or a trailing dot is refused too.
    for (const email of ["quoted,comma@example.com", "trail@example.com."]) expect((await post(app, "/admin/invite", { email }, auth)).status).toBe(400);
    expect((await post(app, "/admin/invite", { phoneNumber: "12" }, auth)).status).toBe(400);
    expect((await post(app, "/admin/invite", { email: "a@example.com", phoneNumber: "+14155550123" }, auth)).status).toBe(400);
  });

  it("lets an admin invite: creates the user, returns a magic link, records the invite; the link signs them in once and acceptance is recorded once", async () => {
    const before = Date.now();
    const answer = await post(app, "/admin/invite", { email: "Alice@Example.com" }, { authorization: `Bearer ${adminToken}` });
    expect(answer.status).toBe(200);
    expect(answer.body.status).toBe("OK");
    expect(answer.body.createdNewUser).toBe(true);
    const userId = answer.body.userId as string;
    const link = new URL(answer.body.inviteLink as string);
    expect(link.pathname).toBe("/auth/verify");
    const record = await readInviteRecord(userId);
    expect(record).toMatchObject({ invitedBy: adminId });
    expect(record?.invitedAt).toBeGreaterThanOrEqual(before);
    expect(record?.acceptedAt).toBeUndefined();

    // Now alice may ask for a code (sign-in, not sign-up).
    expect((await createCode(app, { email: "alice@example.com" })).body.status).toBe("OK");

    // She opens the link: consume with its link code.
    const consumed = await post(
      app,
      "/auth/signinup/code/consume",
      { preAuthSessionId: link.searchParams.get("preAuthSessionId"), linkCode: link.hash.slice(1) },
      { rid: "passwordless" },
    );
    expect(consumed.body.status).toBe("OK");
    expect((consumed.body.user as { id: string }).id).toBe(userId);
    const accepted = await readInviteRecord(userId);
    expect(accepted?.acceptedAt).toBeGreaterThanOrEqual(record!.invitedAt);

    // A second sign-in leaves acceptedAt alone.
    await new Promise((r) => setTimeout(r, 5));
    expect((await signInWithOtp(app, { email: "alice@example.com" })).body.status).toBe("OK");
    expect((await readInviteRecord(userId))?.acceptedAt).toBe(accepted?.acceptedAt);
  });

  it("inviting someone who already exists gives a fresh link and keeps their record", async () => {
    const auth = { authorization: `Bearer ${adminToken}` };
    const first = await post(app, "/admin/invite", { phoneNumber: "+44 7911 123456" }, auth);
    expect(first.body.createdNewUser).toBe(true);
    const again = await post(app, "/admin/invite", { phoneNumber: "+447911123456" }, auth);
    expect(again.status).toBe(200);
    expect(again.body.createdNewUser).toBe(false);
    expect(again.body.userId).toBe(first.body.userId);
    expect(again.body.inviteLink).not.toBe(first.body.inviteLink);
    expect(again.body.invite).toEqual(first.body.invite);
  });

  it("does not write an invite record when a user who was never invited signs in", async () => {
    // Created directly (e.g. by an import), not through an invite: no record.
    const { user } = await Passwordless.signInUp({ tenantId: "public", email: "imported@example.com" });
    expect((await signInWithOtp(app, { email: "imported@example.com" })).body.status).toBe("OK");
    const { metadata } = await UserMetadata.getUserMetadata(user.id);
    expect(metadata[DEFAULT_DATA_CONTRACT.inviteKey]).toBeUndefined();
  });
});
