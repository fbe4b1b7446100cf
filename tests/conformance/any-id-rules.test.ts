/**
 * Rules the differential test found against a real Core 11.4.7 (tests/differential):
 * - A user id given to an API that takes "any" id (UserIdMapping.getUserIdMapping with
 *   UserIdType.ANY) is looked up in the mappings on both sides first: a mapping of the id as a
 *   SuperTokens id wins; else a mapping naming it as an external id points at that mapping's user,
 *   even when the id is itself another (unmapped) SuperTokens user's.
 * - Changing a Passwordless user's email or phone drops the pending codes of the old and of the new
 *   contact in the user's tenants: a code sent to the new contact no longer signs in.
 * - The password-reset token API reads `email` after finding the id's storage (an id with data
 *   of other recipes, or a user) and before finding out that there is no such user.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestCore, type TestCore } from "../support/core.ts";
import { raw, uniqueEmail, uniquePhone, unknownUserId } from "./helpers.ts";
import { createTenant, expectText, ok, rawSignUp, removeTenant, uniq } from "./rule-helpers.ts";

let core: TestCore;
const tenants: string[] = [];

beforeAll(async () => {
  core = await startTestCore();
});

afterAll(async () => {
  try {
    for (const t of tenants) await removeTenant(core, t);
  } finally {
    await core?.close();
  }
});

const post = (path: string, body: unknown, headers?: Record<string, string>) => raw(core, path, { method: "POST", body, ...(headers ? { headers } : {}) });

interface Code {
  preAuthSessionId: string;
  deviceId: string;
  userInputCode: string;
}
const createCode = async (tenantId: string, contact: { email: string } | { phoneNumber: string }): Promise<Code> =>
  ok<Code>(await post(`/${tenantId}/recipe/signinup/code`, contact));
const consume = async (tenantId: string, c: Code): Promise<string> =>
  ok<{ status: string }>(await post(`/${tenantId}/recipe/signinup/code/consume`, { preAuthSessionId: c.preAuthSessionId, deviceId: c.deviceId, userInputCode: c.userInputCode })).status;

async function passwordlessUser(tenantId: string, email: string): Promise<string> {
  const c = await createCode(tenantId, { email });
  const body = ok<{ status: string; user: { id: string } }>(
    await post(`/${tenantId}/recipe/signinup/code/consume`, { preAuthSessionId: c.preAuthSessionId, deviceId: c.deviceId, userInputCode: c.userInputCode }),
  );
  expect(body.status).toBe("OK");
  return body.user.id;
}

describe("an id that is both a SuperTokens user and another user's external id", () => {
  // Such pairs are removed again (the mapped user first, so the other id is then its own): a
  // page of users holding both makes Core 11.4.7's user listing fail ("Found a bug!", 500), which
  // would break the other tests on a shared Core.
  const pairs: { mapped: string; other: string }[] = [];
  afterAll(async () => {
    for (const { mapped, other } of pairs) {
      for (const userId of [mapped, other]) expect(ok(await post("/user/remove", { userId }))).toEqual({ status: "OK" });
    }
  });

  async function pair(): Promise<{ mapped: string; other: string; otherEmail: string; mappedEmail: string }> {
    const mappedEmail = uniqueEmail("any-mapped");
    const otherEmail = uniqueEmail("any-other");
    const mapped = await rawSignUp(core, mappedEmail);
    const other = await rawSignUp(core, otherEmail);
    // `other`'s own id becomes `mapped`'s external id (force: it is a SuperTokens user id).
    expect(ok(await post("/recipe/userid/map", { superTokensUserId: mapped, externalUserId: other, force: true }))).toEqual({ status: "OK" });
    pairs.push({ mapped, other });
    return { mapped, other, otherEmail, mappedEmail };
  }

  it("GET /user/id answers the mapped user under that id", async () => {
    const { other, mappedEmail } = await pair();
    const body = ok<{ status: string; user: { id: string; emails: string[] } }>(await raw(core, "/user/id", { query: { userId: other } }));
    expect(body.user).toMatchObject({ id: other, emails: [mappedEmail] });
  });

  it("tenant association and disassociation act on the mapped user", async () => {
    const t = await createTenant(core, uniq("t"));
    tenants.push(t);
    const { other, mapped } = await pair();
    expect(ok(await post(`/${t}/recipe/multitenancy/tenant/user`, { recipeUserId: mapped }))).toMatchObject({ status: "OK", wasAlreadyAssociated: false });
    expect(ok(await post(`/${t}/recipe/multitenancy/tenant/user/remove`, { recipeUserId: other }))).toEqual({ status: "OK", wasAssociated: true });
    const user = ok<{ user: { tenantIds: string[] } }>(await raw(core, "/user/id", { query: { userId: mapped } })).user;
    expect(user.tenantIds).toEqual(["public"]);
  });

  it("a mapping of the id as a SuperTokens id wins over one naming it as an external id", async () => {
    const { other, otherEmail } = await pair();
    const ext = uniq("ext");
    expect(ok(await post("/recipe/userid/map", { superTokensUserId: other, externalUserId: ext, force: true }))).toEqual({ status: "OK" });
    const body = ok<{ user: { id: string; emails: string[] } }>(await raw(core, "/user/id", { query: { userId: other } }));
    expect(body.user).toMatchObject({ id: ext, emails: [otherEmail] });
  });
});

describe("changing a Passwordless user's contact drops the codes of the old and the new one", () => {
  it("a code sent to the new email before the change no longer signs in", async () => {
    const userId = await passwordlessUser("public", uniqueEmail("pl-old"));
    const newEmail = uniqueEmail("pl-new");
    const pending = await createCode("public", { email: newEmail });
    expect(ok(await raw(core, "/recipe/user", { method: "PUT", body: { recipeUserId: userId, email: newEmail }, headers: { rid: "passwordless" } }))).toEqual({ status: "OK" });
    expect(await consume("public", pending)).toBe("RESTART_FLOW_ERROR");
  });

  it("so does a code sent to the new phone number, and one sent to the old email", async () => {
    const oldEmail = uniqueEmail("pl-old2");
    const userId = await passwordlessUser("public", oldEmail);
    const phoneNumber = uniquePhone();
    const toPhone = await createCode("public", { phoneNumber });
    const toOldEmail = await createCode("public", { email: oldEmail });
    expect(ok(await raw(core, "/recipe/user", { method: "PUT", body: { recipeUserId: userId, email: uniqueEmail("pl-new2"), phoneNumber }, headers: { rid: "passwordless" } }))).toEqual({ status: "OK" });
    expect(await consume("public", toPhone)).toBe("RESTART_FLOW_ERROR");
    expect(await consume("public", toOldEmail)).toBe("RESTART_FLOW_ERROR");
  });

  it("only in the user's tenants: a code for the new email in another tenant still works", async () => {
    const t = await createTenant(core, uniq("t"), { firstFactors: ["otp-email", "link-email"] });
    tenants.push(t);
    const userId = await passwordlessUser("public", uniqueEmail("pl-old3"));
    const newEmail = uniqueEmail("pl-new3");
    const elsewhere = await createCode(t, { email: newEmail });
    expect(ok(await raw(core, "/recipe/user", { method: "PUT", body: { recipeUserId: userId, email: newEmail }, headers: { rid: "passwordless" } }))).toEqual({ status: "OK" });
    expect(await consume(t, elsewhere)).toBe("OK");
  });
});

describe("the password-reset token API", () => {
  it("for an id with data but no user, reads the email (a bad one is a 400) before saying the user is unknown", async () => {
    const dataOnly = unknownUserId();
    const update = await raw(core, "/recipe/user/metadata", { method: "PUT", body: { userId: dataOnly, metadataUpdate: { a: 1 } } });
    expect(update.status).toBe(200);
    expectText(await post("/public/recipe/user/password/reset/token", { userId: dataOnly, email: true }), 400, "Field name 'email' is invalid in JSON input\n");
    expect(ok(await post("/public/recipe/user/password/reset/token", { userId: dataOnly, email: "a@example.com" }))).toEqual({ status: "UNKNOWN_USER_ID_ERROR" });
  });

  it("for an id nothing is stored under, says the user is unknown whatever the email", async () => {
    expect(ok(await post("/public/recipe/user/password/reset/token", { userId: unknownUserId(), email: true }))).toEqual({ status: "UNKNOWN_USER_ID_ERROR" });
  });
});
