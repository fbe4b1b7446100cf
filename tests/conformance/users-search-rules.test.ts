/**
 * GET /users, /users/count and /users/by-accountinfo edge rules of the real Core 11.4.7
 * (source notes §4 "GET /users and GET /users/count", §5 "GET /users/by-accountinfo",
 * §15 gotcha 4): what a search tag switches off, which tables each tag combination searches,
 * strict parameter parsing, and the tie-break on equal timeJoined.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import supertokens from "supertokens-node";
import Passwordless from "supertokens-node/recipe/passwordless";
import { startTestCore, type TestCore } from "../support/core.ts";
import { initSdk } from "../support/sdk.ts";
import { embedded, emailPrefix, expectCountChange, json, raw, uniqueEmail, uniquePhone } from "./helpers.ts";
import { createTenant, expectText, ok, rawSignUp, removeTenant, uniq } from "./rule-helpers.ts";

interface WireUser {
  id: string;
  timeJoined: number;
  emails: string[];
  phoneNumbers: string[];
  loginMethods: Array<{ recipeId: string }>;
}
interface UsersPage {
  status: string;
  users: WireUser[];
  nextPaginationToken?: string;
}

let core: TestCore;
const tenants: string[] = [];

const TAG = "search-rules";
/** ids of this file's users whose email starts with emailPrefix(TAG) */
const tagged: string[] = [];
let plessBoth: { id: string; email: string; phone: string };
let plessEmailOnly: string;
/** A domain only this run uses. */
const domain = `${uniq("dom")}.test`;
const domainUsers: string[] = [];

async function users(query: Record<string, string>, path = "/public/users", c = core): Promise<UsersPage> {
  return ok<UsersPage>(await raw(c, path, { query }));
}

const ids = (page: UsersPage): string[] => page.users.map((u) => u.id);

beforeAll(async () => {
  core = await startTestCore();
  initSdk(core.url, core.apiKey);

  // emailpassword ×2 and passwordless ×2 under the tag prefix; one passwordless also has a phone.
  tagged.push(await rawSignUp(core, uniqueEmail(TAG)));
  const e1 = uniqueEmail(TAG);
  const p1 = uniquePhone();
  const pl1 = await Passwordless.signInUp({ tenantId: "public", email: e1 });
  const upd = await Passwordless.updateUser({ recipeUserId: pl1.recipeUserId, phoneNumber: p1 });
  expect(upd.status).toBe("OK");
  plessBoth = { id: pl1.user.id, email: e1, phone: p1 };
  tagged.push(pl1.user.id);
  tagged.push(await rawSignUp(core, uniqueEmail(TAG)));
  const pl2 = await Passwordless.signInUp({ tenantId: "public", email: uniqueEmail(TAG) });
  plessEmailOnly = pl2.user.id;
  tagged.push(pl2.user.id);

  // Users whose email domain (the text after "@") is unique to this run.
  domainUsers.push(await rawSignUp(core, `alice-${uniq("x")}@${domain}`));
  domainUsers.push((await Passwordless.signInUp({ tenantId: "public", email: `bob-${uniq("x")}@${domain}` })).user.id);
});

afterAll(async () => {
  try {
    for (const t of tenants) await removeTenant(core, t);
  } finally {
    await core?.close();
  }
});

describe("a search tag switches off limit, paging and includeRecipeIds (§4, gotcha 4)", () => {
  it("limit above 500 is accepted with a search tag (400 without one)", async () => {
    const page = await users({ email: emailPrefix(TAG), limit: "1000" });
    expect(new Set(ids(page))).toEqual(new Set(tagged));
    expectText(await raw(core, "/public/users", { query: { limit: "1000" } }), 400, "max limit allowed is 500\n");
  });

  it("limit is ignored: limit=1 still returns every match, with no nextPaginationToken", async () => {
    const page = await users({ email: emailPrefix(TAG), limit: "1" });
    expect(page.users).toHaveLength(tagged.length);
    expect(Object.keys(page)).not.toContain("nextPaginationToken");
  });

  it("includeRecipeIds is ignored: passwordless users come back under includeRecipeIds=emailpassword", async () => {
    const page = await users({ email: emailPrefix(TAG), includeRecipeIds: "emailpassword" });
    expect(new Set(ids(page))).toEqual(new Set(tagged));
    expect(page.users.some((u) => u.loginMethods[0]?.recipeId === "passwordless")).toBe(true);
  });

  it("a well-formed pagination token is ignored; a garbage one is still a 400", async () => {
    const all = await users({ email: emailPrefix(TAG) });
    const first = all.users[0]!;
    const token = Buffer.from(`${first.id};${first.timeJoined}`).toString("base64");
    const withToken = await users({ email: emailPrefix(TAG), paginationToken: token });
    expect(ids(withToken)).toEqual(ids(all));
    expectText(
      await raw(core, "/public/users", { query: { email: emailPrefix(TAG), paginationToken: "garbage!!" } }),
      400,
      "invalid pagination token\n",
    );
  });
});

describe("search matching (§4 search tags)", () => {
  it("email also matches a prefix of the domain (the text right after '@')", async () => {
    expect(new Set(ids(await users({ email: domain })))).toEqual(new Set(domainUsers));
    expect(new Set(ids(await users({ email: domain.slice(0, 8) })))).toEqual(new Set(domainUsers));
  });

  it("a piece from the middle of the domain does not match", async () => {
    expect(ids(await users({ email: domain.slice(2) }))).toEqual([]);
  });

  it("several values split on ';' are OR-ed (and trimmed, lower-cased)", async () => {
    const page = await users({ email: ` ${emailPrefix(TAG).toUpperCase()} ; ${domain} ;` });
    expect(new Set(ids(page))).toEqual(new Set([...tagged, ...domainUsers]));
  });

  it("phone + provider searches nothing: []", async () => {
    expect(await users({ phone: plessBoth.phone, provider: "google" })).toStrictEqual({ status: "OK", users: [] });
  });

  it("email + provider searches thirdparty only: emailpassword and passwordless users are not found", async () => {
    expect(await users({ email: emailPrefix(TAG), provider: "google" })).toStrictEqual({ status: "OK", users: [] });
  });

  it("email + phone searches passwordless users matching both", async () => {
    expect(ids(await users({ email: emailPrefix(TAG), phone: plessBoth.phone }))).toEqual([plessBoth.id]);
    // The other passwordless user (email only) and the emailpassword users do not match.
    expect(ids(await users({ email: emailPrefix(TAG), phone: "+1" }))).toEqual([plessBoth.id]);
    expect(ids(await users({ email: domain, phone: plessBoth.phone }))).toEqual([]);
    expect(tagged).toContain(plessEmailOnly);
  });
});

describe("parameter parsing", () => {
  it("timeJoinedOrder is case-sensitive: asc gives 400", async () => {
    for (const order of ["asc", "desc", "Asc", ""]) {
      expectText(
        await raw(core, "/public/users", { query: { timeJoinedOrder: order } }),
        400,
        "timeJoinedOrder can be either ASC OR DESC\n",
      );
    }
  });

  it("includeRecipeIds is case-insensitive and trimmed", async () => {
    const upper = await users({ includeRecipeIds: " EmailPassword , ", limit: "500" });
    const lower = await users({ includeRecipeIds: "emailpassword", limit: "500" });
    expect(ids(upper)).toEqual(ids(lower));
    for (const u of upper.users) expect(u.loginMethods.map((m) => m.recipeId)).toEqual(["emailpassword"]);
    const count = ok(await raw(core, "/public/users/count", { query: { includeRecipeIds: "PASSWORDLESS" } }));
    expect(count).toStrictEqual(ok(await raw(core, "/public/users/count", { query: { includeRecipeIds: "passwordless" } })));
  });

  it("an unknown recipe id gives 400 Unknown recipe ID: <id> (list and count)", async () => {
    expectText(await raw(core, "/public/users", { query: { includeRecipeIds: "emailpassword,nosuch" } }), 400, "Unknown recipe ID: nosuch\n");
    expectText(await raw(core, "/public/users/count", { query: { includeRecipeIds: "nosuch" } }), 400, "Unknown recipe ID: nosuch\n");
  });

  it("limit below 1 gives 400 (sic)", async () => {
    expectText(await raw(core, "/public/users", { query: { limit: "0" } }), 400, "limit must a positive integer with min value 1\n");
  });

  it("by-accountinfo without doUnionOfAccountInfo gives 400 (missing in GET request)", async () => {
    expectText(
      await raw(core, "/public/users/by-accountinfo", { query: { email: plessBoth.email } }),
      400,
      "Field name 'doUnionOfAccountInfo' is missing in GET request\n",
    );
  });

  it("by-accountinfo with doUnionOfAccountInfo other than exactly true/false gives 400", async () => {
    for (const v of ["TRUE", "yes", "1", ""]) {
      expectText(
        await raw(core, "/public/users/by-accountinfo", { query: { email: plessBoth.email, doUnionOfAccountInfo: v } }),
        400,
        "'doUnionOfAccountInfo' should be either 'true' or 'false'\n",
      );
    }
  });

  it("by-accountinfo with no account info gives users: []", async () => {
    expect(ok(await raw(core, "/public/users/by-accountinfo", { query: { doUnionOfAccountInfo: "true" } }))).toStrictEqual({
      status: "OK",
      users: [],
    });
  });
});

describe("GET /users/count?includeAllTenants (§4)", () => {
  it("TRUE (any case) counts across tenants; other values count the path tenant", async () => {
    const tenantId = await createTenant(core);
    tenants.push(tenantId);
    const count = async (query: Record<string, string>): Promise<number> =>
      json<{ count: number }>(await raw(core, "/public/users/count", { query })).count;

    const allBefore = await count({ includeAllTenants: "TRUE" });
    const publicBefore = await count({ includeAllTenants: "yes" });
    await rawSignUp(core, uniqueEmail("search-tenant"), tenantId);

    expectCountChange(allBefore, await count({ includeAllTenants: "TRUE" }), 1);
    expectCountChange(allBefore, await count({ includeAllTenants: "True" }), 1);
    expect(await count({ includeAllTenants: "TRUE" })).toBe(await count({ includeAllTenants: "true" }));
    // Not "true": tenant-scoped, and the new user is not in public.
    if (embedded) expect(await count({ includeAllTenants: "yes" })).toBe(publicBefore);
    expect(json<{ count: number }>(await raw(core, `/${tenantId}/users/count`, { query: { includeAllTenants: "no" } })).count).toBe(1);
    expect(await supertokens.getUserCount(undefined, tenantId)).toBe(1);
  });
});

const FIXED = Date.UTC(2024, 0, 2, 3, 4, 5, 678);

describe.skipIf(!embedded)("tie-break on equal timeJoined (§4 order; embedded only: needs a core with a fixed clock)", () => {
  let clockCore: TestCore;
  let now = FIXED;
  /** Users joined at FIXED (3) and FIXED + 1000 (3). */
  const early: string[] = [];
  const late: string[] = [];
  const desc = (xs: string[]): string[] => [...xs].sort().reverse();

  beforeAll(async () => {
    clockCore = await startTestCore({ now: () => now });
    for (let i = 0; i < 3; i++) early.push(await rawSignUp(clockCore, uniqueEmail("tie-early")));
    now = FIXED + 1000;
    for (let i = 0; i < 3; i++) late.push(await rawSignUp(clockCore, uniqueEmail("tie-late")));
  });

  afterAll(async () => {
    await clockCore?.close();
  });

  const list = (query: Record<string, string>) => users(query, "/public/users", clockCore);

  it("users of one instant share timeJoined", async () => {
    const all = await list({});
    expect(new Set(all.users.filter((u) => early.includes(u.id)).map((u) => u.timeJoined))).toEqual(new Set([FIXED]));
    expect(new Set(all.users.filter((u) => late.includes(u.id)).map((u) => u.timeJoined))).toEqual(new Set([FIXED + 1000]));
  });

  it("ASC: by time ascending, ties by user id DESC", async () => {
    expect(ids(await list({ timeJoinedOrder: "ASC" }))).toEqual([...desc(early), ...desc(late)]);
    expect(ids(await list({}))).toEqual([...desc(early), ...desc(late)]);
  });

  it("DESC: by time descending, ties by user id DESC too", async () => {
    expect(ids(await list({ timeJoinedOrder: "DESC" }))).toEqual([...desc(late), ...desc(early)]);
  });

  for (const order of ["ASC", "DESC"] as const) {
    it(`${order} pages of 2 across the ties: no gaps, no duplicates, token = base64(<next id>;<timeJoined>)`, async () => {
      const expected = order === "ASC" ? [...desc(early), ...desc(late)] : [...desc(late), ...desc(early)];
      const seen: string[] = [];
      let token: string | undefined;
      for (let page = 0; page < 10; page++) {
        const res = await list({ timeJoinedOrder: order, limit: "2", ...(token ? { paginationToken: token } : {}) });
        seen.push(...ids(res));
        token = res.nextPaginationToken;
        if (token === undefined) break;
        const next = expected[seen.length]!;
        const nextTime = early.includes(next) ? FIXED : FIXED + 1000;
        expect(Buffer.from(token, "base64").toString("utf8")).toBe(`${next};${nextTime}`);
      }
      expect(seen).toEqual(expected);
    });
  }

  it("pages of 1 starting inside a tie keep the id DESC order", async () => {
    const first = await list({ limit: "1" });
    const second = await list({ limit: "1", paginationToken: first.nextPaginationToken! });
    expect([...ids(first), ...ids(second)]).toEqual(desc(early).slice(0, 2));
  });
});
