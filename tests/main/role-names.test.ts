/**
 * Names of roles the console creates: no spaces or list separators (the Core would take them),
 * while roles made elsewhere with such names can still be seen, previewed and deleted. And the
 * delete preview names holders by email or phone, as the holders panel does.
 */
import UserRoles from "supertokens-node/recipe/userroles";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PREVIEW_LABELLED } from "../../main/services/roles.ts";
import { directCore, expectFailure, plainDemoUsers, startTestGatehouse, type TestGatehouse } from "./helpers/gatehouse.ts";

let t: TestGatehouse;

beforeAll(async () => {
  t = await startTestGatehouse();
});

afterAll(async () => {
  await t?.close();
});

const rolesOnCore = async () => (await directCore(t.coreUrl).sdk(() => UserRoles.getAllRoles())).roles;

describe("new role names", () => {
  it.each([
    ["support lead", "no spaces"],
    ["support\tlead", "no spaces"],
    ["a,b", "letters, digits"],
    ["ops;eu", "letters, digits"],
    ["ops|eu", "letters, digits"],
    ['say "hi"', "no spaces"],
    ["x".repeat(101), "at most 100"],
  ])("refuses %j with a field error, and the Core gets no such role", async (role, words) => {
    const error = await expectFailure(t.invoke("roles.create", { role, permissions: [] }), "VALIDATION");
    expect(error.field).toBe("role");
    expect(error.message).toContain(words);
    expect(await rolesOnCore()).not.toContain(role.trim());
  });

  it("takes letters, digits and - _ . : / (trimmed)", async () => {
    for (const role of ["support-lead", "Ops.Team:eu/1", "équipe_2"]) {
      expect(await t.client.invoke("roles.create", { role: ` ${role} `, permissions: [] })).toEqual({ created: true });
    }
    expect(await rolesOnCore()).toEqual(expect.arrayContaining(["support-lead", "Ops.Team:eu/1", "équipe_2"]));
  });

  it("still reaches a role with a space that an app backend created: list, holders, preview, delete", async () => {
    const [user] = await plainDemoUsers(t.client, 1);
    if (!user) throw new Error("no user");
    const core = directCore(t.coreUrl);
    await core.sdk(() => UserRoles.createNewRoleOrAddPermissions("legacy role", ["x"]));
    await core.sdk(() => UserRoles.addRoleToUser("public", user.id, "legacy role"));
    expect((await t.client.invoke("roles.list", { tenantId: "public" })).roles.map((r) => r.role)).toContain("legacy role");
    expect((await t.client.invoke("roles.users", { role: "legacy role", tenantId: "public" })).users).toEqual([{ id: user.id, label: user.email }]);
    expect((await t.client.invoke("roles.deletePreview", { role: "legacy role" })).byTenant).toEqual([
      { tenantId: "public", users: [user.id], labelled: [{ id: user.id, label: user.email }] },
    ]);
    expect(await t.client.invoke("roles.delete", { role: "legacy role" })).toEqual({ existed: true });
    expect(await rolesOnCore()).not.toContain("legacy role");
  });
});

describe("the delete preview", () => {
  it(`labels the first ${PREVIEW_LABELLED} holders of each tenant and counts all of them`, async () => {
    const users = await plainDemoUsers(t.client, PREVIEW_LABELLED + 2);
    const core = directCore(t.coreUrl);
    await t.client.invoke("roles.create", { role: "crowded", permissions: [] });
    for (const u of users) await core.sdk(() => UserRoles.addRoleToUser("public", u.id, "crowded"));
    await core.sdk(() => UserRoles.addRoleToUser("public", "robot-42", "crowded"));

    const [tenant] = (await t.client.invoke("roles.deletePreview", { role: "crowded" })).byTenant;
    expect(tenant?.users).toHaveLength(users.length + 1);
    expect(tenant?.labelled).toHaveLength(PREVIEW_LABELLED);
    const emails = new Map(users.map((u) => [u.id, u.email]));
    for (const { id, label } of tenant?.labelled ?? []) expect(label).toBe(emails.get(id) ?? `${id} (not a user)`);
    expect(tenant?.labelled.map((l) => l.id)).toEqual(tenant?.users.slice(0, PREVIEW_LABELLED));
  });
});
