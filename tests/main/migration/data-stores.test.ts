/**
 * The migration area's data stores, the same contract on SQLite (the default) and PostgreSQL
 * (several team-server instances, here a real cluster started for the test): the roster replaced
 * whole and a legacy service's read staged page by page; the user index filled from a full scan's
 * stage, refreshed and trimmed; the classification and its totals, the lists (paging, search,
 * CSV), the Users-list page from the index with its filters, and the reset-mail template. On
 * PostgreSQL also across two pools (two instances): what one writes the other reads.
 */
import { describe, expect, it } from "vitest";
import { listCsv } from "../../../main/migration/lists.ts";
import { PostgresResetTemplateStore } from "../../../main/migration/reset-links/postgres-template-store.ts";
import { SqliteResetTemplateStore } from "../../../main/migration/reset-links/sqlite-template-store.ts";
import type { ResetTemplateStore } from "../../../main/migration/reset-links/template-store.ts";
import type { RosterEntry } from "../../../main/migration/roster/types.ts";
import { migrationStores, type MigrationStores } from "../../../main/migration/stores.ts";
import type { ListedUser, MetaColumns } from "../../../main/migration/user-index/listed.ts";
import { freshnessOf } from "../../../main/migration/user-index/store.ts";
import type { IndexPageQuery } from "../../../main/migration/user-index/users-page.ts";
import { useSqliteAndPostgres } from "../../support/sqlite-and-postgres.ts";

const both = useSqliteAndPostgres("gatehouse-migration-data-");

const stores: [string, () => MigrationStores][] = [
  ["SQLite", () => migrationStores(both.db)],
  ["PostgreSQL", () => migrationStores(both.db, both.pools[0])],
];
const templateStores: [string, () => ResetTemplateStore][] = [
  ["SQLite", () => new SqliteResetTemplateStore(both.db)],
  ["PostgreSQL", () => new PostgresResetTemplateStore(both.pools[0])],
];

let n = 0;
const unique = (what: string) => `${what}-${++n}-${Date.now()}`;

const entry = (legacyId: string, email: string, fields: Partial<RosterEntry> = {}): RosterEntry => ({ legacyId, email, emailVerified: true, createdAt: 1_500_000_000_000, tenantId: "public", ...fields });

/** A user as the listing shows it; its signature changes with what is given. */
function listed(id: string, timeJoined: number, fields: Partial<ListedUser> = {}): ListedUser {
  const u = { id, timeJoined, emails: [`${id}@example.org`], phones: [], recipes: ["emailpassword"], tenantIds: ["public"], emailVerified: true, plPhone: null, ...fields };
  return { ...u, sig: fields.sig ?? JSON.stringify([u.emails, u.phones, u.tenantIds, u.timeJoined, u.plPhone]) };
}
const meta = (fields: Partial<MetaColumns> = {}): MetaColumns => ({ temp: false, sfLink: null, invite: null, migLegacyId: null, migAt: null, migVia: null, ...fields });
const pageQuery = (q: Partial<IndexPageQuery> = {}): IndexPageQuery => ({ tenantId: "public", order: "oldest", limit: 10, ...q });

/**
 * A profile's index from a full scan's stage: legacy-1 migrated, legacy-2 migrated on a temporary
 * password, a SuperTokens account holding legacy-3's email (a conflict), a user outside the roster
 * with a second factor linked to a Passwordless phone user, and a user in two tenants.
 */
async function scanned(s: MigrationStores, profileId: string, jobId = unique("scan")) {
  const users = [
    listed("legacy-1", 100),
    listed("legacy-2", 200, { emails: ["two@example.org"] }),
    listed("0b6f0a4e-1111-4222-8333-444455556666", 300, { emails: ["Three@Example.org"] }),
    listed("outsider", 400, { emails: ["out@other.test"] }),
    listed("pl-phone", 500, { emails: [], phones: ["+15550001"], recipes: ["passwordless"], plPhone: "+15550001" }),
    listed("both", 600, { tenantIds: ["public", "t2"] }),
  ];
  const metas = new Map([
    ["legacy-2", meta({ temp: true })],
    ["outsider", meta({ sfLink: "pl-phone", invite: "invited" })],
  ]);
  await s.index.stagePages(jobId, [{ listed: users.slice(0, 3), meta: metas }], { tenantId: "public", chunk: 0, row: { cursor: "c1", pages: 1, users: 3, done: 0 } });
  // The second page, and the user listed in two tenants staged once per tenant (as a scan does).
  await s.index.stagePages(jobId, [{ listed: users.slice(3), meta: metas }], { tenantId: "public", chunk: 0, row: { cursor: null, pages: 2, users: 6, done: 1, result: { users: 6 } } });
  await s.index.stagePages(jobId, [{ listed: [users[5] as ListedUser], meta: metas }], { tenantId: "t2", chunk: 0, row: { cursor: null, pages: 1, users: 1, done: 1 } });
  return { jobId, removed: await s.index.replaceFromStage(profileId, jobId) };
}

const roster = [
  entry("legacy-1", "legacy-1@example.org"),
  entry("legacy-2", "two@example.org", { passwordHash: "$2a$10$abc", hashAlgorithm: "bcrypt" }),
  entry("legacy-3", "three@example.org", { data: { name: "Three" } }),
  entry("legacy-4", "same@example.org"),
  entry("legacy-5", "SAME@example.org"),
  entry("legacy-6", "six@example.org", { tenantId: "t2" }),
];

describe.each(stores)("migration data on %s", (_name, make) => {
  it("replaces a roster whole and keeps where it came from; a service's token stays sealed as given", async () => {
    const { roster: r } = make();
    const p = unique("profile");
    expect(await r.replace(p, roster, { kind: "csv", fileName: "a.csv", at: 10, by: "ada" })).toBe(0);
    expect(await r.count(p)).toBe(6);
    expect(await r.withHashes(p)).toBe(1);
    expect(await r.tenants(p)).toEqual([
      { tenantId: "public", count: 5 },
      { tenantId: "t2", count: 1 },
    ]);
    expect(await r.get(p, "legacy-3")).toEqual(roster[2]);
    expect(await r.get(p, "legacy-2")).toMatchObject({ passwordHash: "$2a$10$abc", hashAlgorithm: "bcrypt" });
    expect(await r.source(p)).toMatchObject({ kind: "csv", file_name: "a.csv", set_by: "ada", updated_at: 10, roster_version: 1 });
    expect(await r.replace(p, roster.slice(0, 2), { kind: "demo", at: 20, by: "demo" })).toBe(6);
    expect(await r.count(p)).toBe(2);
    expect(await r.get(p, "legacy-3")).toBeNull();
    expect(await r.version(p)).toBe(2);

    await r.setService(p, { url: "https://legacy.test", tokenSealed: "sealed-1", tenantId: "public", at: 30, by: "bob" });
    await r.setService(p, { url: "https://legacy2.test", tokenSealed: null, tenantId: "t2", at: 40, by: "bob" });
    expect(await r.source(p)).toMatchObject({ kind: "service", url: "https://legacy2.test", token_sealed: "sealed-1", tenant_id: "t2", file_name: null });
    await r.noteRead(p, "job-1", "down");
    expect(await r.source(p)).toMatchObject({ read_job_id: "job-1", read_error: "down" });
    expect(await r.count(p)).toBe(2); // the roster in force stays until a read completes
  });

  it("stages a legacy service's pages and replaces the roster from them once", async () => {
    const { roster: r } = make();
    const p = unique("profile");
    const job = unique("read");
    await r.setService(p, { url: "https://legacy.test", tokenSealed: "s", tenantId: "t2", at: 1, by: "bob" });
    expect(await r.readPage(job, 0)).toBeUndefined();
    await r.stageReadPage(job, 0, { entries: roster.slice(0, 2), cursorOut: "next", skipped: 1, total: 5, problemCount: 0, problems: [] });
    await r.stageReadPage(job, 1, { entries: roster.slice(2, 3), cursorOut: null, skipped: 0, total: 5, problemCount: 3, problems: [{ line: 4, field: "email", message: "bad" }] });
    expect(await r.readPage(job, 0)).toEqual({ cursor_out: "next", users: 2, skipped: 1, total: 5, problem_count: 0 });
    expect(await r.staged(job, ["legacy-1", "legacy-3", "legacy-9"])).toEqual(new Set(["legacy-1", "legacy-3"]));
    expect(await r.readProblems(job)).toEqual([{ line: 4, field: "email", message: "bad" }]);
    expect(await r.readTotals(job)).toEqual({ users: 3, skipped: 1 });
    expect(await r.replaceFromRead(p, job, { tenantId: "t2", at: 50, skippedDisabled: 1, users: 3 })).toBe(true);
    expect(await r.replaceFromRead(p, job, { tenantId: "t2", at: 60, skippedDisabled: 1, users: 3 })).toBe(false);
    expect(await r.count(p)).toBe(3);
    // What a listing gives: no hashes; the service's tenant.
    expect(await r.get(p, "legacy-2")).toEqual({ ...roster[1], passwordHash: undefined, hashAlgorithm: undefined, tenantId: "t2" });
    expect(await r.source(p)).toMatchObject({ kind: "service", updated_at: 50, skipped_disabled: 1, read_job_id: job, read_error: null, roster_version: 1 });
    expect(await r.readPage(job, -1)).toMatchObject({ users: 3, skipped: 1 });
    expect(await r.staged(job, ["legacy-1"])).toEqual(new Set());
  });

  it("fills the index from a full scan's stage, once per user, with the scan's journal", async () => {
    const s = make();
    const p = unique("profile");
    const { jobId, removed } = await scanned(s, p);
    expect(removed).toBe(0);
    expect(await s.index.users(p)).toBe(6);
    expect(await s.index.tenantCount(p, "public")).toBe(6);
    expect(await s.index.tenantUserIds(p, "t2")).toEqual(new Set(["both"]));
    expect(await s.index.chunk(jobId, "public", 0)).toEqual({ cursor: null, pages: 2, users: 6, done: 1, result: JSON.stringify({ users: 6 }) });
    expect((await s.index.sigs(p, ["legacy-1", "nobody"])).get("legacy-1")).toBe(listed("legacy-1", 100).sig);
    expect(await s.index.watched(p, "public")).toEqual(expect.arrayContaining(["legacy-2", "outsider"]));
    await s.index.noteScanned(p, true, 1000, 7);
    expect(await s.index.meta(p)).toMatchObject({ users: 6, built_at: 1000, refreshed_at: 1000, roster_version: 7 });
    expect(await freshnessOf(s.index, p, 2000)).toMatchObject({ state: "ready", builtAt: 1000, ageMs: 1000, users: 6, stale: false });
    // A later full scan that no longer sees two users: the index loses them.
    const next = unique("scan");
    await s.index.stagePages(next, [{ listed: [listed("legacy-1", 100), listed("legacy-2", 200, { emails: ["two@example.org"] })], meta: new Map() }], { tenantId: "public", chunk: 0, row: { cursor: null, pages: 1, users: 2, done: 1 } });
    expect(await s.index.replaceFromStage(p, next)).toBe(4);
    expect(await s.index.users(p)).toBe(2);
    // A stage never replaced is dropped.
    const dropped = unique("scan");
    await s.index.stagePages(dropped, [{ listed: [listed("x", 1)], meta: new Map() }], { tenantId: "public", chunk: 0, row: { cursor: null, pages: 1, users: 1, done: 1 } });
    await s.index.dropStage(dropped);
    expect(await s.index.replaceFromStage(p, dropped)).toBe(2);
    expect(await s.index.users(p)).toBe(0);
  });

  it("classifies the roster against the index, with totals and the end-of-migration reader's pages", async () => {
    const s = make();
    const p = unique("profile");
    await s.roster.replace(p, roster, { kind: "csv", at: 1, by: "ada" });
    expect(await s.roster.unclassified(p)).toBe(6);
    await scanned(s, p);
    await s.classification.classify(p);
    expect(await s.roster.unclassified(p)).toBe(0);
    const t = await s.classification.totals(p);
    expect(t.overall).toEqual({ rosterTotal: 6, migrated: 1, temporaryPassword: 1, notMigrated: 1, conflict: 3, outsideRoster: 3, share: 2 / 6 });
    expect(t.tenants).toEqual([
      expect.objectContaining({ tenantId: "public", rosterTotal: 5, migrated: 1, temporaryPassword: 1, conflict: 3, notMigrated: 0, outsideRoster: 3 }),
      expect.objectContaining({ tenantId: "t2", rosterTotal: 1, notMigrated: 1, outsideRoster: 1 }),
    ]);
    expect((await s.roster.notYetMigrated(p, { limit: 10 })).map((e) => e.legacyId)).toEqual(["legacy-6"]);
    const conflicts = await s.roster.conflicts(p, { limit: 2 });
    expect(conflicts.map((c) => c.entry.legacyId)).toEqual(["legacy-3", "legacy-4"]);
    expect(conflicts[0]?.reason).toBe("an account with this email exists: user 0b6f0a4e-1111-4222-8333-444455556666 (emailpassword) is not mapped to legacy-3");
    expect(conflicts[1]?.reason).toContain("other legacy users with this email in the tenant (legacy-5)");
    expect((await s.roster.conflicts(p, { afterLegacyId: "legacy-4", limit: 2 })).map((c) => c.entry.legacyId)).toEqual(["legacy-5"]);

    // The roster changes: classified again, relations follow (legacy-2 leaves: its account is outside the roster).
    await s.roster.replace(p, roster.filter((e) => e.legacyId !== "legacy-2"), { kind: "csv", at: 2, by: "ada" });
    await s.classification.classify(p);
    expect((await s.classification.totals(p)).overall).toMatchObject({ rosterTotal: 5, migrated: 1, temporaryPassword: 0, outsideRoster: 4 });
    expect((await s.index.page(p, pageQuery({ migrationState: "outside-roster" }))).rows.map((r) => r.id)).toContain("legacy-2");
  });

  it("lists each state by page, searches by the start of an email or id, and exports a list as CSV", async () => {
    const s = make();
    const p = unique("profile");
    await s.roster.replace(p, roster, { kind: "csv", at: 1, by: "ada" });
    await scanned(s, p);
    await s.classification.classify(p);
    const conflict = { state: "conflict" as const, search: "" };
    expect(await s.classification.list(p, conflict, { offset: 0, limit: 2 })).toMatchObject({ total: 3, rows: [{ legacyId: "legacy-3" }, { legacyId: "legacy-4" }] });
    expect((await s.classification.list(p, conflict, { offset: 2, limit: 2 })).rows.map((r) => r.legacyId)).toEqual(["legacy-5"]);
    expect((await s.classification.list(p, { ...conflict, search: "SAME@" }, { offset: 0, limit: 10 })).rows.map((r) => r.legacyId)).toEqual(["legacy-4", "legacy-5"]);
    expect((await s.classification.list(p, { state: "migrated", search: "legacy-" }, { offset: 0, limit: 10 })).rows).toEqual([
      expect.objectContaining({ legacyId: "legacy-1", userId: "legacy-1", email: "legacy-1@example.org", timeJoined: 100, emailVerified: true }),
    ]);
    expect((await s.classification.list(p, { state: "not-migrated", tenantId: "public", search: "" }, { offset: 0, limit: 10 })).total).toBe(0);
    const outside = await s.classification.list(p, { state: "outside-roster", search: "" }, { offset: 0, limit: 10 });
    expect(outside.rows.map((r) => r.userId)).toEqual(["both", "pl-phone", "outsider"]);
    expect((await s.classification.list(p, { state: "outside-roster", search: "other.test" }, { offset: 0, limit: 10 })).rows.map((r) => r.userId)).toEqual(["outsider"]);
    expect((await s.classification.list(p, { state: "outside-roster", tenantId: "t2", search: "" }, { offset: 0, limit: 10 })).rows).toEqual([expect.objectContaining({ userId: "both", tenantId: "t2" })]);
    const { csv, rows } = listCsv(await s.classification.listAll(p, conflict));
    expect(rows).toBe(3);
    expect(csv.split("\r\n")[1]).toMatch(/^conflict,legacy-3,0b6f0a4e-1111-4222-8333-444455556666,three@example.org,,public,true,/);
  });

  it("answers the Users list's filters from the index, by page, and follows a refresh", async () => {
    const s = make();
    const p = unique("profile");
    await s.roster.replace(p, roster, { kind: "csv", at: 1, by: "ada" });
    await scanned(s, p);
    await s.classification.classify(p);
    const temp = await s.index.page(p, pageQuery({ temporaryPassword: true }));
    expect(temp).toMatchObject({ matches: 1, nextPaginationToken: null, rows: [{ id: "legacy-2", temporaryPassword: true, emails: ["two@example.org"] }] });
    const enrolled = await s.index.page(p, pageQuery({ secondFactor: "enrolled" }));
    expect(enrolled.rows).toEqual([expect.objectContaining({ id: "outsider", secondFactor: { state: "enrolled", passwordlessUserId: "pl-phone", phoneNumber: "+15550001" } })]);
    expect((await s.index.page(p, pageQuery({ invite: "invited" }))).rows.map((r) => r.id)).toEqual(["outsider"]);
    expect((await s.index.page(p, pageQuery({ migrationState: "conflict" }))).rows.map((r) => r.id)).toEqual(["0b6f0a4e-1111-4222-8333-444455556666"]);
    expect((await s.index.page(p, pageQuery({ search: "three" }))).rows.map((r) => r.id)).toEqual(["0b6f0a4e-1111-4222-8333-444455556666"]);
    expect((await s.index.page(p, pageQuery({ search: "+1555" }))).rows.map((r) => r.id)).toEqual(["pl-phone"]);
    const first = await s.index.page(p, pageQuery({ migrationState: "outside-roster", order: "newest", limit: 2 }));
    expect(first).toMatchObject({ matches: 3, rows: [{ id: "both" }, { id: "pl-phone" }] });
    const second = await s.index.page(p, pageQuery({ migrationState: "outside-roster", order: "newest", limit: 2, paginationToken: first.nextPaginationToken ?? "" }));
    expect(second).toMatchObject({ matches: 3, nextPaginationToken: null, rows: [{ id: "outsider" }] });

    // A refresh: a new user, the phone user loses its phone (the second factor breaks), a flag cleared.
    await s.index.write(p, [listed("newbie", 700, { emails: ["new@example.org"] }), listed("pl-phone", 500, { emails: [], phones: [], recipes: ["passwordless"], plPhone: null })], new Map([["newbie", meta({ temp: true })]]), new Map([["legacy-2", meta({ temp: false })]]));
    await s.index.resolveSecondFactors(p);
    expect((await s.index.page(p, pageQuery({ temporaryPassword: true }))).rows.map((r) => r.id)).toEqual(["newbie"]);
    expect((await s.index.page(p, pageQuery({ secondFactor: "broken" }))).rows).toEqual([expect.objectContaining({ id: "outsider", secondFactor: { state: "broken", passwordlessUserId: "pl-phone", reason: "no-phone" } })]);
    expect((await s.index.page(p, pageQuery({ search: "+1555" }))).rows).toEqual([]);
    expect((await s.index.page(p, pageQuery({ search: "new@" }))).rows.map((r) => r.id)).toEqual(["newbie"]);
    // A tenant's listing no longer has two users: out of that tenant; one left in no tenant goes.
    await s.index.removeFromTenant(p, "public", ["both", "newbie"]);
    expect(await s.index.tenantUserIds(p, "t2")).toEqual(new Set(["both"]));
    expect(await s.index.tenantCount(p, "public")).toBe(5);
    expect(await s.index.users(p)).toBe(6);
    expect((await s.index.sigs(p, ["both"])).get("both")).toBe("");
  });
});

describe.each(templateStores)("reset-mail templates on %s", (_name, make) => {
  it("keeps a profile's template, replaced whole", async () => {
    const store = make();
    const p = unique("profile");
    expect(await store.get(p)).toBeUndefined();
    await store.put(p, { subject: "S1", text: "T1 {{link}}" }, 1);
    await store.put(p, { subject: "S2", text: "T2 {{link}}" }, 2);
    expect(await store.get(p)).toEqual({ subject: "S2", text: "T2 {{link}}" });
  });
});

describe("on PostgreSQL, two instances (two pools)", () => {
  it("read the roster, index, classification and template the other wrote", async () => {
    const [a, b] = [migrationStores(both.db, both.pools[0]), migrationStores(both.db, both.pools[1])];
    const p = unique("profile");
    await a.roster.replace(p, roster, { kind: "csv", at: 1, by: "ada" });
    await scanned(a, p);
    await a.classification.classify(p);
    expect(await b.roster.count(p)).toBe(6);
    expect((await b.classification.totals(p)).overall).toMatchObject({ migrated: 1, conflict: 3 });
    expect((await b.index.page(p, pageQuery({ temporaryPassword: true }))).rows.map((r) => r.id)).toEqual(["legacy-2"]);
    await new PostgresResetTemplateStore(both.pools[0]).put(p, { subject: "S", text: "T" }, 1);
    expect(await new PostgresResetTemplateStore(both.pools[1]).get(p)).toEqual({ subject: "S", text: "T" });
  });

  it("classify one after the other when both ask at once (the profile's lock), leaving one classification", async () => {
    const [a, b] = [migrationStores(both.db, both.pools[0]), migrationStores(both.db, both.pools[1])];
    const p = unique("profile");
    await a.roster.replace(p, roster, { kind: "csv", at: 1, by: "ada" });
    await scanned(a, p);
    await Promise.all([a.classification.classify(p), b.classification.classify(p), a.classification.classify(p)]);
    expect((await b.classification.totals(p)).overall).toMatchObject({ rosterTotal: 6, migrated: 1, temporaryPassword: 1, notMigrated: 1, conflict: 3 });
  });
});
