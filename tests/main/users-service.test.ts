/**
 * Users through the dispatcher on the demo data: paging, search, the flags each row carries,
 * the detail view, metadata and role changes, sessions, deletion, export and quick search.
 * Expectations come from the demo data set itself (main/embedded-core/demo/data-set.ts).
 */
import EmailPassword from "supertokens-node/recipe/emailpassword";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildDemoDataSet, DEMO_ADMIN_EMAIL, type DemoUser } from "../../main/embedded-core/demo/data-set.ts";
import type { OutputOf } from "../../shared/contract/index.ts";
import { DEFAULT_DATA_CONTRACT as C } from "../../shared/data-contract.ts";
import { parseCsv } from "./helpers/csv.ts";
import { directCore, expectFailure, plainDemoUsers, startTestGatehouse, type TestGatehouse } from "./helpers/gatehouse.ts";
import { createSession } from "./helpers/samples.ts";

type Row = OutputOf<"users.list">["rows"][number];

const demo = buildDemoDataSet();
const publicUsers = demo.users.filter((u) => u.tenantIds.includes("public"));
const idOf = (u: DemoUser): string => u.externalId ?? u.row.user_id;
const byEmail = (email: string): DemoUser => {
  const u = demo.users.find((x) => x.row.email === email);
  if (!u) throw new Error(`no demo user ${email}`);
  return u;
};

let t: TestGatehouse;

beforeAll(async () => {
  t = await startTestGatehouse();
});

afterAll(async () => {
  await t?.close();
});

async function allRows(order: "newest" | "oldest", limit: number, tenantId = "public"): Promise<{ rows: Row[]; pages: number }> {
  const rows: Row[] = [];
  let token: string | undefined;
  let pages = 0;
  do {
    const page = await t.client.invoke("users.list", { tenantId, order, limit, ...(token ? { paginationToken: token } : {}) });
    expect(page.rows.length).toBeLessThanOrEqual(limit);
    rows.push(...page.rows);
    token = page.nextPaginationToken ?? undefined;
    pages += 1;
    expect(pages).toBeLessThan(100);
  } while (token);
  return { rows, pages };
}

const rowFor = async (email: string): Promise<Row> => {
  const { rows } = await t.client.invoke("users.list", { tenantId: "public", order: "newest", limit: 5, search: email });
  const row = rows.find((r) => r.emails.includes(email));
  if (!row) throw new Error(`no row for ${email}`);
  return row;
};

describe("users.list", () => {
  it("pages newest first and oldest first with tokens, every user once", async () => {
    const newest = await allRows("newest", 70);
    const oldest = await allRows("oldest", 70);
    expect(newest.pages).toBe(Math.ceil(publicUsers.length / 70));
    for (const { rows } of [newest, oldest]) {
      expect(rows).toHaveLength(publicUsers.length);
      expect(new Set(rows.map((r) => r.id)).size).toBe(publicUsers.length);
      expect(new Set(rows.map((r) => r.id))).toEqual(new Set(publicUsers.map(idOf)));
    }
    const times = newest.rows.map((r) => r.timeJoined);
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect(oldest.rows.map((r) => r.id)).toEqual(newest.rows.map((r) => r.id).reverse());
    expect(oldest.rows[0]?.emails).toEqual([DEMO_ADMIN_EMAIL]);
  });

  it("honours the limit and says when there is more", async () => {
    const page = await t.client.invoke("users.list", { tenantId: "public", order: "newest", limit: 7 });
    expect(page.rows).toHaveLength(7);
    expect(page.nextPaginationToken).toEqual(expect.any(String));
    const acme = await t.client.invoke("users.list", { tenantId: "acme", order: "newest", limit: 500 });
    expect(acme.rows).toHaveLength(demo.users.filter((u) => u.tenantIds.includes("acme")).length);
    expect(acme.nextPaginationToken).toBeNull();
  });

  it("searches by email prefix (case-insensitive) and by phone prefix", async () => {
    const ada = await t.client.invoke("users.list", { tenantId: "public", order: "newest", limit: 50, search: "ADA.Love" });
    expect(ada.rows.map((r) => r.emails)).toEqual([[DEMO_ADMIN_EMAIL]]);

    const prefix = "grace.";
    const graces = await t.client.invoke("users.list", { tenantId: "public", order: "newest", limit: 50, search: prefix });
    const expected = publicUsers.filter((u) => u.row.email?.startsWith(prefix)).map(idOf);
    expect(graces.rows.map((r) => r.id).sort()).toEqual(expected.sort());

    const phones = await t.client.invoke("users.list", { tenantId: "public", order: "newest", limit: 50, search: "+1415555" });
    const expectedPhones = publicUsers.filter((u) => u.row.phone_number?.startsWith("+1415555")).map(idOf);
    expect(expectedPhones.length).toBeGreaterThan(3);
    expect(phones.rows.map((r) => r.id).sort()).toEqual(expectedPhones.sort());
    for (const r of phones.rows) expect(r.phoneNumbers[0]).toMatch(/^\+1415555/);

    const none = await t.client.invoke("users.list", { tenantId: "public", order: "newest", limit: 50, search: "nobody.by.this.name" });
    expect(none.rows).toEqual([]);
  });

  it("carries roles, temporary-password flags, mapped ids and second-factor states as the demo data has them", async () => {
    const { rows } = await allRows("oldest", 500);
    const row = new Map(rows.map((r) => [r.id, r]));

    for (const u of publicUsers) {
      const r = row.get(idOf(u));
      expect(r, idOf(u)).toBeDefined();
      expect(r?.roles, idOf(u)).toEqual((u.roles ?? []).filter((x) => x.tenantId === "public").map((x) => x.role));
      expect(r?.temporaryPassword, idOf(u)).toBe(u.metadata?.[C.temporaryPasswordKey] === true);
      expect(r?.superTokensUserId, idOf(u)).toBe(u.externalId ? u.row.user_id : undefined);
    }
    expect(rows.filter((r) => r.roles.includes("admin")).flatMap((r) => r.emails).sort()).toEqual(
      ["ada.lovelace@example.com", "grace.hopper@example.com", "linus.torvalds@example.com"].sort(),
    );
    const temporary = rows.filter((r) => r.temporaryPassword);
    expect(temporary.length).toBeGreaterThan(5);
    for (const r of temporary) {
      expect(r.id).toMatch(/^legacy-\d+$/);
      expect(r.superTokensUserId).toMatch(/^[0-9a-f-]{36}$/);
    }

    // Second factor (seed 03): what each demo user's passwordlessUserId points at.
    const states = { enrolled: 0, "missing-user": 0, "no-phone": 0 };
    for (const u of publicUsers) {
      const linked = u.metadata?.[C.secondFactorUserIdKey];
      const r = row.get(idOf(u));
      if (typeof linked !== "string") {
        expect(r?.secondFactor, idOf(u)).toEqual({ state: "none" });
        continue;
      }
      const target = demo.users.find((x) => x.row.user_id === linked);
      const kind = !target ? "missing-user" : target.row.phone_number ? "enrolled" : "no-phone";
      const expected =
        kind === "enrolled"
          ? { state: "enrolled", passwordlessUserId: linked, phoneNumber: target?.row.phone_number }
          : { state: "broken", passwordlessUserId: linked, reason: kind };
      expect(r?.secondFactor, idOf(u)).toEqual(expected);
      states[kind] += 1;
    }
    expect(states.enrolled).toBeGreaterThan(10);
    expect(states["missing-user"]).toBe(1);
    expect(states["no-phone"]).toBe(1);
    // Several users can point at one phone user; each of them shows it.
    const phones = rows.flatMap((r) => (r.secondFactor.state === "enrolled" ? [r.secondFactor.passwordlessUserId] : []));
    expect(phones.length).toBe(states.enrolled);
    expect(new Set(phones).size).toBeLessThan(phones.length);
  });
});

describe("users.get", () => {
  it("shows metadata, roles per tenant and the user-id mapping", async () => {
    const migrated = publicUsers.find((u) => u.externalId && u.metadata?.[C.temporaryPasswordKey] === true);
    if (!migrated?.externalId) throw new Error("no migrated demo user on a temporary password");
    const detail = await t.client.invoke("users.get", { userId: migrated.externalId });
    expect(detail).toMatchObject({
      id: migrated.externalId,
      superTokensUserId: migrated.row.user_id,
      metadata: { [C.temporaryPasswordKey]: true },
      rolesByTenant: { public: [] },
      temporaryPassword: true,
      tenantIds: ["public"],
    });
    expect(detail.loginMethods).toEqual([expect.objectContaining({ recipeId: "emailpassword", email: migrated.row.email, verified: migrated.emailVerified })]);
    // The same user by its SuperTokens id.
    expect((await t.client.invoke("users.get", { userId: migrated.row.user_id })).id).toBe(migrated.externalId);

    const ada = await t.client.invoke("users.get", { userId: byEmail(DEMO_ADMIN_EMAIL).row.user_id });
    expect(ada.rolesByTenant).toEqual({ public: ["admin"] });
    expect(ada.superTokensUserId).toBeUndefined();
    expect(ada.temporaryPassword).toBe(false);

    const acmeAdmin = demo.users.find((u) => u.roles?.some((r) => r.tenantId === "acme"));
    if (!acmeAdmin) throw new Error("no acme admin");
    expect((await t.client.invoke("users.get", { userId: acmeAdmin.row.user_id })).rolesByTenant).toEqual({ acme: ["admin"] });

    const enrolled = publicUsers.find((u) => typeof u.metadata?.[C.secondFactorUserIdKey] === "string" && u !== publicUsers[0]);
    const linked = enrolled?.metadata?.[C.secondFactorUserIdKey] as string;
    const phoneUser = demo.users.find((u) => u.row.user_id === linked);
    if (enrolled && phoneUser?.row.phone_number) {
      expect((await t.client.invoke("users.get", { userId: idOf(enrolled) })).secondFactor).toEqual({
        state: "enrolled",
        passwordlessUserId: linked,
        phoneNumber: phoneUser.row.phone_number,
      });
    }

    await expectFailure(t.invoke("users.get", { userId: "no-such-user" }), "NOT_FOUND");
  });
});

describe("changes", () => {
  it("merges metadata at the top level; null removes a key", async () => {
    const [user] = await plainDemoUsers(t.client, 1);
    if (!user) throw new Error("no user");
    const first = await t.client.invoke("users.updateMetadata", { userId: user.id, update: { a: 1, nested: { x: 1 }, list: [1, 2] } });
    expect(first.metadata).toEqual({ a: 1, nested: { x: 1 }, list: [1, 2] });
    await t.client.invoke("users.updateMetadata", { userId: user.id, update: { b: 2, nested: { y: 2 }, list: [3] } });
    const third = await t.client.invoke("users.updateMetadata", { userId: user.id, update: { a: null } });
    expect(third.metadata).toEqual({ b: 2, nested: { y: 2 }, list: [3] });
    expect((await t.client.invoke("users.get", { userId: user.id })).metadata).toEqual({ b: 2, nested: { y: 2 }, list: [3] });

    // A migrated user's metadata lives under the external id, whichever id the console is given.
    const migrated = publicUsers.find((u) => u.externalId && u.metadata?.[C.temporaryPasswordKey] !== true);
    if (!migrated?.externalId) throw new Error("no migrated user off a temporary password");
    await t.client.invoke("users.updateMetadata", { userId: migrated.row.user_id, update: { [C.temporaryPasswordKey]: true } });
    expect((await rowFor(migrated.row.email ?? "")).temporaryPassword).toBe(true);
    expect((await t.client.invoke("users.get", { userId: migrated.externalId })).metadata).toEqual({ ...migrated.metadata, [C.temporaryPasswordKey]: true });

    await expectFailure(t.invoke("users.updateMetadata", { userId: "no-such-user", update: { a: 1 } }), "NOT_FOUND");
  });

  it("adds and removes roles, and the list shows it at once (the role index is refreshed)", async () => {
    const [, user] = await plainDemoUsers(t.client, 2);
    if (!user) throw new Error("no user");
    expect((await rowFor(user.email)).roles).toEqual([]); // the role index is now warm

    expect(await t.client.invoke("users.addRole", { userId: user.id, tenantId: "public", role: "auditor" })).toEqual({ alreadyHad: false });
    expect((await rowFor(user.email)).roles).toEqual(["auditor"]);
    expect(await t.client.invoke("users.addRole", { userId: user.id, tenantId: "public", role: "auditor" })).toEqual({ alreadyHad: true });
    await t.client.invoke("users.addRole", { userId: user.id, tenantId: "public", role: "admin" });
    expect((await rowFor(user.email)).roles).toEqual(["admin", "auditor"]);
    expect((await t.client.invoke("users.get", { userId: user.id })).rolesByTenant).toEqual({ public: ["admin", "auditor"] });

    expect(await t.client.invoke("users.removeRole", { userId: user.id, tenantId: "public", role: "admin" })).toEqual({ hadRole: true });
    expect((await rowFor(user.email)).roles).toEqual(["auditor"]);
    expect(await t.client.invoke("users.removeRole", { userId: user.id, tenantId: "public", role: "admin" })).toEqual({ hadRole: false });

    const before = (await t.client.invoke("users.get", { userId: user.id })).rolesByTenant;
    const error = await expectFailure(t.invoke("users.addRole", { userId: user.id, tenantId: "public", role: "no-such-role" }), "NOT_FOUND");
    expect(error.message).toContain("no-such-role");
    await expectFailure(t.invoke("users.removeRole", { userId: user.id, tenantId: "public", role: "no-such-role" }), "NOT_FOUND");
    expect((await t.client.invoke("users.get", { userId: user.id })).rolesByTenant).toEqual(before);
  });
});

describe("sessions", () => {
  it("lists a user's live sessions and revokes one, all, but never another user's", async () => {
    const [, , alice, bob] = await plainDemoUsers(t.client, 4);
    if (!alice || !bob) throw new Error("no users");
    const core = directCore(t.coreUrl);
    const a1 = await createSession(core, alice.id);
    const a2 = await createSession(core, alice.id);
    const b1 = await createSession(core, bob.id);

    const listed = await t.client.invoke("users.sessions", { userId: alice.id });
    expect(listed.sessions.map((s) => s.sessionHandle).sort()).toEqual([a1, a2].sort());
    expect(listed.sessions[0]).toMatchObject({ tenantId: "public", timeCreated: expect.any(Number), expiry: expect.any(Number) });

    // Bob's session, asked for as Alice's: refused, and Bob keeps it.
    await expectFailure(t.invoke("users.revokeSession", { userId: alice.id, sessionHandle: b1 }), "NOT_FOUND");
    expect((await t.client.invoke("users.sessions", { userId: bob.id })).sessions.map((s) => s.sessionHandle)).toEqual([b1]);

    expect(await t.client.invoke("users.revokeSession", { userId: alice.id, sessionHandle: a1 })).toEqual({ revoked: true });
    expect((await t.client.invoke("users.sessions", { userId: alice.id })).sessions.map((s) => s.sessionHandle)).toEqual([a2]);
    await expectFailure(t.invoke("users.revokeSession", { userId: alice.id, sessionHandle: a1 }), "NOT_FOUND");

    expect(await t.client.invoke("users.revokeAllSessions", { userId: alice.id })).toEqual({ revoked: 1 });
    expect((await t.client.invoke("users.sessions", { userId: alice.id })).sessions).toEqual([]);
    expect((await t.client.invoke("users.sessions", { userId: bob.id })).sessions).toHaveLength(1);
  });

  it("lists and revokes the sessions of a migrated (mapped) user by its external id", async () => {
    const migrated = publicUsers.find((u) => u.externalId);
    if (!migrated?.externalId) throw new Error("no migrated user");
    const handle = await createSession(directCore(t.coreUrl), migrated.externalId);
    const listed = await t.client.invoke("users.sessions", { userId: migrated.externalId });
    expect(listed.sessions.map((s) => s.sessionHandle)).toEqual([handle]);
    expect(await t.client.invoke("users.revokeSession", { userId: migrated.externalId, sessionHandle: handle })).toEqual({ revoked: true });
    expect((await t.client.invoke("users.sessions", { userId: migrated.externalId })).sessions).toEqual([]);
  });
});

describe("export and quick search", () => {
  it("exports the users view as CSV: a header, one line per user, formula-looking cells escaped", async () => {
    const core = directCore(t.coreUrl);
    await core.sdk(() => EmailPassword.signUp("public", "=hyperlink@example.com", "Formula-pass-1"));
    const { rows: listed } = await allRows("newest", 500);

    const exported = await t.client.invoke("users.export", { tenantId: "public", order: "newest", max: 100_000 });
    expect(exported.truncated).toBe(false);
    expect(exported.rows).toBe(listed.length);
    expect(exported.csv.endsWith("\r\n")).toBe(true);
    const [header, ...lines] = parseCsv(exported.csv);
    expect(header).toEqual([
      "id", "supertokens_user_id", "emails", "phone_numbers", "login_methods", "tenants", "joined",
      "email_verified", "roles", "temporary_password", "second_factor", "second_factor_phone",
    ]);
    expect(lines).toHaveLength(listed.length);
    for (const line of lines) expect(line).toHaveLength(header?.length ?? 0);
    expect(lines.map((l) => l[0])).toEqual(listed.map((r) => r.id));

    // Nothing a spreadsheet would run as a formula: = + - @ at the start is quoted with '.
    for (const line of lines) for (const cell of line) expect(cell).not.toMatch(/^[=+\-@]/);
    expect(lines.find((l) => l[2] === "'=hyperlink@example.com")).toBeDefined();
    const phoneLine = lines.find((l) => (l[3] ?? "") !== "");
    expect(phoneLine?.[3]).toMatch(/^'\+\d+$/);
    const adaLine = lines.find((l) => l[2] === DEMO_ADMIN_EMAIL);
    expect(adaLine?.[8]).toBe("admin");
    expect(lines.filter((l) => l[9] === "true").every((l) => l[0]?.startsWith("legacy-"))).toBe(true);

    const capped = await t.client.invoke("users.export", { tenantId: "public", order: "oldest", max: 10 });
    expect(capped).toMatchObject({ rows: 10, truncated: true });
    expect(parseCsv(capped.csv)).toHaveLength(11);
  });

  it("exports the view the second-factor filter shows, not every user", async () => {
    const listed = (await allRows("newest", 500)).rows;
    for (const state of ["broken", "enrolled"] as const) {
      const expected = listed.filter((r) => r.secondFactor.state === state).map((r) => r.id);
      expect(expected.length).toBeGreaterThan(0);
      const result = await t.client.invoke("users.export", { tenantId: "public", order: "newest", secondFactor: state });
      const [, ...lines] = parseCsv(result.csv);
      expect(lines.map((l) => l[0])).toEqual(expected);
      expect(new Set(lines.map((l) => l[10]))).toEqual(new Set([state]));
      expect(result).toMatchObject({ rows: expected.length, truncated: false });
    }
  });

  it("finds users by email or phone prefix for Ctrl+K", async () => {
    const ada = await t.client.invoke("users.quickSearch", { text: "ada.lov", tenantId: "public" });
    expect(ada.hits).toEqual([{ id: byEmail(DEMO_ADMIN_EMAIL).row.user_id, label: DEMO_ADMIN_EMAIL, tenantIds: ["public"] }]);
    const phones = await t.client.invoke("users.quickSearch", { text: "+1", tenantId: "public" });
    expect(phones.hits).toHaveLength(10);
    for (const hit of phones.hits) expect(hit.label).toMatch(/^\+1/);
    expect((await t.client.invoke("users.quickSearch", { text: "ada.lov", tenantId: "acme" })).hits).toEqual([]);
    await expectFailure(t.invoke("users.quickSearch", { text: "  ", tenantId: "public" }), "VALIDATION");
  });
});

describe("users.delete", () => {
  it("asks for the typed confirmation; a wrong one deletes nothing, the right one deletes the user", async () => {
    const [, , , , victim] = await plainDemoUsers(t.client, 5);
    if (!victim) throw new Error("no user");
    await t.client.invoke("users.addRole", { userId: victim.id, tenantId: "public", role: "support" });
    const countBefore = (await allRows("newest", 500)).rows.length;

    const wrong = await expectFailure(t.invoke("users.delete", { userId: victim.id, confirm: "someone.else@example.com" }), "VALIDATION");
    expect(wrong.field).toBe("confirm");
    await expectFailure(t.invoke("users.delete", { userId: victim.id, confirm: "" }), "VALIDATION");
    expect((await t.client.invoke("users.get", { userId: victim.id })).id).toBe(victim.id);

    // Exactly as shown, as in the dialog: other case or extra spaces are refused, and say why.
    const nearly = await expectFailure(t.invoke("users.delete", { userId: victim.id, confirm: `  ${victim.email.toUpperCase()} ` }), "VALIDATION");
    expect(nearly.message).toContain("capitals and spaces count");
    expect((await t.client.invoke("users.get", { userId: victim.id })).id).toBe(victim.id);
    expect(await t.client.invoke("users.delete", { userId: victim.id, confirm: victim.email })).toEqual({ deleted: true });
    await expectFailure(t.invoke("users.get", { userId: victim.id }), "NOT_FOUND");
    const after = (await allRows("newest", 500)).rows;
    expect(after).toHaveLength(countBefore - 1);
    expect(after.some((r) => r.id === victim.id)).toBe(false);
    expect((await t.client.invoke("roles.users", { role: "support", tenantId: "public" })).users.map((u) => u.id)).not.toContain(victim.id);
    await expectFailure(t.invoke("users.delete", { userId: victim.id, confirm: victim.email }), "NOT_FOUND");
  });
});
