/**
 * Bulk import, the staged users: GET /bulk-import/users (newest first, status filter, limit,
 * pagination token), GET /bulk-import/users/count and POST /bulk-import/users/remove, as Core
 * 11.4.7 on PostgreSQL answers them. On a shared real Core other staged users may be listed too,
 * so the tests look at their own; its background task (every 5 minutes) may take them while a
 * test runs, hence one retry there.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { startTestCore, type TestCore } from "../support/core.ts";
import { embedded, expectCountChange, json, raw } from "./helpers.ts";
import { epUser, listAll, stageOk, stagedIds, unstage, describeBulkImport } from "./bulk-import-helpers.ts";
import { expectText, ok } from "./rule-helpers.ts";

let core: TestCore;
const toRemove: string[] = [];
const retry = embedded ? 0 : 1;

beforeAll(async () => {
  core = await startTestCore({ multitenancyLicensed: false });
});

afterAll(async () => {
  if (core) await unstage(core, toRemove);
  await core?.close();
});

async function stageSome(n: number): Promise<string[]> {
  const ids: string[] = [];
  // One request per user, so each has its own created_at.
  for (let i = 0; i < n; i++) ids.push(...stagedIds(await stageOk(core, [epUser()])));
  toRemove.push(...ids);
  return ids;
}

const count = async (status?: string): Promise<number> =>
  ok<{ count: number }>(await raw(core, "/bulk-import/users/count", { query: status ? { status } : {} })).count;

describeBulkImport("GET /bulk-import/users", () => {
  it("lists newest first (created_at, then id, descending); the token names the next page's first user", { retry }, async () => {
    const mine = new Set(await stageSome(3));
    const all = await listAll(core);
    for (let i = 1; i < all.length; i++) {
      const [a, b] = [all[i - 1], all[i]];
      if (!a || !b) continue;
      expect(a.createdAt > b.createdAt || (a.createdAt === b.createdAt && a.id > b.id)).toBe(true);
    }
    // Paging one at a time gives the same order, each page's token naming the next page's user.
    const paged: string[] = [];
    let token: string | undefined;
    let guard = 0;
    do {
      const res = await raw(core, "/bulk-import/users", { query: { limit: "1", ...(token ? { paginationToken: token } : {}) } });
      const page = json<{ status: string; users: { id: string; createdAt: number }[]; nextPaginationToken?: string }>(res);
      expect(page.status).toBe("OK");
      expect(page.users.length).toBeLessThanOrEqual(1);
      paged.push(...page.users.map((u) => u.id));
      const next = all[paged.length];
      if (page.nextPaginationToken) expect(Buffer.from(page.nextPaginationToken, "base64").toString()).toBe(`${next?.id};${next?.createdAt}`);
      else expect(next).toBeUndefined();
      token = page.nextPaginationToken;
    } while (token && ++guard < 1000);
    expect(paged).toEqual(all.map((u) => u.id));
    expect(paged.filter((id) => mine.has(id))).toHaveLength(3);
  });

  it("the answer's keys: status, users and, when there is more, nextPaginationToken", { retry }, async () => {
    await stageSome(2);
    const res = await raw(core, "/bulk-import/users", { query: { limit: "1" } });
    expect(Object.keys(json(res))).toEqual(["status", "users", "nextPaginationToken"]);
    const last = await raw(core, "/bulk-import/users", { query: { limit: "500", status: "NEW" } });
    if (json<{ users: unknown[] }>(last).users.length < 500) expect(Object.keys(json(last))).toEqual(["status", "users"]);
  });

  it("filters by status", { retry }, async () => {
    const ids = await stageSome(1);
    const onlyNew = await listAll(core, "NEW");
    expect(onlyNew.every((u) => u.status === "NEW")).toBe(true);
    expect(onlyNew.map((u) => u.id)).toContain(ids[0]);
    expect((await listAll(core, "FAILED")).map((u) => u.id)).not.toContain(ids[0]);
    expect((await listAll(core, "PROCESSING")).map((u) => u.id)).not.toContain(ids[0]);
  });

  it("a token that reads but names no staged user pages from that point on", async () => {
    const far = Buffer.from(`zzzz;${Date.now() + 10 ** 9}`).toString("base64");
    const first = json<{ users: { id: string }[] }>(await raw(core, "/bulk-import/users", { query: { limit: "5" } }));
    const fromFar = json<{ users: { id: string }[] }>(await raw(core, "/bulk-import/users", { query: { limit: "5", paginationToken: far } }));
    expect(fromFar.users.map((u) => u.id)).toEqual(first.users.map((u) => u.id));
    const past = Buffer.from("x;1").toString("base64");
    expect(ok(await raw(core, "/bulk-import/users", { query: { paginationToken: past } }))).toEqual({ status: "OK", users: [] });
  });

  it("limit: 1 to 500, default 100; status: NEW, PROCESSING or FAILED exactly; in that order, before the tenant", async () => {
    const get = (query: Record<string, string>, path = "/bulk-import/users") => raw(core, path, { query });
    expectText(await get({ limit: "0" }), 400, "limit must a positive integer with min value 1\n");
    expectText(await get({ limit: "-3" }), 400, "limit must a positive integer with min value 1\n");
    expectText(await get({ limit: "501" }), 400, "Max limit allowed is 500\n");
    expectText(await get({ limit: "x" }), 400, "Field name 'limit' must be an int in the GET request\n");
    expectText(await get({ limit: "501", status: "x" }), 400, "Max limit allowed is 500\n");
    for (const status of ["new", "", "DONE"]) {
      expectText(await get({ status }), 400, "Invalid value for status. Pass one of NEW, PROCESSING, or FAILED!\n");
    }
    expectText(await get({ status: "x" }, "/t-none/bulk-import/users"), 400, "Invalid value for status. Pass one of NEW, PROCESSING, or FAILED!\n");
    expectText(await get({}, "/t-none/bulk-import/users"), 403, "Only public tenantId can call this app specific API\n");
    const page = json<{ users: unknown[] }>(await get({}));
    expect(page.users.length).toBeLessThanOrEqual(100);
  });

  it("a token that does not read is refused after the tenant check", async () => {
    for (const token of ["abc", "", Buffer.from("x;y").toString("base64"), Buffer.from("x;1;2").toString("base64"), Buffer.from("x").toString("base64")]) {
      expectText(await raw(core, "/bulk-import/users", { query: { paginationToken: token } }), 400, "invalid pagination token\n");
    }
    expectText(await raw(core, "/t-none/bulk-import/users", { query: { paginationToken: "abc" } }), 403, "Only public tenantId can call this app specific API\n");
  });
});

describeBulkImport("GET /bulk-import/users/count", () => {
  it("counts staged users, by status", { retry }, async () => {
    const [all, fresh, failed] = [await count(), await count("NEW"), await count("FAILED")];
    await stageSome(2);
    expectCountChange(all, await count(), 2);
    expectCountChange(fresh, await count("NEW"), 2);
    if (embedded) expect(await count("FAILED")).toBe(failed);
  });

  it("status errors, and the tenant check", async () => {
    expectText(await raw(core, "/bulk-import/users/count", { query: { status: "new" } }), 400, "Invalid value for status. Pass one of NEW, PROCESSING, or FAILED!\n");
    expectText(await raw(core, "/t-none/bulk-import/users/count"), 403, "Only public tenantId can call this app specific API\n");
    // Before CDI 5.0 a tenant in the path of an app-level API is not refused.
    expect(ok(await raw(core, "/t-none/bulk-import/users/count", { cdi: "4.0" }))).toEqual({ status: "OK", count: expect.any(Number) });
  });
});

describeBulkImport("POST /bulk-import/users/remove", () => {
  it("answers the removed and the unknown ids in the order given (no status field)", async () => {
    const [a, b] = await stageSome(2);
    const res = await raw(core, "/bulk-import/users/remove", { method: "POST", body: { ids: [a, "nope", b, "nope", " "] } });
    expect(res.text).toBe(`{"deletedIds":["${a}","${b}"],"invalidIds":["nope","nope"," "]}\n`);
    expect(ok(await raw(core, "/bulk-import/users/remove", { method: "POST", body: { ids: [a] } }))).toEqual({ deletedIds: [], invalidIds: [a] });
  });

  it("an empty list answers before any other check; more than 500, an empty string or a non-string id are refused", async () => {
    expect(ok(await raw(core, "/t-none/bulk-import/users/remove", { method: "POST", body: { ids: [] } }))).toEqual({ deletedIds: [], invalidIds: [] });
    const post = (body: unknown, path = "/bulk-import/users/remove") => raw(core, path, { method: "POST", body });
    expectText(await post({ ids: Array.from({ length: 501 }, (_, i) => i) }), 400, "Field name 'ids' cannot contain more than 500 elements\n");
    expectText(await post({ ids: ["a", ""] }), 400, "Field name 'ids' cannot contain an empty string\n");
    expectText(await post({ ids: ["", 5] }), 400, "Field name 'ids' cannot contain an empty string\n");
    expectText(await post({ ids: [5] }), 400, "Field name 'ids' is invalid in JSON input\n");
    expectText(await post({}), 400, "Field name 'ids' is invalid in JSON input\n");
    expectText(await post({ ids: ["a"] }, "/t-none/bulk-import/users/remove"), 403, "Only public tenantId can call this app specific API\n");
  });
});
