/**
 * GET /users, /users/count and /users/by-accountinfo edge rules of the real Core 11.4.7
 * (source notes §4 "GET /users and GET /users/count", §5 "GET /users/by-accountinfo",
 * §15 gotcha 4): what a search tag switches off, which tables each tag combination searches,
 * strict parameter parsing, the tie-break on equal timeJoined, and the cap of 1,000 matches per
 * recipe (GeneralQueries.getUsers: one "LIMIT 1000" sub-query per recipe table, no token).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import supertokens from "supertokens-node";
import EmailPassword from "supertokens-node/recipe/emailpassword";
import Passwordless from "supertokens-node/recipe/passwordless";
import { mapLimit } from "../../main/services/concurrency.ts";
import { startTestCore, type TestCore } from "../support/core.ts";
import { seedUsers } from "../support/seed-users.ts";
import { initSdk } from "../support/sdk.ts";
import { embedded, emailPrefix, expectCountChange, json, raw, uniqueEmail, uniquePhone } from "./helpers.ts";
import { createTenant, expectText, ok, rawSignUp, removeTenant, uniq } from "./rule-helpers.ts";

/**
 * A real Core on its in-memory database answers 500 SQLITE_LOCKED_SHAREDCACHE when sign-ups
 * collide (its shared-cache SQLite); the failed call changed nothing, so it is sent again.
 */
async function retryLocked<T>(call: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (err) {
      if (attempt >= 8 || !String(err).includes("SQLITE_LOCKED")) throw err;
      await new Promise((r) => setTimeout(r, 50 * attempt));
    }
  }
}

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

describe("a search returns at most 1,000 users per recipe, with no token (GeneralQueries.getUsers, LIMIT 1000 per table)", () => {
  // Over 1,000 matches in each of email-password and Passwordless (by email), and over 1,000
  // Passwordless users by phone. On the embedded core they are written into its database file
  // (signing up 3,000 users over HTTP would take most of a minute); on a real Core, through the SDK.
  const CAPPED = { emailpassword: 1_005, passwordlessEmail: 1_003, passwordlessPhone: 1_002 };
  const tag = uniq("cap").toLowerCase();
  const domain = `${tag}.test`;
  const prefix = `${tag}-`;
  // +1 646 NXX XXXX: an area code no other test here uses, a run-specific exchange.
  const phonePrefix = `+1646${200 + Math.floor(Math.random() * 800)}`;
  let capCore: TestCore;
  let dir: string | undefined;
  const recipeOf = new Map<string, string>();

  beforeAll(async () => {
    const groups = [
      { recipe: "emailpassword" as const, count: CAPPED.emailpassword, emailPrefix: `${prefix}ep`, domain },
      { recipe: "passwordless" as const, count: CAPPED.passwordlessEmail, emailPrefix: `${prefix}pl`, domain },
      { recipe: "passwordless" as const, count: CAPPED.passwordlessPhone, phonePrefix, phoneDigits: 4 },
    ];
    if (embedded) {
      dir = mkdtempSync(join(tmpdir(), "gatehouse-search-cap-"));
      const dbFile = join(dir, "core.sqlite");
      for (const u of seedUsers(dbFile, groups)) recipeOf.set(u.id, u.recipe);
      capCore = await startTestCore({ dbFile });
      initSdk(capCore.url, capCore.apiKey);
    } else {
      capCore = core;
      for (const g of groups) {
        const made = await mapLimit(Array.from({ length: g.count }, (_, i) => i), 8, (i) => retryLocked(async () => {
          if (g.recipe === "emailpassword") {
            const res = await EmailPassword.signUp("public", `${g.emailPrefix}${i}@${domain}`, "Password123!");
            if (res.status !== "OK") throw new Error(res.status);
            return res.user.id;
          }
          const contact = g.phonePrefix !== undefined ? { phoneNumber: `${g.phonePrefix}${String(i).padStart(4, "0")}` } : { email: `${g.emailPrefix}${i}@${domain}` };
          return (await Passwordless.signInUp({ tenantId: "public", ...contact })).user.id;
        }));
        for (const id of made) recipeOf.set(id, g.recipe);
      }
    }
  }, embedded ? 60_000 : 600_000);

  afterAll(async () => {
    if (embedded) {
      await capCore?.close();
      initSdk(core.url, core.apiKey);
      if (dir) rmSync(dir, { recursive: true, force: true });
    }
  });

  const search = (query: Record<string, string>) => users(query, "/public/users", capCore);
  const perRecipe = (page: UsersPage): Record<string, number> => {
    const counts: Record<string, number> = {};
    for (const u of page.users) {
      const recipe = u.loginMethods[0]?.recipeId ?? "?";
      counts[recipe] = (counts[recipe] ?? 0) + 1;
    }
    return counts;
  };

  it("an email prefix with 1,005 email-password and 1,003 Passwordless matches gives 1,000 + 1,000, limit ignored, no token", async () => {
    const queries: Record<string, string>[] = [{ email: prefix }, { email: prefix, limit: "1" }, { email: domain, limit: "25", timeJoinedOrder: "ASC" }];
    for (const query of queries) {
      const page = await search(query);
      expect(perRecipe(page), JSON.stringify(query)).toEqual({ emailpassword: 1000, passwordless: 1000 });
      expect(new Set(ids(page)).size).toBe(2000);
      expect(Object.keys(page)).not.toContain("nextPaginationToken");
      for (const id of ids(page)) expect(recipeOf.has(id)).toBe(true);
    }
  });

  it("the cap is per recipe, not per answer: 1,000 Passwordless plus every one of a few email-password matches", async () => {
    // "<tag>-ep1" matches ep1, ep10–19, ep100–199 and ep1000–1004: 116 email-password users.
    const few = await search({ email: `${prefix}ep1` });
    expect(perRecipe(few)).toEqual({ emailpassword: 116 });
    const both = await search({ email: `${prefix}ep1;${prefix}pl` });
    expect(perRecipe(both)).toEqual({ emailpassword: 116, passwordless: 1000 });
  });

  it("a phone prefix with 1,002 matches gives 1,000 (Passwordless is the only table with phones), no token", async () => {
    const page = await search({ phone: phonePrefix, limit: "10" });
    expect(perRecipe(page)).toEqual({ passwordless: 1000 });
    expect(Object.keys(page)).not.toContain("nextPaginationToken");
    expect(page.users.every((u) => u.phoneNumbers[0]?.startsWith(phonePrefix))).toBe(true);
  });

  it("the capped answer is ordered like a list: by timeJoined (as asked), ties by user id descending", async () => {
    for (const order of ["ASC", "DESC"] as const) {
      const page = await search({ email: prefix, timeJoinedOrder: order });
      const sorted = [...page.users].sort((a, b) => (order === "ASC" ? a.timeJoined - b.timeJoined : b.timeJoined - a.timeJoined) || (a.id < b.id ? 1 : -1));
      expect(ids(page)).toEqual(sorted.map((u) => u.id));
    }
  });

  it.skipIf(!embedded)("the embedded core keeps each recipe's earliest joined matches (the Core leaves the choice to the database)", async () => {
    const page = await search({ email: prefix, timeJoinedOrder: "ASC" });
    const ep = page.users.filter((u) => u.loginMethods[0]?.recipeId === "emailpassword").map((u) => u.emails[0]);
    expect(ep).toEqual(Array.from({ length: 1000 }, (_, i) => `${prefix}ep${i}@${domain}`));
  });
});
