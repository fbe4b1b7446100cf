/**
 * UserRoles conformance through supertokens-node.
 * Expected behaviour: shared/core-fixtures (README "Roles", exchanges roles.* and mt.roles.*).
 * Most lists are compared as sets; "the order of lists" checks the in-memory Core's order (it reads
 * them off its primary keys, so they come back sorted).
 */
import { randomUUID } from "node:crypto";
import Multitenancy from "supertokens-node/recipe/multitenancy";
import UserRoles from "supertokens-node/recipe/userroles";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestCore, type TestCore } from "../support/core.ts";
import { initSdk } from "../support/sdk.ts";

let core: TestCore;
const run = randomUUID().slice(0, 8);
let counter = 0;
const uniq = (prefix: string): string => `${prefix}-${run}-${++counter}`;
const tenantsToDelete: string[] = [];

beforeAll(async () => {
  core = await startTestCore();
  initSdk(core.url, core.apiKey);
});

afterAll(async () => {
  try {
    for (const t of tenantsToDelete) await Multitenancy.deleteTenant(t);
  } finally {
    await core?.close();
  }
});

const sorted = (xs: readonly string[]): string[] => [...xs].sort();

function expectOk<T extends { status: string }>(r: T): Extract<T, { status: "OK" }> {
  expect(r.status).toBe("OK");
  return r as Extract<T, { status: "OK" }>;
}

async function newRole(permissions: string[] = []): Promise<string> {
  const role = uniq("role");
  expect(await UserRoles.createNewRoleOrAddPermissions(role, permissions)).toEqual({
    status: "OK",
    createdNewRole: true,
  });
  return role;
}

describe("roles and permissions", () => {
  it("createNewRoleOrAddPermissions: createdNewRole true, then false when adding permissions", async () => {
    const role = uniq("admin");
    expect(await UserRoles.createNewRoleOrAddPermissions(role, ["read", "write"])).toEqual({
      status: "OK",
      createdNewRole: true,
    });
    expect(await UserRoles.createNewRoleOrAddPermissions(role, ["delete", "read"])).toEqual({
      status: "OK",
      createdNewRole: false,
    });
    const perms = expectOk(await UserRoles.getPermissionsForRole(role));
    expect(Object.keys(perms).sort()).toEqual(["permissions", "status"]);
    expect(sorted(perms.permissions)).toEqual(["delete", "read", "write"]);
  });

  it("a role can be created without permissions", async () => {
    const role = await newRole([]);
    expect(await UserRoles.getPermissionsForRole(role)).toEqual({ status: "OK", permissions: [] });
    // Re-creating with no permissions is not an error.
    expect(await UserRoles.createNewRoleOrAddPermissions(role, [])).toEqual({ status: "OK", createdNewRole: false });
  });

  it("getPermissionsForRole of an unknown role gives UNKNOWN_ROLE_ERROR", async () => {
    expect(await UserRoles.getPermissionsForRole(uniq("nope"))).toEqual({ status: "UNKNOWN_ROLE_ERROR" });
  });

  it("removePermissionsFromRole removes the listed permissions and ignores unknown ones", async () => {
    const role = await newRole(["delete", "read", "write"]);
    expect(await UserRoles.removePermissionsFromRole(role, ["write", "not-there"])).toEqual({ status: "OK" });
    const perms = expectOk(await UserRoles.getPermissionsForRole(role));
    expect(sorted(perms.permissions)).toEqual(["delete", "read"]);
  });

  it("removePermissionsFromRole of an unknown role gives UNKNOWN_ROLE_ERROR", async () => {
    expect(await UserRoles.removePermissionsFromRole(uniq("nope"), ["read"])).toEqual({ status: "UNKNOWN_ROLE_ERROR" });
  });

  it("getRolesThatHavePermission lists exactly the roles holding the permission", async () => {
    const perm = uniq("perm");
    const r1 = await newRole([perm, "read"]);
    const r2 = await newRole([perm]);
    await newRole(["read"]);
    const res = expectOk(await UserRoles.getRolesThatHavePermission(perm));
    expect(sorted(res.roles)).toEqual(sorted([r1, r2]));
    expect(await UserRoles.getRolesThatHavePermission(uniq("unused-perm"))).toEqual({ status: "OK", roles: [] });
  });

  it("getAllRoles includes the created roles", async () => {
    const r1 = await newRole(["read"]);
    const r2 = await newRole([]);
    const res = expectOk(await UserRoles.getAllRoles());
    expect(res.roles).toEqual(expect.arrayContaining([r1, r2]));
    expect(new Set(res.roles).size).toBe(res.roles.length);
  });

  it("deleteRole: didRoleExist true, then false; the role is gone everywhere", async () => {
    const perm = uniq("perm");
    const role = await newRole([perm]);
    const user = uniq("user");
    expectOk(await UserRoles.addRoleToUser("public", user, role));

    expect(await UserRoles.deleteRole(role)).toEqual({ status: "OK", didRoleExist: true });
    expect(await UserRoles.deleteRole(role)).toEqual({ status: "OK", didRoleExist: false });

    expect(expectOk(await UserRoles.getAllRoles()).roles).not.toContain(role);
    expect(await UserRoles.getPermissionsForRole(role)).toEqual({ status: "UNKNOWN_ROLE_ERROR" });
    expect(await UserRoles.getRolesThatHavePermission(perm)).toEqual({ status: "OK", roles: [] });
    expect(await UserRoles.getRolesForUser("public", user)).toEqual({ status: "OK", roles: [] });
  });

  it("deleteRole of a role that never existed gives didRoleExist false", async () => {
    expect(await UserRoles.deleteRole(uniq("nope"))).toEqual({ status: "OK", didRoleExist: false });
  });
});

describe("roles of users", () => {
  it("addRoleToUser: didUserAlreadyHaveRole false, then true", async () => {
    const role = await newRole(["read"]);
    const user = uniq("user");
    expect(await UserRoles.addRoleToUser("public", user, role)).toEqual({ status: "OK", didUserAlreadyHaveRole: false });
    expect(await UserRoles.addRoleToUser("public", user, role)).toEqual({ status: "OK", didUserAlreadyHaveRole: true });
    expect(await UserRoles.getRolesForUser("public", user)).toEqual({ status: "OK", roles: [role] });
  });

  it("getRolesForUser lists every role of the user", async () => {
    const admin = await newRole(["read", "write"]);
    const member = await newRole([]);
    const user = uniq("user");
    expectOk(await UserRoles.addRoleToUser("public", user, admin));
    expectOk(await UserRoles.addRoleToUser("public", user, member));
    const res = expectOk(await UserRoles.getRolesForUser("public", user));
    expect(Object.keys(res).sort()).toEqual(["roles", "status"]);
    expect(sorted(res.roles)).toEqual(sorted([admin, member]));
  });

  it("getRolesForUser of a user without roles returns []", async () => {
    expect(await UserRoles.getRolesForUser("public", uniq("nobody"))).toEqual({ status: "OK", roles: [] });
  });

  it("any string is a userId: the user does not have to exist", async () => {
    const role = await newRole([]);
    const notAUser = uniq("not-a-user-id");
    expect(await UserRoles.addRoleToUser("public", notAUser, role)).toEqual({
      status: "OK",
      didUserAlreadyHaveRole: false,
    });
    expect(await UserRoles.getRolesForUser("public", notAUser)).toEqual({ status: "OK", roles: [role] });
    expect(await UserRoles.getUsersThatHaveRole("public", role)).toEqual({ status: "OK", users: [notAUser] });
  });

  it("getUsersThatHaveRole lists exactly the users holding the role", async () => {
    const role = await newRole([]);
    const u1 = uniq("user");
    const u2 = uniq("user");
    expect(await UserRoles.getUsersThatHaveRole("public", role)).toEqual({ status: "OK", users: [] });
    expectOk(await UserRoles.addRoleToUser("public", u1, role));
    expectOk(await UserRoles.addRoleToUser("public", u2, role));
    const res = expectOk(await UserRoles.getUsersThatHaveRole("public", role));
    expect(Object.keys(res).sort()).toEqual(["status", "users"]);
    expect(sorted(res.users)).toEqual(sorted([u1, u2]));
  });

  it("removeUserRole: didUserHaveRole true, then false", async () => {
    const role = await newRole([]);
    const other = await newRole([]);
    const user = uniq("user");
    expectOk(await UserRoles.addRoleToUser("public", user, role));
    expectOk(await UserRoles.addRoleToUser("public", user, other));
    expect(await UserRoles.removeUserRole("public", user, role)).toEqual({ status: "OK", didUserHaveRole: true });
    expect(await UserRoles.removeUserRole("public", user, role)).toEqual({ status: "OK", didUserHaveRole: false });
    expect(await UserRoles.getRolesForUser("public", user)).toEqual({ status: "OK", roles: [other] });
    expect(await UserRoles.getUsersThatHaveRole("public", role)).toEqual({ status: "OK", users: [] });
  });

  it("removeUserRole of an existing role the user never had gives didUserHaveRole false", async () => {
    const role = await newRole([]);
    expect(await UserRoles.removeUserRole("public", uniq("user"), role)).toEqual({
      status: "OK",
      didUserHaveRole: false,
    });
  });

  it("an unknown role gives UNKNOWN_ROLE_ERROR for addRoleToUser, removeUserRole and getUsersThatHaveRole", async () => {
    const role = uniq("nope");
    const user = uniq("user");
    expect(await UserRoles.addRoleToUser("public", user, role)).toEqual({ status: "UNKNOWN_ROLE_ERROR" });
    expect(await UserRoles.removeUserRole("public", user, role)).toEqual({ status: "UNKNOWN_ROLE_ERROR" });
    expect(await UserRoles.getUsersThatHaveRole("public", role)).toEqual({ status: "UNKNOWN_ROLE_ERROR" });
    expect(await UserRoles.getRolesForUser("public", user)).toEqual({ status: "OK", roles: [] });
  });
});

describe("roles are per tenant", () => {
  it("a role added to a user in another tenant is not visible in public", async () => {
    const tenant = `roles-${run}`;
    tenantsToDelete.push(tenant);
    expect(await Multitenancy.createOrUpdateTenant(tenant, { firstFactors: ["emailpassword"] })).toEqual({
      status: "OK",
      createdNew: true,
    });
    const role = await newRole(["read"]);
    const user = uniq("user");

    expect(await UserRoles.addRoleToUser(tenant, user, role)).toEqual({ status: "OK", didUserAlreadyHaveRole: false });
    expect(await UserRoles.getRolesForUser(tenant, user)).toEqual({ status: "OK", roles: [role] });
    expect(await UserRoles.getUsersThatHaveRole(tenant, role)).toEqual({ status: "OK", users: [user] });

    expect(await UserRoles.getRolesForUser("public", user)).toEqual({ status: "OK", roles: [] });
    expect(await UserRoles.getUsersThatHaveRole("public", role)).toEqual({ status: "OK", users: [] });
    expect(await UserRoles.removeUserRole("public", user, role)).toEqual({ status: "OK", didUserHaveRole: false });

    // Adding the same role in public is a separate assignment.
    expect(await UserRoles.addRoleToUser("public", user, role)).toEqual({ status: "OK", didUserAlreadyHaveRole: false });
    expect(await UserRoles.removeUserRole(tenant, user, role)).toEqual({ status: "OK", didUserHaveRole: true });
    expect(await UserRoles.getRolesForUser(tenant, user)).toEqual({ status: "OK", roles: [] });
    expect(await UserRoles.getRolesForUser("public", user)).toEqual({ status: "OK", roles: [role] });

    // Roles and their permissions themselves are app-wide.
    expect(expectOk(await UserRoles.getPermissionsForRole(role)).permissions).toEqual(["read"]);
  });
});

describe("the order of lists (the in-memory Core reads them off its primary keys)", () => {
  it("the roles that have a permission come back sorted, not in the order they got it", async () => {
    const perm = uniq("perm");
    const base = uniq("ordered");
    for (const suffix of ["c", "a", "b"]) {
      expectOk(await UserRoles.createNewRoleOrAddPermissions(`${base}-${suffix}`, [perm]));
    }
    expect(await UserRoles.getRolesThatHavePermission(perm)).toEqual({
      status: "OK",
      roles: [`${base}-a`, `${base}-b`, `${base}-c`],
    });
  });

  it("the users of a role come back sorted by user id, not in the order they got it", async () => {
    const role = await newRole([]);
    const base = uniq("holder");
    // Upper case sorts before lower case: the order is by code unit.
    for (const suffix of ["c", "a", "B", "b"]) expectOk(await UserRoles.addRoleToUser("public", `${base}-${suffix}`, role));
    expect(await UserRoles.getUsersThatHaveRole("public", role)).toEqual({
      status: "OK",
      users: [`${base}-B`, `${base}-a`, `${base}-b`, `${base}-c`],
    });
  });

  it("a user's roles and a role's permissions come back sorted", async () => {
    const base = uniq("sorted");
    for (const suffix of ["z", "m", "a"]) expectOk(await UserRoles.createNewRoleOrAddPermissions(`${base}-${suffix}`, ["p-z", "p-a", "p-m"]));
    const user = uniq("user");
    for (const suffix of ["z", "m", "a"]) expectOk(await UserRoles.addRoleToUser("public", user, `${base}-${suffix}`));
    expect(await UserRoles.getRolesForUser("public", user)).toEqual({ status: "OK", roles: [`${base}-a`, `${base}-m`, `${base}-z`] });
    expect(await UserRoles.getPermissionsForRole(`${base}-z`)).toEqual({ status: "OK", permissions: ["p-a", "p-m", "p-z"] });
  });
});
