// @vitest-environment happy-dom
import { cleanup, fireEvent, screen, waitFor } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import { createClient } from "../../shared/contract/client.ts";
import { GatehouseError } from "../../shared/contract/errors.ts";
import { createUsersStore } from "../../renderer/src/stores/users.ts";
import { refreshAfterProfileChange } from "../../renderer/src/app/profileSwitch.ts";
import { fakeTransport, sessionHandlers, userRow } from "./fakeTransport.ts";
import { renderApp } from "./render.tsx";

afterEach(cleanup);

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

/**
 * A search as main answers it: the Core returned `matches` users (capped per sign-in method), and
 * main pages through them with its own tokens, saying where each page starts.
 */
function searchingMain(matches: number, capped: string[]) {
  const all = Array.from({ length: matches }, (_, i) => userRow(i, { emails: [`many.${i}@bulk.test`] }));
  return ({ limit, paginationToken, search }: { limit: number; paginationToken?: string; search?: string }) => {
    if (!search) return { rows: all.slice(0, limit), nextPaginationToken: null };
    const offset = paginationToken ? Number(paginationToken.replace("search:", "")) : 0;
    const rows = all.slice(offset, offset + limit);
    return { rows, nextPaginationToken: offset + limit < all.length ? `search:${offset + limit}` : null, search: { matches, offset, capped } };
  };
}

describe("export", () => {
  it("exports the view on screen: its search and second-factor filter", async () => {
    const transport = fakeTransport({
      "users.list": () => ({ rows: [], nextPaginationToken: null }),
      "users.export": () => ({ csv: "", rows: 0, truncated: false }),
    });
    const store = createUsersStore(createClient(transport));
    await store.getState().setQuery({ search: " ada ", secondFactor: "broken", order: "oldest" });
    await store.getState().exportCsv();
    expect(transport.callsOf("users.export")).toEqual([{ tenantId: "public", order: "oldest", max: 100_000, search: "ada", secondFactor: "broken" }]);
  });
});

describe("a search pages like the list", () => {
  it("keeps the search's page size, pages forward and back with main's tokens, and keeps what main said of the matches", async () => {
    const transport = fakeTransport({ "users.list": searchingMain(60, []) });
    const store = createUsersStore(createClient(transport), { limit: 25 });
    await store.getState().setQuery({ search: "many." });
    expect(store.getState().rows).toHaveLength(25);
    expect(store.getState().search).toEqual({ matches: 60, offset: 0, capped: [] });
    await store.getState().next();
    await store.getState().next();
    expect(ids(store.getState().rows)).toEqual(Array.from({ length: 10 }, (_, i) => `user-${50 + i}`));
    expect(store.getState().search?.offset).toBe(50);
    expect(store.getState().nextToken).toBeNull();
    await store.getState().previous();
    expect(store.getState().search?.offset).toBe(25);
    expect(transport.callsOf("users.list").map((c) => (c as { limit: number }).limit)).toEqual([25, 25, 25, 25]);
    await store.getState().setQuery({ search: "" });
    expect(store.getState().search).toBeNull();
  });

  it("the page shows which users of how many matches, Next works, and says the Core cut the matches and how to narrow", async () => {
    renderApp({ ...sessionHandlers("support"), "users.list": searchingMain(2_000, ["emailpassword", "passwordless"]) });
    await screen.findAllByTestId("user-row");
    fireEvent.change(screen.getByTestId("page-size"), { target: { value: "25" } });
    fireEvent.change(screen.getByTestId("users-search"), { target: { value: "many." } });
    fireEvent.keyDown(screen.getByTestId("users-search"), { key: "Enter" });
    await waitFor(() => expect(screen.getByTestId("users-pager-info").textContent).toContain("users 1–25 of 2,000 matches"));
    const cut = screen.getByTestId("users-search-cut");
    expect(cut.textContent).toContain("at most 1,000 matches per sign-in method");
    expect(cut.textContent).toContain("Email & password and Passwordless each reached that for “many.”: 2,000 shown of more");
    expect(cut.textContent).toContain("Type more of the email or phone number to narrow the search");
    expect((screen.getByTestId("users-next") as HTMLButtonElement).disabled).toBe(false);
    fireEvent.click(screen.getByTestId("users-next"));
    await waitFor(() => expect(screen.getByTestId("users-pager-info").textContent).toContain("Page 2 · users 26–50 of 2,000 matches"));
    expect(screen.getAllByTestId("user-row")[0]?.textContent).toContain("many.25@bulk.test");
  });

  it("says nothing of a cut when the Core returned every match", async () => {
    renderApp({ ...sessionHandlers("support"), "users.list": searchingMain(30, []) });
    await screen.findAllByTestId("user-row");
    fireEvent.change(screen.getByTestId("users-search"), { target: { value: "many." } });
    fireEvent.keyDown(screen.getByTestId("users-search"), { key: "Enter" });
    await waitFor(() => expect(screen.getByTestId("users-pager-info").textContent).toContain("users 1–30 of 30 matches"));
    expect(screen.queryByTestId("users-search-cut")).toBeNull();
  });
});

describe("opening the console", () => {
  it("asks for the first page of users once, and once more after a profile switch", async () => {
    const { transport, stores } = renderApp(sessionHandlers("admin"), "#/users");
    expect((await screen.findAllByTestId("user-row")).length).toBeGreaterThan(0);
    await waitFor(() => expect(stores.tenants.getState().selected).toBe("public"));
    await new Promise((r) => setTimeout(r, 50)); // anything the first load would still start
    expect(transport.callsOf("users.list")).toHaveLength(1);
    await refreshAfterProfileChange(stores);
    await waitFor(() => expect(transport.callsOf("users.list")).toHaveLength(2));
  });
});
