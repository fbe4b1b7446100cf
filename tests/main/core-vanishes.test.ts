/**
 * Multi-step changes with the Core vanishing half-way (a TCP fault proxy cuts it at a chosen
 * request, before it reaches the Core or after the Core acted on it, and keeps it down until the
 * test brings it back): allowlists.apply, users.delete, roles.delete. Each time the operator gets
 * a clear error, what the Core holds is checked with raw CDI reads, and the same operation run
 * again once the Core is back finishes the job.
 */
import UserRoles from "supertokens-node/recipe/userroles";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { lockIdFor } from "../../main/services/allowlists/lease.ts";
import { coreReads } from "./helpers/core-reads.ts";
import { startCutProxy, type CutProxy } from "./helpers/cut-proxy.ts";
import { directCore, expectFailure, plainDemoUsers, profileInput, startTestGatehouse, type TestGatehouse } from "./helpers/gatehouse.ts";

let t: TestGatehouse;
let proxy: CutProxy;
let reads: ReturnType<typeof coreReads>;

beforeAll(async () => {
  t = await startTestGatehouse();
  proxy = await startCutProxy(t.coreUrl);
  reads = coreReads(t.coreUrl);
  const profile = await t.client.invoke("profiles.create", profileInput("Through the cut proxy", [proxy.url], { timeoutMs: 3000 }));
  await t.client.invoke("profiles.switch", { id: profile.id });
});

afterAll(async () => {
  await t?.close();
  await proxy?.close();
});

beforeEach(() => proxy.restore());

const CORE_GONE = ["CORE_UNREACHABLE", "TIMEOUT"];

async function failsWhileGone<T>(call: Promise<{ ok: boolean; error?: { code: string; message: string } } & T>): Promise<string> {
  const result = await call;
  expect(result.ok, "the operation failed while the Core was gone").toBe(false);
  expect(CORE_GONE).toContain(result.error?.code);
  expect(result.error?.message).toContain(proxy.url);
  return result.error?.message ?? "";
}

const rawGet = async <T>(path: string, query: Record<string, string>): Promise<T> => {
  const url = new URL(t.coreUrl + path);
  for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
  return (await (await fetch(url, { headers: { "cdi-version": "5.4" } })).json()) as T;
};
const rolesOnCore = async () => (await rawGet<{ roles: string[] }>("/recipe/roles", {})).roles;

describe("allowlists.apply", () => {
  const LIST = "emailAllowList:acme";
  const apply = (add: string[]) => t.invoke("allowlists.apply", { tenantId: "acme", kind: "email", add, remove: [] });
  const listOnCore = async () => ((await reads.metadata(LIST)).allowList as string[] | undefined) ?? [];

  it("Core gone before anything is written: says nothing changed; a retry finishes", async () => {
    const before = await listOnCore();
    const cut = proxy.cutAt({ method: "PUT", path: "/recipe/user/metadata", nth: 1, when: "before" }); // the lease flag
    const message = await failsWhileGone(apply(["first@acme.test"]));
    await cut;
    expect(message).toContain("Nothing was changed.");
    expect(await listOnCore()).toEqual(before);
    proxy.restore();
    expect(await t.client.invoke("allowlists.apply", { tenantId: "acme", kind: "email", add: ["first@acme.test"], remove: [] })).toMatchObject({ added: ["first@acme.test"] });
    expect(await listOnCore()).toEqual([...before, "first@acme.test"]);
  });

  it.each(["before", "after"] as const)("Core gone at the list write (%s it reaches the Core): says it may be saved; a retry finishes without waiting for its own lease", async (when) => {
    const before = await listOnCore();
    const cut = proxy.cutAt({ method: "PUT", path: "/recipe/user/metadata", nth: 2, when }); // 1: lease flag, 2: the list
    const message = await failsWhileGone(apply([`${when}@acme.test`]));
    await cut;
    expect(message).toContain("may or may not be saved");
    expect(message).toContain("applying the same change again is safe");
    // The write is one metadata update: all of it or nothing.
    expect(await listOnCore()).toEqual(when === "before" ? before : [...before, `${when}@acme.test`]);
    expect(Object.keys(await reads.metadata(lockIdFor(LIST))), "the lease flag could not be taken back").toHaveLength(1);

    proxy.restore();
    const seen = proxy.requests.length;
    const retry = await t.client.invoke("allowlists.apply", { tenantId: "acme", kind: "email", add: [`${when}@acme.test`], remove: [] });
    expect(retry).toMatchObject(when === "before" ? { added: [`${when}@acme.test`] } : { added: [], alreadyListed: [`${when}@acme.test`] });
    expect(await listOnCore()).toEqual([...before, `${when}@acme.test`]);
    // One round for the lease (its own leftover flag counts as its own), then the change, then the release.
    const lease = proxy.requests.slice(seen).filter((r) => r.endsWith("/recipe/user/metadata"));
    expect(lease[0]).toBe("PUT /recipe/user/metadata");
    expect(lease[1]).toBe("GET /recipe/user/metadata");
    expect(lease[2], "no second try at the lease").toBe("GET /recipe/user/metadata");
    expect(await reads.metadata(lockIdFor(LIST)), "the leftover flag went with the release").toEqual({});
  });
});

describe("users.delete", () => {
  it("Core gone before the delete reaches it: the user is untouched; a retry deletes", async () => {
    const [user] = await plainDemoUsers(t.client, 1);
    if (!user) throw new Error("no user");
    const cut = proxy.cutAt({ method: "POST", path: "/user/remove", when: "before" });
    await failsWhileGone(t.invoke("users.delete", { userId: user.id, confirm: user.email }));
    await cut;
    expect((await reads.user(user.id))?.emails).toEqual([user.email]);
    proxy.restore();
    expect(await t.client.invoke("users.delete", { userId: user.id, confirm: user.email })).toEqual({ deleted: true });
    expect(await reads.user(user.id)).toBeUndefined();
  });

  it("Core gone after it deleted (the answer lost): the user is gone whole; a retry says so", async () => {
    const [, user] = await plainDemoUsers(t.client, 2);
    if (!user) throw new Error("no user");
    await directCore(t.coreUrl).sdk(() => UserRoles.addRoleToUser("public", user.id, "support"));
    const cut = proxy.cutAt({ method: "POST", path: "/user/remove", when: "after" });
    await failsWhileGone(t.invoke("users.delete", { userId: user.id, confirm: user.email }));
    await cut;
    // The Core deletes a user in one go: user, metadata and roles together.
    expect(await reads.user(user.id)).toBeUndefined();
    expect(await reads.metadata(user.id)).toEqual({});
    expect((await rawGet<{ users: string[] }>("/recipe/role/users", { role: "support" })).users).not.toContain(user.id);
    proxy.restore();
    const again = await expectFailure(t.invoke("users.delete", { userId: user.id, confirm: user.email }), "NOT_FOUND");
    expect(again.message).toBe(`There is no user ${user.id} (any more).`);
  });
});

describe("roles.delete", () => {
  it.each(["before", "after"] as const)("Core gone %s the delete reaches it: a retry finishes", async (when) => {
    const role = `vanishing-${when}`;
    const [user] = await plainDemoUsers(t.client, 1);
    if (!user) throw new Error("no user");
    await t.client.invoke("roles.create", { role, permissions: ["p"] });
    await t.client.invoke("users.addRole", { userId: user.id, tenantId: "public", role });
    const cut = proxy.cutAt({ method: "POST", path: "/recipe/role/remove", when });
    await failsWhileGone(t.invoke("roles.delete", { role }));
    await cut;
    expect((await rolesOnCore()).includes(role)).toBe(when === "before");
    proxy.restore();
    expect(await t.client.invoke("roles.delete", { role })).toEqual({ existed: when === "before" });
    expect(await rolesOnCore()).not.toContain(role);
    expect((await rawGet<{ roles: string[] }>("/recipe/user/roles", { userId: user.id })).roles).not.toContain(role);
  });
});
