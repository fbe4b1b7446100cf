/**
 * Users through supertokens-node: counts, listing (order, pagination, filters, search),
 * getUser, listUsersByAccountInfo, deleteUser and the user object's shape
 * (core-fixtures exchanges users.*; search semantics from the Core 11.4.7 sources).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import supertokens from "supertokens-node";
import Passwordless from "supertokens-node/recipe/passwordless";
import EmailPassword from "supertokens-node/recipe/emailpassword";
import { startTestCore, type TestCore } from "../support/core.ts";
import { initSdk } from "../support/sdk.ts";
import { embedded, emailPrefix, expectCountChange, json, raw, uniqueEmail, uniquePhone, unknownUserId } from "./helpers.ts";

type User = Awaited<ReturnType<typeof supertokens.getUsersNewestFirst>>["users"][number];

let core: TestCore;

/** Users this file created, in creation order. */
interface Created {
  id: string;
  recipeId: "passwordless" | "emailpassword";
  email?: string;
  phone?: string;
  timeJoined: number;
}
const created: Created[] = [];
const TAG = "users-list";
let countsBefore: { all: number; pless: number; ep: number; publicOnly: number };

async function signUpPasswordlessEmail(email: string): Promise<string> {
  const res = await Passwordless.signInUp({ tenantId: "public", email });
  expect(res.createdNewRecipeUser).toBe(true);
  created.push({ id: res.user.id, recipeId: "passwordless", email, timeJoined: res.user.timeJoined });
  return res.user.id;
}

async function signUpPasswordlessPhone(phone: string): Promise<string> {
  const res = await Passwordless.signInUp({ tenantId: "public", phoneNumber: phone });
  expect(res.createdNewRecipeUser).toBe(true);
  created.push({ id: res.user.id, recipeId: "passwordless", phone, timeJoined: res.user.timeJoined });
  return res.user.id;
}

async function signUpEmailPassword(email: string): Promise<string> {
  const res = await EmailPassword.signUp("public", email, "Password123!");
  if (res.status !== "OK") throw new Error(`signUp failed: ${res.status}`);
  created.push({ id: res.user.id, recipeId: "emailpassword", email, timeJoined: res.user.timeJoined });
  return res.user.id;
}

/** The created users that have an email with this file's list prefix. */
function listed(): Created[] {
  return created.filter((c) => c.email?.startsWith(emailPrefix(TAG)));
}

/**
 * Ids in the Core's list order: by timeJoined (ASC or DESC), ties by user id descending
 * (ORDER BY time_joined <order>, user_id DESC in the Core 11.4.7 queries).
 */
function inListOrder(users: Created[], order: "ASC" | "DESC"): string[] {
  return [...users]
    .sort((a, b) => {
      if (a.timeJoined !== b.timeJoined) return order === "ASC" ? a.timeJoined - b.timeJoined : b.timeJoined - a.timeJoined;
      return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
    })
    .map((c) => c.id);
}

function expectSortedByTimeJoined(users: User[], order: "ASC" | "DESC") {
  for (let i = 1; i < users.length; i++) {
    const prev = users[i - 1]!.timeJoined;
    const cur = users[i]!.timeJoined;
    if (order === "ASC") expect(cur).toBeGreaterThanOrEqual(prev);
    else expect(cur).toBeLessThanOrEqual(prev);
  }
}

beforeAll(async () => {
  core = await startTestCore();
  initSdk(core.url, core.apiKey);
  countsBefore = {
    all: await supertokens.getUserCount(),
    pless: await supertokens.getUserCount(["passwordless"]),
    ep: await supertokens.getUserCount(["emailpassword"]),
    publicOnly: await supertokens.getUserCount(undefined, "public"),
  };
  // 4 passwordless (email), 3 emailpassword, 2 passwordless (phone), interleaved.
  await signUpPasswordlessEmail(uniqueEmail(TAG));
  await signUpEmailPassword(uniqueEmail(TAG));
  await signUpPasswordlessEmail(uniqueEmail(TAG));
  await signUpPasswordlessPhone(uniquePhone());
  await signUpEmailPassword(uniqueEmail(TAG));
  await signUpPasswordlessEmail(uniqueEmail(TAG));
  await signUpPasswordlessPhone(uniquePhone());
  await signUpEmailPassword(uniqueEmail(TAG));
  await signUpPasswordlessEmail(uniqueEmail(TAG));
});

afterAll(async () => {
  await core?.close();
});

describe("getUserCount", () => {
  it("counts all users across tenants", async () => {
    expectCountChange(countsBefore.all, await supertokens.getUserCount(), 9);
  });

  it("counts by recipe with includeRecipeIds", async () => {
    expectCountChange(countsBefore.pless, await supertokens.getUserCount(["passwordless"]), 6);
    expectCountChange(countsBefore.ep, await supertokens.getUserCount(["emailpassword"]), 3);
    const both = await supertokens.getUserCount(["passwordless", "emailpassword"]);
    expectCountChange(countsBefore.pless + countsBefore.ep, both, 9);
  });

  it("counts one tenant when a tenant is given", async () => {
    expectCountChange(countsBefore.publicOnly, await supertokens.getUserCount(undefined, "public"), 9);
  });

  it("answers {status, count} on the wire", async () => {
    const res = await raw(core, "/public/users/count", { query: { includeAllTenants: "true" } });
    expect(json(res)).toStrictEqual({ status: "OK", count: expect.any(Number) });
  });
});

describe("user object", () => {
  it("getUser returns the full shape of a passwordless email user", async () => {
    const c = created.find((u) => u.recipeId === "passwordless" && u.email)!;
    const user = await supertokens.getUser(c.id);
    expect(user).toBeDefined();
    expect(user!.toJson()).toEqual({
      id: c.id,
      isPrimaryUser: false,
      tenantIds: ["public"],
      timeJoined: expect.any(Number),
      emails: [c.email],
      phoneNumbers: [],
      thirdParty: [],
      webauthn: { credentialIds: [] },
      loginMethods: [
        {
          recipeId: "passwordless",
          recipeUserId: c.id,
          tenantIds: ["public"],
          email: c.email,
          verified: true,
          timeJoined: user!.timeJoined,
        },
      ],
    });
    expect(user!.loginMethods[0]!.recipeUserId.getAsString()).toBe(c.id);
  });

  it("getUser returns the full shape of a passwordless phone user", async () => {
    const c = created.find((u) => u.phone)!;
    const user = await supertokens.getUser(c.id);
    expect(user!.toJson()).toEqual({
      id: c.id,
      isPrimaryUser: false,
      tenantIds: ["public"],
      timeJoined: expect.any(Number),
      emails: [],
      phoneNumbers: [c.phone],
      thirdParty: [],
      webauthn: { credentialIds: [] },
      loginMethods: [
        {
          recipeId: "passwordless",
          recipeUserId: c.id,
          tenantIds: ["public"],
          phoneNumber: c.phone,
          verified: true,
          timeJoined: user!.timeJoined,
        },
      ],
    });
  });

  it("getUser returns the full shape of an emailpassword user (unverified)", async () => {
    const c = created.find((u) => u.recipeId === "emailpassword")!;
    const user = await supertokens.getUser(c.id);
    expect(user!.toJson()).toEqual({
      id: c.id,
      isPrimaryUser: false,
      tenantIds: ["public"],
      timeJoined: expect.any(Number),
      emails: [c.email],
      phoneNumbers: [],
      thirdParty: [],
      webauthn: { credentialIds: [] },
      loginMethods: [
        {
          recipeId: "emailpassword",
          recipeUserId: c.id,
          tenantIds: ["public"],
          email: c.email,
          verified: false,
          timeJoined: user!.timeJoined,
        },
      ],
    });
  });

  it("GET /user/id answers exactly the Core's JSON (no extra or missing keys)", async () => {
    const c = created.find((u) => u.recipeId === "passwordless" && u.email)!;
    const body = json<{ user: { timeJoined: number } }>(await raw(core, "/user/id", { query: { userId: c.id } }));
    expect(body).toStrictEqual({
      status: "OK",
      user: {
        id: c.id,
        isPrimaryUser: false,
        tenantIds: ["public"],
        timeJoined: expect.any(Number),
        emails: [c.email],
        phoneNumbers: [],
        thirdParty: [],
        webauthn: { credentialIds: [] },
        loginMethods: [
          {
            tenantIds: ["public"],
            recipeUserId: c.id,
            verified: true,
            timeJoined: body.user.timeJoined,
            recipeId: "passwordless",
            email: c.email,
          },
        ],
      },
    });
  });

  it("getUser of an unknown id is undefined (UNKNOWN_USER_ID_ERROR on the wire)", async () => {
    const id = unknownUserId();
    expect(await supertokens.getUser(id)).toBeUndefined();
    expect(json(await raw(core, "/user/id", { query: { userId: id } }))).toStrictEqual({ status: "UNKNOWN_USER_ID_ERROR" });
  });
});

describe("listing", () => {
  it("newest first: every page is newest-first, pages chain without duplicates or gaps", async () => {
    const mine = new Set(created.map((c) => c.id));
    const seen: User[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await supertokens.getUsersNewestFirst({
        tenantId: "public",
        limit: 3,
        ...(token ? { paginationToken: token } : {}),
      });
      pages += 1;
      expect(page.users.length).toBeLessThanOrEqual(3);
      if (page.nextPaginationToken !== undefined) expect(page.users).toHaveLength(3);
      seen.push(...page.users);
      token = page.nextPaginationToken;
    } while (token !== undefined && [...mine].some((id) => !seen.some((u) => u.id === id)) && pages < 100);

    const ids = seen.map((u) => u.id);
    expect(new Set(ids).size).toBe(ids.length);
    expectSortedByTimeJoined(seen, "DESC");
    // All of this file's users are there, newest first, with nothing of them skipped.
    const mineInOrder = ids.filter((id) => mine.has(id));
    expect(new Set(mineInOrder)).toEqual(mine);
    expect(mineInOrder).toEqual(inListOrder(created, "DESC"));
  });

  it("oldest first with a limit: the next page starts right after the last one", async () => {
    const all = await supertokens.getUsersOldestFirst({ tenantId: "public", limit: 500 });
    const first = await supertokens.getUsersOldestFirst({ tenantId: "public", limit: 4 });
    expect(first.users.map((u) => u.id)).toEqual(all.users.slice(0, 4).map((u) => u.id));
    expectSortedByTimeJoined(all.users, "ASC");
    if (all.users.length > 4) {
      expect(first.nextPaginationToken).toEqual(expect.any(String));
      const second = await supertokens.getUsersOldestFirst({
        tenantId: "public",
        limit: 4,
        paginationToken: first.nextPaginationToken!,
      });
      expect(second.users.map((u) => u.id)).toEqual(all.users.slice(4, 8).map((u) => u.id));
    }
  });

  it.skipIf(!embedded)("the last page has no nextPaginationToken (embedded only: needs an exact user count nobody else changes)", async () => {
    const count = await supertokens.getUserCount(undefined, "public");
    const exact = await supertokens.getUsersOldestFirst({ tenantId: "public", limit: count });
    expect(exact.users).toHaveLength(count);
    expect(exact.nextPaginationToken).toBeUndefined();
    if (count > 1) {
      const short = await supertokens.getUsersOldestFirst({ tenantId: "public", limit: count - 1 });
      expect(short.users).toHaveLength(count - 1);
      expect(short.nextPaginationToken).toEqual(expect.any(String));
      const last = await supertokens.getUsersOldestFirst({
        tenantId: "public",
        limit: count - 1,
        paginationToken: short.nextPaginationToken!,
      });
      expect(last.users.map((u) => u.id)).toEqual([exact.users[count - 1]!.id]);
      expect(last.nextPaginationToken).toBeUndefined();
    }
  });

  it("the same page asked twice is the same (stable order)", async () => {
    const a = await supertokens.getUsersNewestFirst({ tenantId: "public", limit: 5 });
    const b = await supertokens.getUsersNewestFirst({ tenantId: "public", limit: 5 });
    expect(b.users.map((u) => u.id)).toEqual(a.users.map((u) => u.id));
    expect(b.nextPaginationToken).toEqual(a.nextPaginationToken);
  });

  it("includeRecipeIds keeps only users of those recipes", async () => {
    const ep = await supertokens.getUsersNewestFirst({ tenantId: "public", includeRecipeIds: ["emailpassword"], limit: 500 });
    for (const u of ep.users) expect(u.loginMethods.map((m) => m.recipeId)).toEqual(["emailpassword"]);
    const mineEp = created.filter((c) => c.recipeId === "emailpassword").map((c) => c.id);
    expect(ep.users.map((u) => u.id)).toEqual(expect.arrayContaining(mineEp));

    const pl = await supertokens.getUsersNewestFirst({ tenantId: "public", includeRecipeIds: ["passwordless"], limit: 500 });
    for (const u of pl.users) expect(u.loginMethods.map((m) => m.recipeId)).toEqual(["passwordless"]);
    const minePl = created.filter((c) => c.recipeId === "passwordless").map((c) => c.id);
    expect(pl.users.map((u) => u.id)).toEqual(expect.arrayContaining(minePl));
  });

  it("includeRecipeIds pages chain too", async () => {
    const first = await supertokens.getUsersNewestFirst({ tenantId: "public", includeRecipeIds: ["emailpassword"], limit: 2 });
    expect(first.users).toHaveLength(2);
    expect(first.nextPaginationToken).toEqual(expect.any(String));
    const second = await supertokens.getUsersNewestFirst({
      tenantId: "public",
      includeRecipeIds: ["emailpassword"],
      limit: 2,
      paginationToken: first.nextPaginationToken!,
    });
    for (const u of second.users) expect(u.loginMethods[0]!.recipeId).toBe("emailpassword");
    const ids = [...first.users, ...second.users].map((u) => u.id);
    expect(new Set(ids).size).toBe(ids.length);
    expectSortedByTimeJoined([...first.users, ...second.users], "DESC");
  });
});

describe("search (query)", () => {
  it("{email: prefix} finds exactly the users whose email starts with it, newest first", async () => {
    const res = await supertokens.getUsersNewestFirst({ tenantId: "public", query: { email: emailPrefix(TAG) } });
    expect(res.users.map((u) => u.id)).toEqual(inListOrder(listed(), "DESC"));
    expect(res.nextPaginationToken).toBeUndefined();
  });

  it("{email: prefix} oldest first gives the reverse order", async () => {
    const res = await supertokens.getUsersOldestFirst({ tenantId: "public", query: { email: emailPrefix(TAG) } });
    expect(res.users.map((u) => u.id)).toEqual(inListOrder(listed(), "ASC"));
  });

  it("search is case-insensitive (the Core lower-cases the search term)", async () => {
    const res = await supertokens.getUsersNewestFirst({
      tenantId: "public",
      query: { email: emailPrefix(TAG).toUpperCase() },
    });
    expect(res.users.map((u) => u.id)).toEqual(inListOrder(listed(), "DESC"));
  });

  it("a search returns all matches at once: no limit, no nextPaginationToken (Core 11.4.7)", async () => {
    const res = await supertokens.getUsersNewestFirst({ tenantId: "public", limit: 2, query: { email: emailPrefix(TAG) } });
    expect(res.users).toHaveLength(listed().length);
    expect(res.nextPaginationToken).toBeUndefined();
  });

  it("{phone: prefix} finds phone users whose number starts with it", async () => {
    const phoneUser = created.find((c) => c.phone)!;
    const prefix = phoneUser.phone!.slice(0, -2);
    const res = await supertokens.getUsersNewestFirst({ tenantId: "public", query: { phone: prefix } });
    expect(res.users.map((u) => u.id)).toContain(phoneUser.id);
    for (const u of res.users) expect(u.phoneNumbers.some((p) => p.startsWith(prefix))).toBe(true);

    const exact = await supertokens.getUsersNewestFirst({ tenantId: "public", query: { phone: phoneUser.phone! } });
    expect(exact.users.map((u) => u.id)).toEqual([phoneUser.id]);
  });

  it("{email} matching nothing gives an empty list", async () => {
    const res = await supertokens.getUsersNewestFirst({ tenantId: "public", query: { email: `zzz-${emailPrefix(TAG)}` } });
    expect(res.users).toEqual([]);
    expect(res.nextPaginationToken).toBeUndefined();
    const wire = json(await raw(core, "/public/users", { query: { timeJoinedOrder: "DESC", email: `zzz-${emailPrefix(TAG)}` } }));
    expect(wire).toStrictEqual({ status: "OK", users: [] });
  });
});

describe("listUsersByAccountInfo", () => {
  it("by email finds the users with that email", async () => {
    const c = created.find((u) => u.recipeId === "emailpassword")!;
    const users = await supertokens.listUsersByAccountInfo("public", { email: c.email! });
    expect(users.map((u) => u.id)).toEqual([c.id]);
    expect(users[0]!.loginMethods[0]!.recipeId).toBe("emailpassword");
  });

  it("one email shared by a passwordless and an emailpassword user gives both", async () => {
    const email = uniqueEmail("users-shared");
    const ep = await EmailPassword.signUp("public", email, "Password123!");
    if (ep.status !== "OK") throw new Error(ep.status);
    const pl = await Passwordless.signInUp({ tenantId: "public", email });
    expect(pl.createdNewRecipeUser).toBe(true);
    expect(pl.user.id).not.toBe(ep.user.id);
    const users = await supertokens.listUsersByAccountInfo("public", { email });
    expect(new Set(users.map((u) => u.id))).toEqual(new Set([ep.user.id, pl.user.id]));
  });

  it("by phone number finds the user with that phone", async () => {
    const c = created.find((u) => u.phone)!;
    const users = await supertokens.listUsersByAccountInfo("public", { phoneNumber: c.phone! });
    expect(users.map((u) => u.id)).toEqual([c.id]);
  });

  it("doUnionOfAccountInfo true gives users matching the email or the phone", async () => {
    const byEmail = created.find((u) => u.recipeId === "passwordless" && u.email)!;
    const byPhone = created.find((u) => u.phone)!;
    const users = await supertokens.listUsersByAccountInfo(
      "public",
      { email: byEmail.email!, phoneNumber: byPhone.phone! },
      true,
    );
    expect(new Set(users.map((u) => u.id))).toEqual(new Set([byEmail.id, byPhone.id]));
  });

  it("doUnionOfAccountInfo false needs both to match", async () => {
    const byEmail = created.find((u) => u.recipeId === "passwordless" && u.email)!;
    const byPhone = created.find((u) => u.phone)!;
    const users = await supertokens.listUsersByAccountInfo(
      "public",
      { email: byEmail.email!, phoneNumber: byPhone.phone! },
      false,
    );
    expect(users).toEqual([]);
  });

  it("unknown email gives an empty list", async () => {
    expect(await supertokens.listUsersByAccountInfo("public", { email: uniqueEmail("users-nobody") })).toEqual([]);
  });
});

describe("deleteUser", () => {
  it("deletes the user: gone from getUser, lists, account info and the count", async () => {
    const email = uniqueEmail("users-delete");
    const res = await Passwordless.signInUp({ tenantId: "public", email });
    const id = res.user.id;
    const before = await supertokens.getUserCount();

    expect(await supertokens.deleteUser(id)).toEqual({ status: "OK" });

    expect(await supertokens.getUser(id)).toBeUndefined();
    expect(await supertokens.listUsersByAccountInfo("public", { email })).toEqual([]);
    const search = await supertokens.getUsersNewestFirst({ tenantId: "public", query: { email } });
    expect(search.users).toEqual([]);
    if (embedded) expect(await supertokens.getUserCount()).toBe(before - 1);

    // The email is free again: signing in creates a new user.
    const again = await Passwordless.signInUp({ tenantId: "public", email });
    expect(again.createdNewRecipeUser).toBe(true);
    expect(again.user.id).not.toBe(id);
  });

  it("deleting an unknown or already deleted id is OK", async () => {
    expect(await supertokens.deleteUser(unknownUserId())).toEqual({ status: "OK" });
    const res = await EmailPassword.signUp("public", uniqueEmail("users-delete2"), "Password123!");
    if (res.status !== "OK") throw new Error(res.status);
    expect(await supertokens.deleteUser(res.user.id)).toEqual({ status: "OK" });
    expect(await supertokens.deleteUser(res.user.id)).toEqual({ status: "OK" });
  });
});
