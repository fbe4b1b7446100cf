/**
 * User id mapping and multitenancy rules of the real Core 11.4.7 (source notes §11 "User id
 * mapping", §13 "Multitenancy", §3 tenant-id rules, §5/§14 deleteUser, §15 gotchas 12–14).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import supertokens from "supertokens-node";
import EmailVerification from "supertokens-node/recipe/emailverification";
import { startTestCore, type TestCore } from "../support/core.ts";
import { initSdk } from "../support/sdk.ts";
import { embedded, raw, uniqueEmail } from "./helpers.ts";
import { createTenant, expectText, ok, rawSignUp, removeTenant, uniq } from "./rule-helpers.ts";

let core: TestCore;
const tenants: string[] = [];

beforeAll(async () => {
  core = await startTestCore();
  initSdk(core.url, core.apiKey);
});

afterAll(async () => {
  try {
    for (const t of tenants) await removeTenant(core, t);
  } finally {
    await core?.close();
  }
});

async function tenant(extra: Record<string, unknown> = {}): Promise<string> {
  const t = await createTenant(core, uniq("t"), extra);
  tenants.push(t);
  return t;
}

const put = (path: string, body: unknown) => raw(core, path, { method: "PUT", body });
const post = (path: string, body: unknown) => raw(core, path, { method: "POST", body });
const map = (superTokensUserId: string, externalUserId: string, extra: Record<string, unknown> = {}) =>
  post("/recipe/userid/map", { superTokensUserId, externalUserId, ...extra });

async function verifyEmail(userId: string, email: string): Promise<void> {
  const { token } = ok<{ token: string }>(await post("/public/recipe/user/email/verify/token", { userId, email }));
  expect(ok(await post("/public/recipe/user/email/verify", { method: "token", token }))).toMatchObject({ status: "OK" });
}

const isVerified = async (userId: string, email: string): Promise<boolean> =>
  ok<{ isVerified: boolean }>(await raw(core, "/recipe/user/email/verify", { query: { userId, email } })).isVerified;

async function newRole(): Promise<string> {
  const role = uniq("role");
  expect(ok(await put("/recipe/role", { role, permissions: [] }))).toMatchObject({ status: "OK", createdNewRole: true });
  return role;
}

const rolesOf = async (tenantId: string, userId: string): Promise<string[]> =>
  ok<{ roles: string[] }>(await raw(core, `/${tenantId}/recipe/user/roles`, { query: { userId } })).roles;

describe("creating a mapping over non-auth data (§11 check order, gotcha 12)", () => {
  it("only a verified email: OK, and the verification moves to the external id", async () => {
    const email = uniqueEmail("mt-ev");
    const stId = await rawSignUp(core, email);
    await verifyEmail(stId, email);
    const ext = uniq("ext");
    expect(ok(await map(stId, ext))).toStrictEqual({ status: "OK" });

    expect(await EmailVerification.isEmailVerified(supertokens.convertToRecipeUserId(ext), email)).toBe(true);
    expect(await isVerified(ext, email)).toBe(true);
    expect(await isVerified(stId, email)).toBe(false);
  });

  it("a session (and metadata) on the id: 400 in use in Session (Session is checked first)", async () => {
    const stId = await rawSignUp(core, uniqueEmail("mt-sess"));
    ok(await put("/recipe/user/metadata", { userId: stId, metadataUpdate: { a: 1 } }));
    ok(
      await post("/public/recipe/session", {
        userId: stId,
        enableAntiCsrf: false,
        userDataInJWT: {},
        userDataInDatabase: {},
        useDynamicSigningKey: true,
      }),
    );
    expectText(await map(stId, uniq("ext")), 400, "UserId is already in use in Session recipe\n");
    // Nothing was mapped.
    expect(ok(await raw(core, "/recipe/userid/map", { query: { userId: stId } }))).toStrictEqual({ status: "UNKNOWN_MAPPING_ERROR" });
  });

  it("metadata and roles: UserMetadata comes before UserRoles", async () => {
    const stId = await rawSignUp(core, uniqueEmail("mt-meta"));
    ok(await put("/recipe/user/metadata", { userId: stId, metadataUpdate: { a: 1 } }));
    ok(await put("/public/recipe/user/role", { userId: stId, role: await newRole() }));
    expectText(await map(stId, uniq("ext")), 400, "UserId is already in use in UserMetadata recipe\n");
  });

  it("roles and a verified email: UserRoles (the email exception needs EmailVerification alone)", async () => {
    const email = uniqueEmail("mt-roles");
    const stId = await rawSignUp(core, email);
    await verifyEmail(stId, email);
    ok(await put("/public/recipe/user/role", { userId: stId, role: await newRole() }));
    expectText(await map(stId, uniq("ext")), 400, "UserId is already in use in UserRoles recipe\n");
    expect(await isVerified(stId, email)).toBe(true);
  });
});

describe("mapping input (§11)", () => {
  it("externalUserIdInfo empty (after trimming) is a 400", async () => {
    const stId = await rawSignUp(core, uniqueEmail("mt-info"));
    for (const info of ["", "   "]) {
      expectText(
        await map(stId, uniq("ext"), { externalUserIdInfo: info }),
        400,
        "Field name 'externalUserIdInfo' cannot be an empty String\n",
      );
    }
    expect(ok(await raw(core, "/recipe/userid/map", { query: { userId: stId } }))).toStrictEqual({ status: "UNKNOWN_MAPPING_ERROR" });
  });

  it("PUT external-user-id-info needs the key (null is allowed and removes the info)", async () => {
    const stId = await rawSignUp(core, uniqueEmail("mt-info2"));
    const ext = uniq("ext");
    expect(ok(await map(stId, ext, { externalUserIdInfo: "info" }))).toStrictEqual({ status: "OK" });
    expectText(
      await put("/recipe/userid/external-user-id-info", { userId: ext }),
      400,
      "Field name 'externalUserIdInfo' is invalid in JSON input\n",
    );
    expectText(
      await put("/recipe/userid/external-user-id-info", { userId: ext, externalUserIdInfo: " " }),
      400,
      "Field name 'externalUserIdInfo' cannot be an empty String\n",
    );
    expect(ok(await put("/recipe/userid/external-user-id-info", { userId: ext, externalUserIdInfo: null }))).toStrictEqual({
      status: "OK",
    });
    expect(ok(await raw(core, "/recipe/userid/map", { query: { userId: ext } }))).toStrictEqual({
      status: "OK",
      superTokensUserId: stId,
      externalUserId: ext,
    });
  });
});

describe("tenant ids (§3 normalizeAndValidateTenantId)", () => {
  const create = (tenantId: string, path = "/recipe/multitenancy/tenant/v2") => put(path, { tenantId });

  it("reserved names, any case: Cannot use '<lower-cased>' as a tenantId", async () => {
    expectText(await create("Recipe"), 400, "Cannot use 'recipe' as a tenantId\n");
    expectText(await create(" USERS "), 400, "Cannot use 'users' as a tenantId\n");
  });

  it("an appid- prefix is refused", async () => {
    expectText(await create("appid-x"), 400, "tenantId must not start with 'appid-'\n");
    expectText(await create("AppId-X"), 400, "tenantId must not start with 'appid-'\n");
  });

  it("an empty id is refused", async () => {
    expectText(await create("  "), 400, "tenantId should not be an empty String\n");
  });

  it("an upper-case id is stored lower-cased", async () => {
    const lower = uniq("t");
    expect(ok(await create(lower.toUpperCase()))).toStrictEqual({ status: "OK", createdNew: true });
    tenants.push(lower);
    expect(ok(await create(lower))).toStrictEqual({ status: "OK", createdNew: false });
    const list = ok<{ tenants: Array<{ tenantId: string }> }>(await raw(core, "/recipe/multitenancy/tenant/list/v2"));
    const ids = list.tenants.map((t) => t.tenantId);
    expect(ids).toContain(lower);
    expect(ids).not.toContain(lower.toUpperCase());
  });
});

describe("tenant config and permissions (§13)", () => {
  it("a new tenant without firstFactors shows firstFactors [] in GET tenant/v2", async () => {
    const t = await tenant();
    const res = ok(await raw(core, `/${t}/recipe/multitenancy/tenant/v2`));
    expect(res).toStrictEqual({ tenantId: t, thirdParty: { providers: [] }, firstFactors: [], coreConfig: {}, status: "OK" });
    expect(Object.keys(res)).toEqual(["tenantId", "thirdParty", "firstFactors", "coreConfig", "status"]);
  });

  it("firstFactors come back in the Core's order, not the input's; null removes the key", async () => {
    const t = await tenant({ firstFactors: ["emailpassword", "otp-email"] });
    expect(ok(await raw(core, `/${t}/recipe/multitenancy/tenant/v2`))).toMatchObject({ firstFactors: ["otp-email", "emailpassword"] });
    expect(ok(await put("/recipe/multitenancy/tenant/v2", { tenantId: t, firstFactors: null }))).toStrictEqual({
      status: "OK",
      createdNew: false,
    });
    expect(Object.keys(ok(await raw(core, `/${t}/recipe/multitenancy/tenant/v2`)))).not.toContain("firstFactors");
  });

  it("an unknown tenant is 200 TENANT_NOT_FOUND_ERROR on GET tenant/v2", async () => {
    expect(ok(await raw(core, `/${uniq("nope")}/recipe/multitenancy/tenant/v2`))).toStrictEqual({ status: "TENANT_NOT_FOUND_ERROR" });
  });

  it("the legacy *Enabled keys are refused", async () => {
    const tenantId = uniq("t");
    const cases: Array<[string, string]> = [
      ["emailPasswordEnabled", "emailPasswordEnabled is not a valid input for this API\n"],
      ["thirdPartyEnabled", "thirdParty is not a valid input for this API\n"],
      ["passwordlessEnabled", "passwordless is not a valid input for this API\n"],
    ];
    for (const [key, text] of cases) expectText(await put("/recipe/multitenancy/tenant/v2", { tenantId, [key]: true }), 400, text);
    expect(ok(await raw(core, `/${tenantId}/recipe/multitenancy/tenant/v2`))).toStrictEqual({ status: "TENANT_NOT_FOUND_ERROR" });
  });

  it("removing public is a 403", async () => {
    expectText(
      await post("/recipe/multitenancy/tenant/remove", { tenantId: "public" }),
      403,
      "Cannot delete public tenant, use remove app API instead\n",
    );
  });

  it("listing or removing tenants from a non-public prefix is a 403", async () => {
    const t = await tenant();
    const other = await tenant();
    expectText(
      await raw(core, `/${t}/recipe/multitenancy/tenant/list/v2`),
      403,
      "Only the public tenantId is allowed to list all tenants associated with this app\n",
    );
    expectText(
      await post(`/${t}/recipe/multitenancy/tenant/remove`, { tenantId: other }),
      403,
      "Only the public tenantId is allowed to delete a tenant\n",
    );
  });

  it("creating another tenant from a non-public prefix is a 403; updating itself is fine", async () => {
    const t = await tenant();
    const target = uniq("t");
    tenants.push(target); // cleanup, in case a core creates it anyway
    expectText(
      await put(`/${t}/recipe/multitenancy/tenant/v2`, { tenantId: target }),
      403,
      "You must use the public or same tenant to add/update a tenant\n",
    );
    expect(ok(await put(`/${t}/recipe/multitenancy/tenant/v2`, { tenantId: t, firstFactors: ["emailpassword"] }))).toStrictEqual({
      status: "OK",
      createdNew: false,
    });
  });
});

describe("users, roles and tenants (§13 disassociate, §5/§14 deleteUser, gotcha 14)", () => {
  it("disassociating a user removes their roles in that tenant only", async () => {
    const t = await tenant();
    const userId = await rawSignUp(core, uniqueEmail("mt-dis"));
    const role = await newRole();
    expect(ok(await post(`/${t}/recipe/multitenancy/tenant/user`, { recipeUserId: userId }))).toStrictEqual({
      status: "OK",
      wasAlreadyAssociated: false,
    });
    ok(await put(`/${t}/recipe/user/role`, { userId, role }));
    ok(await put("/public/recipe/user/role", { userId, role }));
    expect(await rolesOf(t, userId)).toEqual([role]);

    expect(ok(await post(`/${t}/recipe/multitenancy/tenant/user/remove`, { recipeUserId: userId }))).toStrictEqual({
      status: "OK",
      wasAssociated: true,
    });
    expect(await rolesOf(t, userId)).toEqual([]);
    expect(await rolesOf("public", userId)).toEqual([role]);

    // Associating again does not bring the role back.
    ok(await post(`/${t}/recipe/multitenancy/tenant/user`, { recipeUserId: userId }));
    expect(await rolesOf(t, userId)).toEqual([]);
  });

  it("disassociating removes the user's sessions in that tenant", async () => {
    const t = await tenant();
    const userId = await rawSignUp(core, uniqueEmail("mt-dis-sess"));
    ok(await post(`/${t}/recipe/multitenancy/tenant/user`, { recipeUserId: userId }));
    const body = { userId, enableAntiCsrf: false, userDataInJWT: {}, userDataInDatabase: {}, useDynamicSigningKey: true };
    const inTenant = ok<{ session: { handle: string } }>(await post(`/${t}/recipe/session`, body));
    const inPublic = ok<{ session: { handle: string } }>(await post("/public/recipe/session", body));
    ok(await post(`/${t}/recipe/multitenancy/tenant/user/remove`, { recipeUserId: userId }));
    const left = ok<{ sessionHandles: string[] }>(await raw(core, "/recipe/session/user", { query: { userId } }));
    expect(left.sessionHandles).toEqual([inPublic.session.handle]);
    expect(left.sessionHandles).not.toContain(inTenant.session.handle);
  });

  it("an id with data but no login method: disassociating is OK, associating is UNKNOWN_USER_ID_ERROR", async () => {
    const t = await tenant();
    const id = uniq("ghost");
    ok(await put("/recipe/user/metadata", { userId: id, metadataUpdate: { keep: true } }));
    expect(ok(await post(`/${t}/recipe/multitenancy/tenant/user`, { recipeUserId: id }))).toStrictEqual({ status: "UNKNOWN_USER_ID_ERROR" });
    // Found through its metadata, which is app-wide: nothing in the tenant to remove.
    expect(ok(await post(`/${t}/recipe/multitenancy/tenant/user/remove`, { recipeUserId: id }))).toStrictEqual({
      status: "OK",
      wasAssociated: false,
    });
    expect(ok(await raw(core, "/recipe/user/metadata", { query: { userId: id } }))).toStrictEqual({ metadata: { keep: true }, status: "OK" });
    // An id nothing knows is unknown.
    expect(ok(await post(`/${t}/recipe/multitenancy/tenant/user/remove`, { recipeUserId: uniq("nobody") }))).toStrictEqual({
      status: "UNKNOWN_USER_ID_ERROR",
    });
  });

  it("disassociating such an id removes its roles and verification tokens in that tenant only", async () => {
    const t = await tenant();
    const id = uniq("ghost");
    const email = uniqueEmail("mt-ghost");
    const role = await newRole();
    ok(await put(`/${t}/recipe/user/role`, { userId: id, role }));
    ok(await put("/public/recipe/user/role", { userId: id, role }));
    const inTenant = ok<{ token: string }>(await post(`/${t}/recipe/user/email/verify/token`, { userId: id, email }));
    const inPublic = ok<{ token: string }>(await post("/public/recipe/user/email/verify/token", { userId: id, email }));

    expect(ok(await post(`/${t}/recipe/multitenancy/tenant/user/remove`, { recipeUserId: id }))).toStrictEqual({
      status: "OK",
      wasAssociated: true,
    });
    expect(await rolesOf(t, id)).toEqual([]);
    expect(await rolesOf("public", id)).toEqual([role]);
    expect(ok(await post(`/${t}/recipe/user/email/verify`, { method: "token", token: inTenant.token }))).toStrictEqual({
      status: "EMAIL_VERIFICATION_INVALID_TOKEN_ERROR",
    });
    expect(ok(await post("/public/recipe/user/email/verify", { method: "token", token: inPublic.token }))).toStrictEqual({
      status: "OK",
      userId: id,
      email,
    });
    // Still found (its public role), now with nothing left in the tenant.
    expect(ok(await post(`/${t}/recipe/multitenancy/tenant/user/remove`, { recipeUserId: id }))).toStrictEqual({
      status: "OK",
      wasAssociated: false,
    });
  });

  it("(dis)associating names the user recipeUserId, or userId before CDI 4.0", async () => {
    const t = await tenant();
    const path = `/${t}/recipe/multitenancy/tenant/user/remove`;
    expectText(await raw(core, path, { method: "POST", body: { userId: "x" } }), 400, "Field name 'recipeUserId' is invalid in JSON input\n");
    expectText(
      await raw(core, path, { method: "POST", body: { recipeUserId: "x" }, cdi: "3.0" }),
      400,
      "Field name 'userId' is invalid in JSON input\n",
    );
    expect(ok(await raw(core, path, { method: "POST", body: { userId: uniq("nobody") }, cdi: "3.0" }))).toStrictEqual({
      status: "UNKNOWN_USER_ID_ERROR",
    });
  });

  it("deleteUser of an id with only metadata and roles deletes nothing", async () => {
    const id = uniq("ghost");
    const role = await newRole();
    ok(await put("/recipe/user/metadata", { userId: id, metadataUpdate: { keep: true } }));
    ok(await put("/public/recipe/user/role", { userId: id, role }));

    expect(ok(await post("/user/remove", { userId: id }))).toStrictEqual({ status: "OK" });
    expect(ok(await raw(core, "/recipe/user/metadata", { query: { userId: id } }))).toStrictEqual({
      metadata: { keep: true },
      status: "OK",
    });
    expect(await rolesOf("public", id)).toEqual([role]);
    // The SDK call behaves the same.
    expect(await supertokens.deleteUser(id)).toEqual({ status: "OK" });
    expect(await rolesOf("public", id)).toEqual([role]);
  });
});

describe.skipIf(!embedded)("without the multi_tenancy feature (§13; embedded only: needs a core started unlicensed)", () => {
  let unlicensed: TestCore;

  beforeAll(async () => {
    unlicensed = await startTestCore({ multitenancyLicensed: false });
  });

  afterAll(async () => {
    await unlicensed?.close();
  });

  it("creating a tenant is a 402", async () => {
    const res = await raw(unlicensed, "/recipe/multitenancy/tenant/v2", { method: "PUT", body: { tenantId: uniq("t") } });
    expectText(
      res,
      402,
      "Cannot use feature: multi_tenancy, because the license key is missing, or doesn't have this feature enabled.\n",
    );
  });

  it("public still works: update, sign-up, count, list", async () => {
    expect(
      ok(await raw(unlicensed, "/recipe/multitenancy/tenant/v2", { method: "PUT", body: { tenantId: "public", coreConfig: {} } })),
    ).toStrictEqual({ status: "OK", createdNew: false });
    await rawSignUp(unlicensed, uniqueEmail("mt-unlicensed"));
    expect(ok(await raw(unlicensed, "/users/count"))).toStrictEqual({ status: "OK", count: 1 });
    const list = ok<{ tenants: Array<{ tenantId: string }> }>(await raw(unlicensed, "/recipe/multitenancy/tenant/list/v2"));
    expect(list.tenants.map((t) => t.tenantId)).toEqual(["public"]);
  });
});
