// @vitest-environment happy-dom
import { describe, expect, it } from "vitest";
import { createClient } from "../../shared/contract/client.ts";
import { GatehouseError } from "../../shared/contract/errors.ts";
import { createUsersStore } from "../../renderer/src/stores/users.ts";
import { fakeTransport, userRow } from "./fakeTransport.ts";

/** A Core of 7 users, paged like the real one: the token names where the next page starts. */
function pagedCore() {
  const all = Array.from({ length: 7 }, (_, i) => userRow(i));
  return fakeTransport({
    "users.list": ({ limit, paginationToken }) => {
      const start = paginationToken ? Number(paginationToken.replace("from-", "")) : 0;
      const rows = all.slice(start, start + limit);
      const next = start + limit < all.length ? `from-${start + limit}` : null;
      return { rows, nextPaginationToken: next };
    },
  });
}

const ids = (rows: { id: string }[]) => rows.map((r) => r.id);

describe("users store paging", () => {
  it("pages forward with the Core's tokens and back with the stack of earlier tokens", async () => {
    const transport = pagedCore();
    const store = createUsersStore(createClient(transport), { limit: 3 });
    await store.getState().setQuery({});
    expect(ids(store.getState().rows)).toEqual(["user-0", "user-1", "user-2"]);
    expect(store.getState().page).toBe(1);

    await store.getState().next();
    expect(ids(store.getState().rows)).toEqual(["user-3", "user-4", "user-5"]);
    expect(store.getState().page).toBe(2);
    await store.getState().next();
    expect(ids(store.getState().rows)).toEqual(["user-6"]);
    expect(store.getState().nextToken).toBeNull();
    expect(store.getState().previousTokens).toEqual([undefined, "from-3"]);

    await store.getState().next(); // no next page: nothing happens
    expect(store.getState().page).toBe(3);

    await store.getState().previous();
    expect(ids(store.getState().rows)).toEqual(["user-3", "user-4", "user-5"]);
    await store.getState().previous();
    expect(ids(store.getState().rows)).toEqual(["user-0", "user-1", "user-2"]);
    expect(store.getState().previousTokens).toEqual([]);
    await store.getState().previous(); // already on page 1
    expect(store.getState().page).toBe(1);

    const tokens = transport.callsOf("users.list").map((i) => (i as { paginationToken?: string }).paginationToken);
    expect(tokens).toEqual([undefined, "from-3", "from-6", "from-3", undefined]);
  });

  it("starts over at page 1 when the query changes, and sends the search", async () => {
    const transport = pagedCore();
    const store = createUsersStore(createClient(transport));
    await store.getState().setQuery({ limit: 3 });
    await store.getState().next();
    await store.getState().setQuery({ order: "oldest", search: " ada@ ", tenantId: "acme" });
    expect(store.getState().page).toBe(1);
    expect(store.getState().previousTokens).toEqual([]);
    expect(transport.callsOf("users.list").at(-1)).toEqual({ tenantId: "acme", order: "oldest", limit: 3, search: "ada@" });
  });

  it("keeps the page and reports the error envelope when a page fails", async () => {
    let fail = false;
    const transport = fakeTransport({
      "users.list": () => {
        if (fail) throw new GatehouseError({ code: "CORE_UNREACHABLE", message: "Core down" });
        return { rows: [userRow(1)], nextPaginationToken: "t2" };
      },
    });
    const store = createUsersStore(createClient(transport));
    await store.getState().setQuery({});
    fail = true;
    await store.getState().next();
    expect(store.getState().status).toBe("error");
    expect(store.getState().error).toEqual({ code: "CORE_UNREACHABLE", message: "Core down" });
    expect(store.getState().page).toBe(1);
    expect(ids(store.getState().rows)).toEqual(["user-1"]);
  });

  it("drops the answer of a superseded request", async () => {
    const resolvers: ((v: { rows: ReturnType<typeof userRow>[]; nextPaginationToken: null }) => void)[] = [];
    const transport = fakeTransport({ "users.list": () => new Promise((resolve) => resolvers.push(resolve)) });
    const store = createUsersStore(createClient(transport));
    const first = store.getState().setQuery({ search: "a" });
    const second = store.getState().setQuery({ search: "ab" });
    await Promise.resolve();
    await Promise.resolve();
    resolvers[1]?.({ rows: [userRow(2)], nextPaginationToken: null });
    await second;
    resolvers[0]?.({ rows: [userRow(1)], nextPaginationToken: null });
    await first;
    expect(ids(store.getState().rows)).toEqual(["user-2"]);
  });
});
