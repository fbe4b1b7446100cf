/**
 * Bulk import, staging: POST /bulk-import/users and its checks (Core 11.4.7 on PostgreSQL, no
 * licence key, as at http://127.0.0.1:3570; the embedded core is started without the
 * multitenancy licence to match). Every answer below was recorded from that Core.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { startTestCore, type TestCore } from "../support/core.ts";
import { JSON_CONTENT_TYPE, embedded, raw } from "./helpers.ts";
import { UUID, epUser, expectJson400, listed, stage, stageOk, stagedIds, tag, unstage, describeBulkImport } from "./bulk-import-helpers.ts";
import { expectText, ok } from "./rule-helpers.ts";

let core: TestCore;
const toRemove: string[] = [];

beforeAll(async () => {
  core = await startTestCore({ multitenancyLicensed: false });
});

afterAll(async () => {
  if (core) await unstage(core, toRemove);
  await core?.close();
});

/** The errors of each refused user of a batch, by index. */
async function refused(users: unknown[]): Promise<Record<number, string[]>> {
  const res = await stage(core, users);
  expect(res.status, res.text).toBe(400);
  const body = JSON.parse(res.text) as { error: string; users: { index: number; errors: string[] }[] };
  expect(body.error).toBe("Data has missing or invalid fields. Please check the users field for more details.");
  return Object.fromEntries(body.users.map((u) => [u.index, u.errors]));
}

describeBulkImport("POST /bulk-import/users: the request", () => {
  it("an empty list is OK (nothing else is checked, not even the tenant)", async () => {
    const res = await raw(core, "/t-none/bulk-import/users", { method: "POST", body: { users: [] } });
    expect({ status: res.status, contentType: res.contentType, text: res.text }).toEqual({
      status: 200,
      contentType: JSON_CONTENT_TYPE,
      text: '{"status":"OK"}\n',
    });
  });

  it("more than 10,000 users is refused before the tenant is looked at", async () => {
    const users = Array.from({ length: 10_001 }, () => ({}));
    expectJson400(await stage(core, users), { error: "You can only add 10000 users at a time." });
    expectJson400(await raw(core, "/t-none/bulk-import/users", { method: "POST", body: { users } }), {
      error: "You can only add 10000 users at a time.",
    });
  });

  it("users must be an array", async () => {
    for (const body of [{}, { users: null }, { users: 5 }, { users: { a: 1 } }]) {
      expectText(await raw(core, "/bulk-import/users", { method: "POST", body }), 400, "Field name 'users' is invalid in JSON input\n");
    }
    expectText(await raw(core, "/bulk-import/users", { method: "POST", body: "[]" }), 400, "Invalid Json Input\n");
  });

  it("is app-level: a tenant in the path is a 403, an unknown app a 400", async () => {
    expectText(await raw(core, "/t-none/bulk-import/users", { method: "POST", body: { users: [5] } }), 403, "Only public tenantId can call this app specific API\n");
    expectText(
      await raw(core, "/appid-none/bulk-import/users", { method: "POST", body: { users: [5] } }),
      400,
      "AppId or tenantId not found => Tenant with the following connectionURIDomain, appId and tenantId combination not found: (, none, public)\n",
    );
  });

  it("other methods are 405", async () => {
    expectText(await raw(core, "/bulk-import/users", { method: "PUT", body: {} }), 405, "Method not supported\n");
    expectText(await raw(core, "/bulk-import/import"), 405, "Method not supported\n");
    expectText(await raw(core, "/bulk-import/users/remove"), 405, "Method not supported\n");
    expectText(await raw(core, "/bulk-import/users/count", { method: "POST", body: {} }), 405, "Method not supported\n");
  });
});

describeBulkImport("POST /bulk-import/users: staging", () => {
  it("answers each user's id and login methods; the id is the future SuperTokens user id", async () => {
    const t = tag("ans");
    const answer = await stageOk(core, [
      epUser({ externalUserId: `ext-${t}` }, { email: `  Mixed-${t}@Example.COM ` }),
      { loginMethods: [{ recipeId: "passwordless", phoneNumber: "+1 (415) 555-0109" }] },
      { loginMethods: [{ recipeId: "passwordless", email: `pl-${t}@example.com` }] },
    ]);
    toRemove.push(...stagedIds(answer));
    const [a, b, c] = answer.users;
    expect(answer.status).toBe("OK");
    expect(a).toEqual({
      userId: `ext-${t}`,
      loginMethods: [{ recipeId: "emailpassword", userId: expect.stringMatching(UUID), tenants: ["public"], email: `mixed-${t}@example.com` }],
    });
    expect(b).toEqual({
      userId: b?.loginMethods[0]?.userId,
      loginMethods: [{ recipeId: "passwordless", userId: expect.stringMatching(UUID), tenants: ["public"], email: null, phoneNumber: "+14155550109" }],
    });
    expect(c?.loginMethods[0]).toEqual({ recipeId: "passwordless", userId: c?.userId, tenants: ["public"], email: `pl-${t}@example.com`, phoneNumber: null });
  });

  it("lists the user as staged: normalised, defaults filled in, plain-text password as sent, metadata without nulls", async () => {
    const t = tag("lst");
    await raw(core, "/recipe/role", { method: "PUT", body: { role: `role-${t}` } });
    const before = Date.now();
    const answer = await stageOk(core, [
      {
        externalUserId: ` ext-${t} `,
        userMetadata: { keep: "x", gone: null, nested: { a: null, b: [null, 1] } },
        userRoles: [{ role: ` role-${t} `, tenantIds: ["public"] }],
        loginMethods: [
          { recipeId: "emailpassword", email: `A-${t}@X.com`, plainTextPassword: " Secret 1 ", isVerified: true, timeJoinedInMSSinceEpoch: 1600000000000.9 },
        ],
      },
      { loginMethods: [{ recipeId: "emailpassword", email: `h-${t}@x.com`, passwordHash: " $2a$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy ", hashingAlgorithm: " bcrypt " }] },
    ]);
    const ids = stagedIds(answer);
    toRemove.push(...ids);
    const byId = new Map((await listed(core, ids)).map((u) => [u.id, u]));
    const [second, first] = [byId.get(ids[0] ?? ""), byId.get(ids[1] ?? "")];
    expect(second).toEqual({
      id: ids[0],
      externalUserId: `ext-${t}`,
      userMetadata: { keep: "x", nested: { b: [null, 1] } },
      userRoles: [{ role: `role-${t}`, tenantIds: ["public"] }],
      loginMethods: [
        {
          tenantIds: ["public"],
          isVerified: true,
          isPrimary: false,
          timeJoinedInMSSinceEpoch: 1600000000000,
          recipeId: "emailpassword",
          email: `a-${t}@x.com`,
          plainTextPassword: " Secret 1 ",
          superTokensUserId: ids[0],
        },
      ],
      status: "NEW",
      createdAt: expect.any(Number),
      updatedAt: second?.createdAt,
    });
    expect(Object.keys(second ?? {})).toEqual(["id", "externalUserId", "userMetadata", "userRoles", "loginMethods", "status", "createdAt", "updatedAt"]);
    expect(first?.loginMethods).toEqual([
      {
        tenantIds: ["public"],
        isVerified: false,
        isPrimary: false,
        timeJoinedInMSSinceEpoch: expect.any(Number),
        recipeId: "emailpassword",
        email: `h-${t}@x.com`,
        passwordHash: "$2a$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy",
        hashingAlgorithm: "BCRYPT",
        superTokensUserId: ids[1],
      },
    ]);
    // No timeJoined given: the time it was staged.
    expect(first?.loginMethods[0]?.timeJoinedInMSSinceEpoch).toBeGreaterThanOrEqual(before - 1000);
  });

  it("an externalUserId must be unique within one request only", async () => {
    const ext = tag("dup");
    const errors = await refused([epUser({ externalUserId: ext }), epUser({ externalUserId: ext }), epUser({ externalUserId: ` ${ext}` })]);
    expect(errors).toEqual({ 1: [`externalUserId ${ext} is not unique. It is already used by another user.`] });
    // The check is per request: staging the same id again, later, is accepted.
    const a = await stageOk(core, [epUser({ externalUserId: ext })]);
    const b = await stageOk(core, [epUser({ externalUserId: ext })]);
    toRemove.push(...stagedIds(a), ...stagedIds(b));
    expect(b.users[0]?.userId).toBe(ext);
  });

  it("a refused batch stages nothing, and its good users' indexes are not named", async () => {
    const good = epUser();
    const email = (good.loginMethods as { email: string }[])[0]?.email;
    expect(await refused([good, { loginMethods: [] }])).toEqual({ 1: ["At least one loginMethod is required."] });
    const all = await raw(core, "/bulk-import/users", { query: { limit: "500" } });
    expect(all.text).not.toContain(email);
  });
});

describeBulkImport("POST /bulk-import/users: each user's errors", () => {
  it("field types, required fields and login methods", async () => {
    const errors = await refused([
      {},
      { loginMethods: [] },
      { loginMethods: "x", externalUserId: 5, userMetadata: [], userRoles: {}, totpDevices: 3 },
      { loginMethods: [{}] },
      { loginMethods: [{ recipeId: "foo" }] },
      { loginMethods: [{ recipeId: "emailpassword" }] },
      { loginMethods: [{ recipeId: "emailpassword", email: "  ", plainTextPassword: "" }] },
      { loginMethods: [{ recipeId: "passwordless" }] },
      { loginMethods: [{ recipeId: "passwordless", phoneNumber: 5, email: true }] },
      epUser({}, { tenantIds: ["public", " "], isVerified: "yes", isPrimary: 1, timeJoinedInMSSinceEpoch: "5" }),
      epUser({}, { timeJoinedInMSSinceEpoch: -5 }),
      epUser({}, { timeJoinedInMSSinceEpoch: Date.now() + 3_600_000 }),
      { loginMethods: [{ recipeId: "emailpassword", email: `${"e".repeat(300)}@x.com`, plainTextPassword: "p" }] },
      epUser({ externalUserId: "x".repeat(129) }),
      epUser({ userRoles: [5] }),
      { loginMethods: [{ recipeId: "thirdparty" }] },
    ]);
    expect(errors).toEqual({
      0: ["loginMethods is required."],
      1: ["At least one loginMethod is required."],
      2: [
        "externalUserId should be of type string.",
        "userMetadata should be of type object.",
        "userRoles should be of type array of object.",
        "totpDevices should be of type array of object.",
        "loginMethods should be of type array of object.",
      ],
      3: ["recipeId is required for a loginMethod."],
      4: ["Invalid recipeId for loginMethod. Pass one of emailpassword, thirdparty or, passwordless!"],
      5: ["email is required for an emailpassword recipe.", "Either (passwordHash, hashingAlgorithm) or plainTextPassword is required for an emailpassword recipe."],
      6: [
        "email should be of type string for an emailpassword recipe.",
        "plainTextPassword should be of type string for an emailpassword recipe.",
        "Either (passwordHash, hashingAlgorithm) or plainTextPassword is required for an emailpassword recipe.",
      ],
      7: ["Either email or phoneNumber is required for a passwordless recipe."],
      8: [
        "email should be of type string for a passwordless recipe.",
        "phoneNumber should be of type string for a passwordless recipe.",
        "Either email or phoneNumber is required for a passwordless recipe.",
      ],
      9: [
        "tenantIds should be of type array of string for a loginMethod.",
        "isVerified should be of type boolean for a loginMethod.",
        "isPrimary should be of type boolean for a loginMethod.",
        "timeJoinedInMSSinceEpoch should be of type integer for a loginMethod",
      ],
      10: ["timeJoined cannot be < 0 for a loginMethod."],
      11: ["timeJoined cannot be in future for a loginMethod."],
      12: [`email ${"e".repeat(300)}@x.com is too long. Max length is 256.`],
      13: [`externalUserId ${"x".repeat(129)} is too long. Max length is 128.`],
      14: ["userRoles should be of type array of object."],
      15: [
        "email is required for a thirdparty recipe.",
        "thirdPartyId is required for a thirdparty recipe.",
        "thirdPartyUserId is required for a thirdparty recipe.",
        ...(embedded ? ["thirdparty loginMethods cannot be imported into the embedded core: it has no ThirdParty recipe."] : []),
      ],
    });
  });

  it("password hashes: algorithm, format and length", async () => {
    const ep = (m: Record<string, unknown>) => ({ loginMethods: [{ recipeId: "emailpassword", email: `${tag("h")}@x.com`, ...m }] });
    const errors = await refused([
      ep({ passwordHash: "abc", hashingAlgorithm: "md5" }),
      ep({ passwordHash: "abc", hashingAlgorithm: "bcrypt" }),
      ep({ passwordHash: "abc", hashingAlgorithm: "argon2" }),
      ep({ passwordHash: "$2a$10$abc" }),
      ep({ passwordHash: `${"x".repeat(300)}$2a`, hashingAlgorithm: " BCrypt " }),
    ]);
    expect(errors).toEqual({
      0: ["Invalid hashingAlgorithm for emailpassword recipe. Pass one of bcrypt, argon2 or, firebase_scrypt!"],
      1: ["Password hash is in invalid BCrypt format"],
      2: ["Password hash is in invalid Argon2 format"],
      3: ["Either (passwordHash, hashingAlgorithm) or plainTextPassword is required for an emailpassword recipe."],
      4: ["passwordHash is too long. Max length is 256.", "Password hash is in invalid BCrypt format"],
    });
  });

  it("features a Core without a licence key lacks: account linking, MFA (TOTP), multitenancy", async () => {
    const errors = await refused([
      { loginMethods: [epUser().loginMethods, epUser().loginMethods].flat() },
      { loginMethods: [(epUser({}, { isPrimary: true }).loginMethods as unknown[])[0], (epUser({}, { isPrimary: true }).loginMethods as unknown[])[0]] },
      epUser({ totpDevices: [] }),
      epUser({}, { tenantIds: ["t1"] }),
      epUser({ userRoles: [{ role: "r-none", tenantIds: ["t9"] }] }),
    ]);
    const noTenant = (e: string | undefined) => expect(e).toMatch(/^LoginMethod '\{"tenantIds":\[\],"isVerified":false,"isPrimary":false,"timeJoinedInMSSinceEpoch":\d+,"recipeId":"emailpassword","email":"[^"]+","plainTextPassword":"[^"]+","superTokensUserId":"[0-9a-f-]{36}"\}' has no tenantId$/);
    expect(errors[0]).toEqual(["Account linking must be enabled to import multiple loginMethods."]);
    expect(errors[1]).toEqual(["Account linking must be enabled to import multiple loginMethods.", "No two loginMethods can have isPrimary as true."]);
    expect(errors[2]).toEqual(["MFA must be enabled to import totp devices."]);
    expect(errors[3]?.[0]).toBe("Multitenancy must be enabled before importing users to a different tenant.");
    noTenant(errors[3]?.[1]);
    expect(errors[4]).toEqual(["Role r-none does not exist.", "Multitenancy must be enabled before importing users to a different tenant."]);
  });

  it("roles must exist (names are trimmed)", async () => {
    const role = tag("role");
    await raw(core, "/recipe/role", { method: "PUT", body: { role } });
    expect(await refused([epUser({ userRoles: [{ role: `${role}-x`, tenantIds: ["public"] }] }), epUser({ userRoles: [{ role: ` ${role} `, tenantIds: ["public"] }] })])).toEqual({
      0: [`Role ${role}-x does not exist.`],
    });
  });

  it("the Core's unhandled errors are 500s: a user that is not an object, a role without a name, a Firebase hash without a signer key", async () => {
    expectText(await stage(core, [5]), 500, "java.lang.IllegalStateException: Not a JSON Object: 5\n");
    expectText(await stage(core, [null]), 500, "java.lang.IllegalStateException: Not a JSON Object: null\n");
    const npe = 'java.lang.NullPointerException: Cannot invoke "String.length()" because "<parameter1>" is null\n';
    expectText(await stage(core, [epUser({ userRoles: [{ tenantIds: ["public"] }] })]), 500, npe);
    expectText(await stage(core, [epUser({ userRoles: [{ role: " ", tenantIds: ["public"] }] })]), 500, npe);
    const firebase = { passwordHash: "$f_scrypt$aGFzaA==$c2FsdA==$m=14$r=8$s=Bw==", hashingAlgorithm: "firebase_scrypt", plainTextPassword: undefined };
    expectText(await stage(core, [epUser({}, firebase)]), 500, "java.lang.IllegalStateException: 'firebase_password_hashing_signer_key' cannot be null\n");
  });
});

describeBulkImport("routing", () => {
  it("'/appid-x/bulk-import/users/count' is bulk import's count, not the users count of tenant 'bulk-import'", async () => {
    expectText(
      await raw(core, "/appid-none/bulk-import/users/count"),
      400,
      "AppId or tenantId not found => Tenant with the following connectionURIDomain, appId and tenantId combination not found: (, none, public)\n",
    );
    expect(ok(await raw(core, "/bulk-import/users/count"))).toEqual({ status: "OK", count: expect.any(Number) });
  });
});
