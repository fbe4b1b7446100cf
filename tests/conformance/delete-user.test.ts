/**
 * deleteUser conformance through supertokens-node.
 * Expected behaviour: shared/core-fixtures (README "deleteUser", exchanges del.*).
 */
import { randomUUID } from "node:crypto";
import supertokens from "supertokens-node";
import EmailPassword from "supertokens-node/recipe/emailpassword";
import EmailVerification from "supertokens-node/recipe/emailverification";
import Passwordless from "supertokens-node/recipe/passwordless";
import Session from "supertokens-node/recipe/session";
import UserMetadata from "supertokens-node/recipe/usermetadata";
import UserRoles from "supertokens-node/recipe/userroles";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestCore, type TestCore } from "../support/core.ts";
import { initSdk } from "../support/sdk.ts";

let core: TestCore;
const run = randomUUID().slice(0, 8);
let counter = 0;
const uniq = (prefix: string): string => `${prefix}-${run}-${++counter}`;
const PASSWORD = "Password123!";

beforeAll(async () => {
  core = await startTestCore();
  initSdk(core.url, core.apiKey);
});

afterAll(async () => {
  await core?.close();
});

/** A random fictional US number (555-01xx range style), E.164. */
const randomPhone = (): string => `+1415555${String(Math.floor(Math.random() * 10000)).padStart(4, "0")}`;

interface Fixture {
  email: string;
  stId: string;
  ext: string;
  role: string;
  otherRoleHolder: string;
  sessionHandle: string;
  allowListId: string;
  allowList: { allowList: string[] };
  passwordlessUserId: string;
  phone: string;
}

/**
 * The seeds' migrated user: EmailPassword user mapped to a legacy id, metadata (under the external
 * id) linking a separate Passwordless 2FA user, a role, a session, and an allow-list entry.
 */
async function setUpMigratedUser(): Promise<Fixture> {
  const email = `${uniq("migrated")}@example.com`;
  const signUp = await EmailPassword.signUp("public", email, PASSWORD);
  if (signUp.status !== "OK") throw new Error(`signUp failed: ${signUp.status}`);
  const stId = signUp.user.id;
  const ext = uniq("legacy-user");
  expect(await supertokens.createUserIdMapping({ superTokensUserId: stId, externalUserId: ext })).toEqual({
    status: "OK",
  });

  const phone = randomPhone();
  const pless = await Passwordless.signInUp({ tenantId: "public", phoneNumber: phone });
  expect(pless.status).toBe("OK");
  const passwordlessUserId = pless.user.id;

  await UserMetadata.updateUserMetadata(ext, { passwordlessUserId, isUsingTemporaryPassword: true });

  const role = uniq("member");
  await UserRoles.createNewRoleOrAddPermissions(role, ["read"]);
  expect(await UserRoles.addRoleToUser("public", ext, role)).toEqual({ status: "OK", didUserAlreadyHaveRole: false });
  const otherRoleHolder = uniq("not-a-user-id");
  await UserRoles.addRoleToUser("public", otherRoleHolder, role);

  const session = await Session.createNewSessionWithoutRequestResponse(
    "public",
    supertokens.convertToRecipeUserId(ext),
  );

  const allowListId = uniq("emailAllowList");
  const allowList = { allowList: [email, "someone-else@example.com"] };
  await UserMetadata.updateUserMetadata(allowListId, allowList);

  return {
    email,
    stId,
    ext,
    role,
    otherRoleHolder,
    sessionHandle: session.getHandle(),
    allowListId,
    allowList,
    passwordlessUserId,
    phone,
  };
}

async function expectFullyDeleted(f: Fixture): Promise<void> {
  // The user, by either id.
  expect(await supertokens.getUser(f.ext)).toBeUndefined();
  expect(await supertokens.getUser(f.stId)).toBeUndefined();
  expect(await supertokens.listUsersByAccountInfo("public", { email: f.email })).toEqual([]);
  expect(await EmailPassword.signIn("public", f.email, PASSWORD)).toEqual({ status: "WRONG_CREDENTIALS_ERROR" });

  // Metadata stored under the external id.
  expect(await UserMetadata.getUserMetadata(f.ext)).toEqual({ status: "OK", metadata: {} });

  // Roles: gone for the user, the role itself and its other holders stay.
  expect(await UserRoles.getRolesForUser("public", f.ext)).toEqual({ status: "OK", roles: [] });
  expect(await UserRoles.getUsersThatHaveRole("public", f.role)).toEqual({ status: "OK", users: [f.otherRoleHolder] });
  expect(await UserRoles.getPermissionsForRole(f.role)).toEqual({ status: "OK", permissions: ["read"] });

  // Mapping.
  expect(await supertokens.getUserIdMapping({ userId: f.ext })).toEqual({ status: "UNKNOWN_MAPPING_ERROR" });
  expect(await supertokens.getUserIdMapping({ userId: f.stId })).toEqual({ status: "UNKNOWN_MAPPING_ERROR" });

  // Sessions.
  expect(await Session.getAllSessionHandlesForUser(f.ext)).toEqual([]);
  expect(await Session.getSessionInformation(f.sessionHandle)).toBeUndefined();

  // Unrelated synthetic metadata and the separate 2FA Passwordless user survive.
  expect(await UserMetadata.getUserMetadata(f.allowListId)).toEqual({ status: "OK", metadata: f.allowList });
  const pless = await supertokens.getUser(f.passwordlessUserId);
  expect(pless).toBeDefined();
  expect(pless?.phoneNumbers).toEqual([f.phone]);
}

describe("deleteUser", () => {
  it("by external id removes the user, its metadata, roles, mapping and sessions", async () => {
    const f = await setUpMigratedUser();
    expect((await supertokens.getUser(f.ext))?.id).toBe(f.ext);
    expect(await supertokens.deleteUser(f.ext)).toEqual({ status: "OK" });
    await expectFullyDeleted(f);
  });

  it("by SuperTokens id removes the same things (metadata stored under the external id included)", async () => {
    const f = await setUpMigratedUser();
    expect(await supertokens.deleteUser(f.stId)).toEqual({ status: "OK" });
    await expectFullyDeleted(f);
  });

  it("of an unmapped user removes its metadata, roles and sessions", async () => {
    const email = `${uniq("plain")}@example.com`;
    const res = await EmailPassword.signUp("public", email, PASSWORD);
    if (res.status !== "OK") throw new Error(`signUp failed: ${res.status}`);
    const id = res.user.id;
    const role = uniq("member");
    await UserRoles.createNewRoleOrAddPermissions(role, []);
    await UserRoles.addRoleToUser("public", id, role);
    await UserMetadata.updateUserMetadata(id, { k: "v" });
    const session = await Session.createNewSessionWithoutRequestResponse("public", res.recipeUserId);

    expect(await supertokens.deleteUser(id)).toEqual({ status: "OK" });
    expect(await supertokens.getUser(id)).toBeUndefined();
    expect(await UserMetadata.getUserMetadata(id)).toEqual({ status: "OK", metadata: {} });
    expect(await UserRoles.getRolesForUser("public", id)).toEqual({ status: "OK", roles: [] });
    expect(await UserRoles.getUsersThatHaveRole("public", role)).toEqual({ status: "OK", users: [] });
    expect(await Session.getSessionInformation(session.getHandle())).toBeUndefined();
    expect(await EmailPassword.signIn("public", email, PASSWORD)).toEqual({ status: "WRONG_CREDENTIALS_ERROR" });
    // The email is free again.
    expect((await EmailPassword.signUp("public", email, PASSWORD)).status).toBe("OK");
  });

  it("deleting the 2FA Passwordless user leaves the first-factor user and its metadata link alone", async () => {
    const f = await setUpMigratedUser();
    expect(await supertokens.deleteUser(f.passwordlessUserId)).toEqual({ status: "OK" });
    expect(await supertokens.getUser(f.passwordlessUserId)).toBeUndefined();
    expect((await supertokens.getUser(f.ext))?.id).toBe(f.ext);
    expect(await UserMetadata.getUserMetadata(f.ext)).toEqual({
      status: "OK",
      metadata: { passwordlessUserId: f.passwordlessUserId, isUsingTemporaryPassword: true },
    });
  });

  it("returns OK for unknown ids", async () => {
    expect(await supertokens.deleteUser(randomUUID())).toEqual({ status: "OK" });
    expect(await supertokens.deleteUser(uniq("no-such-user"))).toEqual({ status: "OK" });
  });

  it("a second delete of the same user returns OK", async () => {
    const f = await setUpMigratedUser();
    expect(await supertokens.deleteUser(f.ext)).toEqual({ status: "OK" });
    expect(await supertokens.deleteUser(f.ext)).toEqual({ status: "OK" });
    expect(await supertokens.deleteUser(f.stId)).toEqual({ status: "OK" });
  });
});

describe("deleteUser when the external id is itself a SuperTokens user id (a migration between recipes)", () => {
  async function user(): Promise<string> {
    const res = await EmailPassword.signUp("public", `${uniq("a4")}@example.com`, PASSWORD);
    if (res.status !== "OK") throw new Error(`signUp failed: ${res.status}`);
    return res.user.id;
  }

  it("removes only the login method named by the given id: no metadata, roles or verified email", async () => {
    const a = await user();
    const b = await user();
    const role = uniq("member");
    await UserRoles.createNewRoleOrAddPermissions(role, []);
    for (const id of [a, b]) {
      await UserMetadata.updateUserMetadata(id, { owner: id });
      await UserRoles.addRoleToUser("public", id, role);
    }
    // B's SuperTokens id becomes A's external id (force: it is a SuperTokens user id).
    expect(await supertokens.createUserIdMapping({ superTokensUserId: a, externalUserId: b, force: true })).toEqual({ status: "OK" });

    expect(await supertokens.deleteUser(a)).toEqual({ status: "OK" });
    expect(await supertokens.getUser(a)).toBeUndefined();
    // Nothing but the login method went: A's and B's data stay, and so does user B.
    expect(await UserMetadata.getUserMetadata(a)).toEqual({ status: "OK", metadata: { owner: a } });
    expect(await UserMetadata.getUserMetadata(b)).toEqual({ status: "OK", metadata: { owner: b } });
    expect(await UserRoles.getUsersThatHaveRole("public", role)).toEqual({ status: "OK", users: [a, b].sort() });
    expect((await supertokens.getUser(b))?.id).toBe(b);
  });

  it("a user mapped to its own id keeps its verified email after it is deleted", async () => {
    const email = `${uniq("self")}@example.com`;
    const res = await EmailPassword.signUp("public", email, PASSWORD);
    if (res.status !== "OK") throw new Error(`signUp failed: ${res.status}`);
    const id = res.user.id;
    const token = await EmailVerification.createEmailVerificationToken("public", res.recipeUserId, email);
    if (token.status !== "OK") throw new Error(`token failed: ${token.status}`);
    expect((await EmailVerification.verifyEmailUsingToken("public", token.token)).status).toBe("OK");
    expect(await supertokens.createUserIdMapping({ superTokensUserId: id, externalUserId: id, force: true })).toEqual({ status: "OK" });

    expect(await supertokens.deleteUser(id)).toEqual({ status: "OK" });
    expect(await supertokens.getUser(id)).toBeUndefined();
    expect(await EmailVerification.isEmailVerified(res.recipeUserId, email)).toBe(true);
  });
});
