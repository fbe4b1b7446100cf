/**
 * Roles through the dispatcher on the demo data: the list with permissions and holder counts per
 * tenant, create, permission edits, the delete preview and delete, and who holds a role.
 */
import UserRoles from "supertokens-node/recipe/userroles";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_ROLES, buildDemoDataSet } from "../../main/embedded-core/demo/data-set.ts";
import { directCore, expectFailure, plainDemoUsers, startTestGatehouse, type TestGatehouse } from "./helpers/gatehouse.ts";

const demo = buildDemoDataSet();
const holders = (role: string, tenantId: string) =>
  demo.users.filter((u) => u.roles?.some((r) => r.role === role && r.tenantId === tenantId)).map((u) => u.externalId ?? u.row.user_id);

let t: TestGatehouse;

beforeAll(async () => {
  t = await startTestGatehouse();
});

afterAll(async () => {
  await t?.close();
});

const roleRow = async (role: string, tenantId = "public") => (await t.client.invoke("roles.list", { tenantId })).roles.find((r) => r.role === role);

describe("roles", () => {
  it("lists every role, sorted, with its permissions and how many hold it in the tenant", async () => {
    const { roles } = await t.client.invoke("roles.list", { tenantId: "public" });
    expect(roles.map((r) => r.role)).toEqual(["admin", "auditor", "support"]);
    for (const r of roles) {
      const declared = DEMO_ROLES.find((d) => d.role === r.role);
      expect(r.permissions).toEqual([...(declared?.permissions ?? [])].sort());
      expect(r.userCount, r.role).toBe(holders(r.role, "public").length);
    }
    expect(roles.find((r) => r.role === "admin")?.userCount).toBe(3);
    expect(roles.find((r) => r.role === "support")?.userCount).toBe(6);

    const acme = await t.client.invoke("roles.list", { tenantId: "acme" });
    expect(acme.roles.map((r) => [r.role, r.userCount])).toEqual([
      ["admin", 1],
      ["auditor", 0],
      ["support", 0],
    ]);
  });

  it("creates a role; creating it again is a CONFLICT that leaves it as it was", async () => {
    expect(await t.client.invoke("roles.create", { role: "editor", permissions: ["posts:write", "posts:read"] })).toEqual({ created: true });
    expect(await roleRow("editor")).toEqual({ role: "editor", permissions: ["posts:read", "posts:write"], userCount: 0 });

    const error = await expectFailure(t.invoke("roles.create", { role: "editor", permissions: ["everything"] }), "CONFLICT");
    expect(error.message).toContain('"editor"');
    expect((await roleRow("editor"))?.permissions).toEqual(["posts:read", "posts:write"]);

    expect(await t.client.invoke("roles.create", { role: "empty", permissions: [] })).toEqual({ created: true });
    expect(await roleRow("empty")).toEqual({ role: "empty", permissions: [], userCount: 0 });
  });

  it("adds and removes permissions in one edit", async () => {
    await t.client.invoke("roles.create", { role: "reviewer", permissions: ["a", "b"] });
    const edited = await t.client.invoke("roles.setPermissions", { role: "reviewer", add: ["c", "d"], remove: ["a", "not-there"] });
    expect(edited.permissions).toEqual(["b", "c", "d"]);
    expect((await roleRow("reviewer"))?.permissions).toEqual(["b", "c", "d"]);
    expect((await t.client.invoke("roles.setPermissions", { role: "reviewer", add: [], remove: ["b", "c", "d"] })).permissions).toEqual([]);
    await expectFailure(t.invoke("roles.setPermissions", { role: "no-such-role", add: ["x"], remove: [] }), "NOT_FOUND");
    expect((await t.client.invoke("roles.list", { tenantId: "public" })).roles.map((r) => r.role)).not.toContain("no-such-role");
  });

  it("labels the holders of a role with their email or phone, and says when a holder is not a user", async () => {
    const { users } = await t.client.invoke("roles.users", { role: "admin", tenantId: "public" });
    expect(users.map((u) => u.label).sort()).toEqual(["ada.lovelace@example.com", "grace.hopper@example.com", "linus.torvalds@example.com"]);
    expect(users.map((u) => u.id).sort()).toEqual(holders("admin", "public").sort());

    // The Core accepts any string as a role holder; an app backend may have given one.
    await directCore(t.coreUrl).sdk(() => UserRoles.addRoleToUser("public", "service-account-7", "auditor"));
    const auditors = await t.client.invoke("roles.users", { role: "auditor", tenantId: "public" });
    expect(auditors.users).toContainEqual({ id: "service-account-7", label: "service-account-7 (not a user)" });
    expect(auditors.users).toHaveLength(holders("auditor", "public").length + 1);

    expect((await t.client.invoke("roles.users", { role: "support", tenantId: "acme" })).users).toEqual([]);
    await expectFailure(t.invoke("roles.users", { role: "no-such-role", tenantId: "public" }), "NOT_FOUND");
  });

  it("previews a delete per tenant, then deletes the role from everyone", async () => {
    const [user] = await plainDemoUsers(t.client, 1);
    if (!user) throw new Error("no user");
    await t.client.invoke("roles.create", { role: "doomed", permissions: ["p"] });
    await t.client.invoke("users.addRole", { userId: user.id, tenantId: "public", role: "doomed" });
    const acmeUser = demo.users.find((u) => u.tenantIds.includes("acme") && !u.roles);
    if (!acmeUser) throw new Error("no acme user");
    await t.client.invoke("users.addRole", { userId: acmeUser.row.user_id, tenantId: "acme", role: "doomed" });

    const preview = await t.client.invoke("roles.deletePreview", { role: "doomed" });
    expect(preview.byTenant.sort((a, b) => a.tenantId.localeCompare(b.tenantId))).toEqual([
      { tenantId: "acme", users: [acmeUser.row.user_id], labelled: [{ id: acmeUser.row.user_id, label: acmeUser.row.email ?? acmeUser.row.phone_number }] },
      { tenantId: "public", users: [user.id], labelled: [{ id: user.id, label: user.email }] },
    ]);
    const adminPreview = await t.client.invoke("roles.deletePreview", { role: "admin" });
    expect(adminPreview.byTenant.find((x) => x.tenantId === "acme")?.users).toEqual(holders("admin", "acme"));
    expect(adminPreview.byTenant.find((x) => x.tenantId === "public")?.users.sort()).toEqual(holders("admin", "public").sort());
    expect((await t.client.invoke("roles.deletePreview", { role: "auditor" })).byTenant.map((x) => x.tenantId)).toEqual(["public"]);
    await expectFailure(t.invoke("roles.deletePreview", { role: "no-such-role" }), "NOT_FOUND");

    // The users list has seen the role (warm role index) before it goes.
    const row = async () => (await t.client.invoke("users.list", { tenantId: "public", order: "newest", limit: 5, search: user.email })).rows[0];
    expect((await row())?.roles).toEqual(["doomed"]);

    expect(await t.client.invoke("roles.delete", { role: "doomed" })).toEqual({ existed: true });
    expect((await t.client.invoke("roles.list", { tenantId: "public" })).roles.map((r) => r.role)).not.toContain("doomed");
    expect((await t.client.invoke("users.get", { userId: user.id })).rolesByTenant).toEqual({ public: [] });
    expect((await t.client.invoke("users.get", { userId: acmeUser.row.user_id })).rolesByTenant).toEqual({ acme: [] });
    expect((await row())?.roles).toEqual([]);
    expect(await t.client.invoke("roles.delete", { role: "doomed" })).toEqual({ existed: false });
    await expectFailure(t.invoke("roles.deletePreview", { role: "doomed" }), "NOT_FOUND");
  });
});
