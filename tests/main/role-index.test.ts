/**
 * The role index answers the same whether it indexes a tenant whole (few holders) or looks the
 * page's users up one by one (roles held widely), and a change through Gatehouse drops it.
 */
import supertokens from "supertokens-node";
import UserRoles from "supertokens-node/recipe/userroles";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CoreClient } from "../../main/core/core-client.ts";
import { startEmbeddedCore, type RunningEmbeddedCore } from "../../main/embedded-core/index.ts";
import { RoleIndex } from "../../main/services/role-index.ts";

let core: RunningEmbeddedCore;
let client: CoreClient;
let users: string[] = [];

beforeAll(async () => {
  core = await startEmbeddedCore({ demo: true });
  client = new CoreClient({ uris: [core.url], apiKey: undefined, timeoutMs: 5000 });
  const page = await client.sdk(() => supertokens.getUsersOldestFirst({ tenantId: "public", limit: 40 }));
  users = page.users.map((u) => u.id);
});
afterAll(() => core?.close());

const expected = async (ids: string[]) =>
  new Map(await client.sdk(() => Promise.all(ids.map(async (id) => [id, (await UserRoles.getRolesForUser("public", id)).roles.sort()] as const))));

describe("role index", () => {
  it("gives every page user their roles, indexing the tenant whole or per user", async () => {
    const truth = await expected(users);
    expect([...truth.values()].some((r) => r.length > 0)).toBe(true); // the demo operators hold roles
    for (const wideHoldings of [1_000, 1]) {
      const index = new RoleIndex(Date.now, { wideHoldings });
      const got = await index.rolesFor(client, "public", users);
      for (const id of users) expect(got.get(id) ?? [], `${id} (wideHoldings ${wideHoldings})`).toEqual(truth.get(id));
    }
  });

  it("keeps answers for 30 s and drops them on invalidate", async () => {
    let clock = 0;
    const index = new RoleIndex(() => clock);
    const [first] = users;
    if (!first) throw new Error("no users");
    expect((await index.rolesFor(client, "public", [first])).get(first) ?? []).not.toContain("auditor");
    await client.sdk(() => UserRoles.addRoleToUser("public", first, "auditor"));
    expect((await index.rolesFor(client, "public", [first])).get(first) ?? []).not.toContain("auditor"); // cached
    index.invalidate();
    expect((await index.rolesFor(client, "public", [first])).get(first)).toContain("auditor");
    await client.sdk(() => UserRoles.removeUserRole("public", first, "auditor"));
    clock += 31_000;
    expect((await index.rolesFor(client, "public", [first])).get(first) ?? []).not.toContain("auditor"); // expired
  });
});
