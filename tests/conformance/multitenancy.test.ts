/**
 * Multitenancy conformance through supertokens-node.
 * Expected behaviour: shared/core-fixtures (README "Multitenancy", exchanges mt.*, fail.unknownTenantInPath).
 * Runs against a Core with multitenancy enabled (the embedded core, or a licensed / in-memory real Core).
 */
import { randomUUID } from "node:crypto";
import supertokens from "supertokens-node";
import EmailPassword from "supertokens-node/recipe/emailpassword";
import Multitenancy from "supertokens-node/recipe/multitenancy";
import UserRoles from "supertokens-node/recipe/userroles";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestCore, type TestCore } from "../support/core.ts";
import { initSdk } from "../support/sdk.ts";

let core: TestCore;
const run = randomUUID().slice(0, 8);
let counter = 0;
const uniq = (prefix: string): string => `${prefix}-${run}-${++counter}`;
const PASSWORD = "Password123!";
const createdTenants = new Set<string>();

beforeAll(async () => {
  core = await startTestCore();
  initSdk(core.url, core.apiKey);
});

afterAll(async () => {
  try {
    for (const t of createdTenants) await Multitenancy.deleteTenant(t);
  } finally {
    await core?.close();
  }
});

const coreError = (method: string, path: string, status: number, text: string): string =>
  `SuperTokens core threw an error for a ${method} request to path: '${path}' with status code: ${status} and message: ${text}\n`;

const tenantNotFound = (tenantId: string): string =>
  `AppId or tenantId not found => Tenant with the following connectionURIDomain, appId and tenantId combination not found: (, public, ${tenantId})`;

/** Tenant ids: letters, numbers and hyphens only. */
async function newTenant(config: Parameters<typeof Multitenancy.createOrUpdateTenant>[1] = {}): Promise<string> {
  const tenantId = uniq("t");
  expect(await Multitenancy.createOrUpdateTenant(tenantId, config)).toEqual({ status: "OK", createdNew: true });
  createdTenants.add(tenantId);
  return tenantId;
}

async function signUp(tenantId: string, email = `${uniq("tenantuser")}@example.com`) {
  const res = await EmailPassword.signUp(tenantId, email, PASSWORD);
  if (res.status !== "OK") throw new Error(`signUp in ${tenantId} failed: ${res.status}`);
  return { email, id: res.user.id, recipeUserId: res.recipeUserId, user: res.user };
}

describe("tenants", () => {
  it("createOrUpdateTenant: createdNew true, then false; getTenant shows the update", async () => {
    const tenantId = uniq("t");
    expect(
      await Multitenancy.createOrUpdateTenant(tenantId, { firstFactors: ["emailpassword", "otp-email"] }),
    ).toEqual({ status: "OK", createdNew: true });
    createdTenants.add(tenantId);
    expect(
      await Multitenancy.createOrUpdateTenant(tenantId, {
        firstFactors: ["emailpassword"],
        coreConfig: { password_reset_token_lifetime: 7200000 },
      }),
    ).toEqual({ status: "OK", createdNew: false });

    expect(await Multitenancy.getTenant(tenantId)).toEqual({
      status: "OK",
      tenantId,
      thirdParty: { providers: [] },
      firstFactors: ["emailpassword"],
      coreConfig: { password_reset_token_lifetime: 7200000 },
    });
  });

  it("an invalid tenant id gives 400 'tenantId can only contain letters, numbers and hyphens'", async () => {
    await expect(Multitenancy.createOrUpdateTenant(`bad_tenant_${run}`)).rejects.toThrow(
      coreError(
        "PUT",
        "/recipe/multitenancy/tenant/v2",
        400,
        "tenantId can only contain letters, numbers and hyphens",
      ),
    );
  });

  it("getTenant of an unknown tenant is undefined (core: TENANT_NOT_FOUND_ERROR)", async () => {
    expect(await Multitenancy.getTenant(uniq("nope"))).toBeUndefined();
  });

  it("getTenant of public", async () => {
    const pub = await Multitenancy.getTenant("public");
    expect(pub).toMatchObject({ status: "OK", tenantId: "public", thirdParty: { providers: expect.any(Array) } });
  });

  it("listAllTenants lists public and the created tenants", async () => {
    const tenantId = await newTenant({ firstFactors: ["emailpassword"] });
    const res = await Multitenancy.listAllTenants();
    expect(res.status).toBe("OK");
    const pub = res.tenants.find((t) => t.tenantId === "public");
    expect(pub).toMatchObject({ tenantId: "public", thirdParty: { providers: expect.any(Array) } });
    expect(res.tenants.find((t) => t.tenantId === tenantId)).toEqual({
      tenantId,
      thirdParty: { providers: [] },
      firstFactors: ["emailpassword"],
      coreConfig: {},
    });
  });

  it("deleteTenant: didExist true, then false; users of the tenant survive with tenantIds []", async () => {
    const tenantId = await newTenant({ firstFactors: ["emailpassword"] });
    const u = await signUp(tenantId);
    expect(u.user.tenantIds).toEqual([tenantId]);

    expect(await Multitenancy.deleteTenant(tenantId)).toEqual({ status: "OK", didExist: true });
    createdTenants.delete(tenantId);
    expect(await Multitenancy.deleteTenant(tenantId)).toEqual({ status: "OK", didExist: false });
    expect(await Multitenancy.getTenant(tenantId)).toBeUndefined();
    expect((await Multitenancy.listAllTenants()).tenants.map((t) => t.tenantId)).not.toContain(tenantId);

    const user = await supertokens.getUser(u.id);
    expect(user).toBeDefined();
    expect(user?.id).toBe(u.id);
    expect(user?.tenantIds).toEqual([]);
    expect(user?.loginMethods[0]?.tenantIds).toEqual([]);
    expect(user?.emails).toEqual([u.email]);
  });

  it("a deleted tenant's user keeps its other tenants", async () => {
    const tenantId = await newTenant();
    const u = await signUp("public");
    expect(await Multitenancy.associateUserToTenant(tenantId, u.recipeUserId)).toEqual({
      status: "OK",
      wasAlreadyAssociated: false,
    });
    expect(await Multitenancy.deleteTenant(tenantId)).toEqual({ status: "OK", didExist: true });
    createdTenants.delete(tenantId);
    expect((await supertokens.getUser(u.id))?.tenantIds).toEqual(["public"]);
  });
});

describe("users and tenants", () => {
  it("a user signed up in a tenant cannot sign in in public; the same email may sign up in public", async () => {
    const tenantId = await newTenant({ firstFactors: ["emailpassword"] });
    const email = `${uniq("tenantuser")}@example.com`;
    const inTenant = await signUp(tenantId, email);
    expect(inTenant.user.tenantIds).toEqual([tenantId]);
    expect(inTenant.user.loginMethods[0]?.tenantIds).toEqual([tenantId]);

    expect(await EmailPassword.signIn("public", email, PASSWORD)).toEqual({ status: "WRONG_CREDENTIALS_ERROR" });
    const signedIn = await EmailPassword.signIn(tenantId, email, PASSWORD);
    expect(signedIn.status).toBe("OK");
    expect(signedIn.status === "OK" && signedIn.user.id).toBe(inTenant.id);

    const inPublic = await signUp("public", email);
    expect(inPublic.id).not.toBe(inTenant.id);
    expect(inPublic.user.tenantIds).toEqual(["public"]);
    // Signing up again in the tenant is still a conflict there.
    expect(await EmailPassword.signUp(tenantId, email, PASSWORD)).toEqual({ status: "EMAIL_ALREADY_EXISTS_ERROR" });
  });

  it("associateUserToTenant: wasAlreadyAssociated false, then true; the user gains the tenant", async () => {
    const tenantId = await newTenant();
    const u = await signUp("public");
    expect(await Multitenancy.associateUserToTenant(tenantId, u.recipeUserId)).toEqual({
      status: "OK",
      wasAlreadyAssociated: false,
    });
    expect(await Multitenancy.associateUserToTenant(tenantId, u.recipeUserId)).toEqual({
      status: "OK",
      wasAlreadyAssociated: true,
    });
    const user = await supertokens.getUser(u.id);
    expect([...(user?.tenantIds ?? [])].sort()).toEqual(["public", tenantId].sort());
    expect([...(user?.loginMethods[0]?.tenantIds ?? [])].sort()).toEqual(["public", tenantId].sort());
    // Now the user can sign in in the tenant.
    const signedIn = await EmailPassword.signIn(tenantId, u.email, PASSWORD);
    expect(signedIn.status === "OK" && signedIn.user.id).toBe(u.id);
  });

  it("associateUserToTenant of an unknown user gives UNKNOWN_USER_ID_ERROR", async () => {
    const tenantId = await newTenant();
    expect(
      await Multitenancy.associateUserToTenant(tenantId, supertokens.convertToRecipeUserId(randomUUID())),
    ).toEqual({ status: "UNKNOWN_USER_ID_ERROR" });
  });

  it("associateUserToTenant with an email already used in the target tenant gives EMAIL_ALREADY_EXISTS_ERROR", async () => {
    const tenantId = await newTenant({ firstFactors: ["emailpassword"] });
    const email = `${uniq("conflict")}@example.com`;
    await signUp(tenantId, email);
    const inPublic = await signUp("public", email);
    expect(await Multitenancy.associateUserToTenant(tenantId, inPublic.recipeUserId)).toEqual({
      status: "EMAIL_ALREADY_EXISTS_ERROR",
    });
    expect((await supertokens.getUser(inPublic.id))?.tenantIds).toEqual(["public"]);
  });

  it("associateUserToTenant with an unknown tenant fails with the core's 'AppId or tenantId not found'", async () => {
    const u = await signUp("public");
    const missing = uniq("nope");
    await expect(Multitenancy.associateUserToTenant(missing, u.recipeUserId)).rejects.toThrow(
      coreError("POST", `/${missing}/recipe/multitenancy/tenant/user`, 400, tenantNotFound(missing)),
    );
  });

  it("disassociateUserFromTenant: wasAssociated true, then false", async () => {
    const tenantId = await newTenant();
    const u = await signUp("public");
    await Multitenancy.associateUserToTenant(tenantId, u.recipeUserId);
    expect(await Multitenancy.disassociateUserFromTenant(tenantId, u.recipeUserId)).toEqual({
      status: "OK",
      wasAssociated: true,
    });
    expect(await Multitenancy.disassociateUserFromTenant(tenantId, u.recipeUserId)).toEqual({
      status: "OK",
      wasAssociated: false,
    });
    expect((await supertokens.getUser(u.id))?.tenantIds).toEqual(["public"]);
    expect(await EmailPassword.signIn(tenantId, u.email, PASSWORD)).toEqual({ status: "WRONG_CREDENTIALS_ERROR" });
  });

  it("a user's tenantIds come back in the Core's order (a Java HashSet's), not sorted or in joining order", async () => {
    // Fixed ids (so the expected order is fixed): "tids-k26", "tids-k8" and "tids-k15" share a
    // hash bucket with each other, and within it the Core lists them sorted.
    const ids = ["tids-k26", "tids-k8", "tids-zeta", "tids-k15", "tids-b"];
    for (const t of ids) {
      expect((await Multitenancy.createOrUpdateTenant(t, {})).status).toBe("OK");
      createdTenants.add(t);
    }
    const u = await signUp("public");
    for (const t of ids) expect((await Multitenancy.associateUserToTenant(t, u.recipeUserId)).status).toBe("OK");
    const expected = ["tids-b", "tids-k15", "tids-k26", "tids-k8", "public", "tids-zeta"];
    const user = await supertokens.getUser(u.id);
    expect(user?.tenantIds).toEqual(expected);
    expect(user?.loginMethods[0]?.tenantIds).toEqual(expected);
    const signedIn = await EmailPassword.signIn("public", u.email, PASSWORD);
    expect(signedIn.status === "OK" && signedIn.user.tenantIds).toEqual(expected);
  });

  it("getUserCount counts the users of one tenant", async () => {
    const tenantId = await newTenant({ firstFactors: ["emailpassword"] });
    expect(await supertokens.getUserCount(undefined, tenantId)).toBe(0);
    await signUp(tenantId);
    await signUp(tenantId);
    expect(await supertokens.getUserCount(undefined, tenantId)).toBe(2);
    expect(await supertokens.getUserCount(["emailpassword"], tenantId)).toBe(2);
    expect(await supertokens.getUserCount(["passwordless"], tenantId)).toBe(0);

    const u = await signUp("public");
    await Multitenancy.associateUserToTenant(tenantId, u.recipeUserId);
    expect(await supertokens.getUserCount(undefined, tenantId)).toBe(3);
    await Multitenancy.disassociateUserFromTenant(tenantId, u.recipeUserId);
    expect(await supertokens.getUserCount(undefined, tenantId)).toBe(2);
  });

  it("an unknown tenant in the path gives 400 'AppId or tenantId not found'", async () => {
    const missing = uniq("nosuchtenant");
    await expect(supertokens.getUserCount(undefined, missing)).rejects.toThrow(
      coreError("GET", `/${missing}/users/count`, 400, tenantNotFound(missing)),
    );
  });

  it("roles are per tenant", async () => {
    const tenantId = await newTenant();
    const role = uniq("member");
    await UserRoles.createNewRoleOrAddPermissions(role, []);
    const u = await signUp("public");
    await Multitenancy.associateUserToTenant(tenantId, u.recipeUserId);

    expect(await UserRoles.addRoleToUser(tenantId, u.id, role)).toEqual({ status: "OK", didUserAlreadyHaveRole: false });
    expect(await UserRoles.getRolesForUser(tenantId, u.id)).toEqual({ status: "OK", roles: [role] });
    expect(await UserRoles.getRolesForUser("public", u.id)).toEqual({ status: "OK", roles: [] });
    expect(await UserRoles.getUsersThatHaveRole("public", role)).toEqual({ status: "OK", users: [] });
  });
});
