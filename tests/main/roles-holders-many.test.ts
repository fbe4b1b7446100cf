/**
 * A role held by 10,000 users (and a few ids that are no user): its holders come a page at a time,
 * and a page costs one Core call for the holders' ids plus a look-up per holder on the page, never
 * one per holder. Core requests are counted through a proxy in front of the embedded core; the
 * holders are written into its database file, and checked with plain supertokens-node.
 */
import UserRoles from "supertokens-node/recipe/userroles";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { seedRoleHolders, seedUsers } from "../support/seed-users.ts";
import { startRewritingProxy, type Stoppable } from "./helpers/faults.ts";
import { directCore, profileInput, startTestGatehouse, type TestGatehouse } from "./helpers/gatehouse.ts";

const HOLDERS = 10_000;
const NOT_USERS = ["ghost-1", "ghost-2", "ghost-3"];
let t: TestGatehouse;
let proxy: Stoppable;
const requests: string[] = [];
/** Every holder's id as plain supertokens-node lists them, sorted. */
let everyone: string[];

beforeAll(async () => {
  t = await startTestGatehouse({ embeddedCoreInMemory: false });
  await t.client.invoke("roles.create", { role: "member", permissions: ["read"] });
  const dbFile = join(t.dataDir, "embedded-core.sqlite");
  const users = seedUsers(dbFile, [{ recipe: "passwordless", count: HOLDERS, emailPrefix: "holder.", domain: "many.test" }]);
  seedRoleHolders(dbFile, "member", [...users.map((u) => u.id), ...NOT_USERS]);
  const res = await directCore(t.coreUrl).sdk(() => UserRoles.getUsersThatHaveRole("public", "member"));
  if (res.status !== "OK") throw new Error(res.status);
  everyone = [...res.users].sort();
  expect(everyone).toHaveLength(HOLDERS + NOT_USERS.length);

  proxy = await startRewritingProxy(t.coreUrl, (_method, path) => {
    requests.push(path.replace(/^\/public(?=\/)/, ""));
    return undefined;
  });
  const profile = await t.client.invoke("profiles.create", profileInput("Counted", [proxy.url]));
  await t.client.invoke("profiles.switch", { id: profile.id });
}, 60_000);

afterAll(async () => {
  await proxy?.close();
  await t?.close();
});

const count = (path: string) => requests.filter((p) => p === path).length;

it("a page of holders costs one call for the ids and one look-up per holder on the page", async () => {
  requests.length = 0;
  const page = await t.client.invoke("roles.users", { role: "member", tenantId: "public", limit: 100 });
  expect(page.total).toBe(HOLDERS + NOT_USERS.length);
  expect(page.offset).toBe(0);
  expect(page.users.map((u) => u.id)).toEqual(everyone.slice(0, 100));
  for (const u of page.users) expect(u.label).toMatch(/^holder\.\d+@many\.test$/);
  expect(count("/recipe/role/users")).toBe(1);
  expect(count("/user/id")).toBe(100);
});

it("pages follow one another without gaps or overlaps, to the last holder", async () => {
  const second = await t.client.invoke("roles.users", { role: "member", tenantId: "public", offset: 100, limit: 100 });
  expect(second.users.map((u) => u.id)).toEqual(everyone.slice(100, 200));
  const last = await t.client.invoke("roles.users", { role: "member", tenantId: "public", offset: 10_000, limit: 100 });
  expect(last.users.map((u) => u.id)).toEqual(everyone.slice(10_000));
  expect(last.users).toHaveLength(3);
  // The ghosts sort after the UUIDs and say they are not users.
  expect(last.users.map((u) => u.label)).toEqual(NOT_USERS.map((id) => `${id} (not a user)`));
  const beyond = await t.client.invoke("roles.users", { role: "member", tenantId: "public", offset: 20_000, limit: 100 });
  expect(beyond).toEqual({ users: [], total: HOLDERS + NOT_USERS.length, offset: 20_000 });
});

it("without paging arguments it answers the first 100, not every holder", async () => {
  requests.length = 0;
  const page = await t.client.invoke("roles.users", { role: "member", tenantId: "public" });
  expect(page.users).toHaveLength(100);
  expect(count("/user/id")).toBe(100);
});

it("the roles list counts every holder", async () => {
  const { roles } = await t.client.invoke("roles.list", { tenantId: "public" });
  expect(roles.find((r) => r.role === "member")?.userCount).toBe(HOLDERS + NOT_USERS.length);
});
