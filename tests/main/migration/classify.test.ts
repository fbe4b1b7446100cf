/**
 * The roster and the classification, end to end: a wrong roster CSV is refused line by line and
 * imports nothing, the right one replaces the roster whole; an app migrates users on the Core
 * (through supertokens-node, as the backend kit does); a scan classifies every roster user and
 * counts SuperTokens users outside the roster; lists per state, the Users list's index filters.
 */
import supertokens from "supertokens-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { C, migrate, passwordless, scan, signUp, startWorld, type World } from "./world.ts";

let w: World;

beforeAll(async () => {
  w = await startWorld();
});

afterAll(async () => {
  await w?.close();
});

describe("the roster from CSV", () => {
  it("refuses a wrong file with every bad line named, and imports nothing of it", async () => {
    const wrong = [
      "legacy_id,email,email_verified,created,password_hash,hash_algorithm",
      "legacy-1,ada@legacy.test,true,2019-01-02,,",
      "legacy-2,not-an-email,true,2019-01-02,,",
      "legacy-3,bob@legacy.test,perhaps,2019-01-02,,",
      "legacy-1,carol@legacy.test,false,2019-01-02,,",
      "legacy-5,dan@legacy.test,true,yesterday,,",
      "legacy-6,eve@legacy.test,true,2019-01-02,$2b$10$short,bcrypt",
      "legacy-7,fay@legacy.test,true,2019-01-02,abc,md5",
    ].join("\n");
    const out = await w.client.invoke("migration.source.importCsv", { rosterCsv: wrong, fileName: "wrong.csv" });
    expect(out.status).toBe("refused");
    if (out.status !== "refused") return;
    expect(out.rows).toBe(7);
    expect(out.problems.map((p) => [p.line, p.field])).toEqual([
      [3, "email"],
      [4, "email_verified"],
      [5, "legacy_id"],
      [6, "created"],
      [7, "password_hash"],
      [8, "hash_algorithm"],
    ]);
    expect(out.problems[2]?.message).toMatch(/"legacy-1" is on line 2 already/);
    const status = await w.client.invoke("migration.source.get", {});
    expect(status.total).toBe(0);
    expect(status.source).toBeNull();
  });

  it("refuses a file without the required columns, naming what is missing", async () => {
    const out = await w.client.invoke("migration.source.importCsv", { rosterCsv: "id,mail\nlegacy-1,a@b.test\n" });
    expect(out.status).toBe("refused");
    if (out.status === "refused") expect(out.problems[0]?.message).toMatch(/no "email_verified", "created" column/);
  });

  it("imports the right file whole, hashes kept out of every answer and the audit log", async () => {
    const hash = "$2b$10$" + "a".repeat(53);
    const csv = [
      "legacy_id,email,email_verified,created,password_hash,hash_algorithm,name",
      ...["1", "2", "3", "4", "5", "6", "7"].map((n) => `legacy-${n},user${n}@legacy.test,${n !== "3"},2019-0${n}-02,${n === "6" ? hash : ""},${n === "6" ? "bcrypt" : ""},User ${n}`),
      "legacy-8,USER1@legacy.test,true,2019-01-02,,,Twin of 1",
    ].join("\n");
    const out = await w.client.invoke("migration.source.importCsv", { rosterCsv: csv, fileName: "roster.csv" });
    expect(out.status).toBe("imported");
    if (out.status !== "imported") return;
    expect(out.imported).toBe(8);
    expect(out.roster).toMatchObject({ total: 8, withHashes: 1, source: { kind: "csv", fileName: "roster.csv" }, tenants: [{ tenantId: "public", count: 8 }] });
    expect(JSON.stringify(out)).not.toContain(hash);
    const audit = (await w.t.auditEntries()).filter((e) => e.operation === "migration.source.importCsv");
    expect(audit.length).toBe(3);
    expect(JSON.stringify(audit)).not.toContain(hash);
    expect(audit.at(-1)?.input).toMatchObject({ rosterCsv: "[redacted]", fileName: "roster.csv" });
    expect(audit.at(-1)?.detail).toBe("imported 8 roster users (replaced 0)");
  });
});

describe("classification after a scan", () => {
  beforeAll(async () => {
    await migrate(w.app, "legacy-1", "user1@legacy.test");
    await migrate(w.app, "legacy-2", "user2@legacy.test", { temporary: true });
    // legacy-3: someone signed up with its email without being migrated.
    await signUp(w.app, "user3@legacy.test");
    // legacy-4: two SuperTokens users share its email (a sign-up and a Passwordless user).
    await signUp(w.app, "user4@legacy.test");
    await passwordless(w.app, { email: "user4@legacy.test" });
    // legacy-5: an account with its email mapped to a legacy id the roster does not have.
    const stray = await signUp(w.app, "user5@legacy.test");
    await w.app.sdk(() => supertokens.createUserIdMapping({ superTokensUserId: stray, externalUserId: "legacy-999" }));
    // Users the roster does not know.
    await signUp(w.app, "someone@elsewhere.test");
    await passwordless(w.app, { phoneNumber: "+14155550177" });
    await scan(w.client, "full");
  });

  it("classifies every roster user and counts the users outside it", async () => {
    const summary = await w.client.invoke("migration.summary", {});
    expect(summary.index.state).toBe("ready");
    expect(summary.overall).toEqual({
      rosterTotal: 8,
      migrated: 1,
      temporaryPassword: 1,
      notMigrated: 2, // legacy-6, legacy-7
      conflict: 4, // legacy-3, legacy-4, legacy-5, legacy-8 (shares legacy-1's email, which has an account)
      outsideRoster: 2,
      share: 2 / 8,
    });
    expect(summary.tenants).toEqual([expect.objectContaining({ tenantId: "public", rosterTotal: 8, share: 0.25, outsideRoster: 2 })]);
  });

  it("lists each state with why a conflict is one", async () => {
    const list = async (state: "migrated" | "temporary-password" | "not-migrated" | "conflict" | "outside-roster", search = "") =>
      (await w.client.invoke("migration.list", { state, search })).rows;
    expect((await list("migrated")).map((r) => [r.legacyId, r.userId, r.via])).toEqual([["legacy-1", "legacy-1", "sign-in"]]);
    expect((await list("temporary-password")).map((r) => [r.legacyId, r.userId, r.via])).toEqual([["legacy-2", "legacy-2", "password-reset"]]);
    expect((await list("not-migrated")).map((r) => r.legacyId)).toEqual(["legacy-6", "legacy-7"]);
    const conflicts = await list("conflict");
    expect(conflicts.map((r) => r.legacyId)).toEqual(["legacy-3", "legacy-4", "legacy-5", "legacy-8"]);
    const reason = (id: string) => conflicts.find((r) => r.legacyId === id)?.reason ?? "";
    expect(reason("legacy-3")).toMatch(/^an account with this email exists: user [0-9a-f-]{36} \(emailpassword\) is not mapped to legacy-3$/);
    expect(reason("legacy-4")).toMatch(/^2 accounts with this email exist: .*emailpassword.*; .*passwordless/);
    expect(reason("legacy-5")).toBe("an account with this email exists: user legacy-999 (emailpassword) is mapped to legacy id legacy-999, which is not in the roster");
    expect(reason("legacy-8")).toBe("an account with this email exists: user legacy-1 (emailpassword) is mapped to another legacy user, legacy-1");
    const outside = await list("outside-roster");
    expect(outside.map((r) => r.email ?? r.phoneNumbers[0])).toEqual(["+14155550177", "someone@elsewhere.test"]);
    expect((await list("conflict", "USER4")).map((r) => r.legacyId)).toEqual(["legacy-4"]);
    expect((await list("not-migrated", "legacy-7")).map((r) => r.legacyId)).toEqual(["legacy-7"]);
  });

  it("answers the Users list's filters from the index, saying how fresh it is", async () => {
    const temp = await w.client.invoke("users.list", { tenantId: "public", order: "newest", limit: 50, temporaryPassword: true });
    expect(temp.rows.map((r) => r.id)).toEqual(["legacy-2"]);
    expect(temp.rows[0]?.superTokensUserId).toMatch(/^[0-9a-f-]{36}$/);
    expect(temp.index).toMatchObject({ state: "ready", matches: 1, stale: false });
    const conflict = await w.client.invoke("users.list", { tenantId: "public", order: "oldest", limit: 50, migrationState: "conflict" });
    expect(conflict.rows.flatMap((r) => r.emails)).toEqual(["user3@legacy.test", "user4@legacy.test", "user4@legacy.test", "user5@legacy.test"]);
    const outside = await w.client.invoke("users.list", { tenantId: "public", order: "newest", limit: 1, migrationState: "outside-roster" });
    expect(outside.rows.length).toBe(1);
    expect(outside.index?.matches).toBe(2);
    const next = await w.client.invoke("users.list", { tenantId: "public", order: "newest", limit: 1, migrationState: "outside-roster", paginationToken: outside.nextPaginationToken ?? "" });
    expect(next.rows.map((r) => r.emails[0])).toEqual(["someone@elsewhere.test"]);
    expect(next.nextPaginationToken).toBeNull();
    // The temporary-password flag as the index has it matches the Core's metadata.
    expect(temp.rows[0]?.temporaryPassword).toBe(true);
    expect(C.temporaryPasswordKey).toBe("isUsingTemporaryPassword");
  });
});
