/**
 * The audit log through the dispatcher: the hash chain and what `audit.verify` says when someone
 * edits or deletes rows in gatehouse.sqlite, the filters, paging, and the JSON-lines and CSV exports.
 * Two consoles (operators "tester" and "bob") write into one data folder, on a clock the test moves.
 */
import Database from "better-sqlite3";
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AuditEntry } from "../../shared/contract/schemas.ts";
import { parseCsv } from "./helpers/csv.ts";
import { expectFailure, profileInput, startTestGatehouse, type TestGatehouse } from "./helpers/gatehouse.ts";

const T0 = Date.UTC(2025, 5, 2, 8, 0, 0);
const HOUR = 3_600_000;
let clock = T0;
const now = () => clock;

let dataDir: string;
let t: TestGatehouse;
let bob: TestGatehouse;
let all: AuditEntry[];
const FORMULA_NAME = '=HYPERLINK("http://evil.example","click")';

/** Another connection to gatehouse.sqlite, as someone with access to the file would open it. */
function withDb<T>(fn: (db: Database.Database) => T): T {
  const db = new Database(join(dataDir, "gatehouse.sqlite"));
  try {
    return fn(db);
  } finally {
    db.close();
  }
}

const verify = () => t.client.invoke("audit.verify", {});

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), "gatehouse-audit-"));
  t = await startTestGatehouse({ dataDir, now });
  expect(await verify()).toEqual({ ok: true, checked: 0, brokenAtSeq: null, message: "The audit log is empty." });
  bob = await startTestGatehouse({ dataDir, now, operator: "bob", embeddedCore: false });

  // 1-3: tester, hour 0
  await t.client.invoke("profiles.create", profileInput("Alpha", [t.coreUrl]));
  await t.client.invoke("roles.create", { role: "editor", permissions: ["a,b", 'say "hi"'] });
  await t.client.invoke("users.updateMetadata", { userId: "emailAllowList", update: { note: "x" } }).catch(() => undefined); // not a user: audited as error
  clock += HOUR;
  // 4-6: bob, hour 1
  await bob.client.invoke("profiles.create", profileInput("Bravo", ["http://127.0.0.1:3567"]));
  await bob.client.invoke("profiles.create", profileInput(FORMULA_NAME, ["http://127.0.0.1:3567"]));
  await bob.client.invoke("profiles.create", profileInput("Charlie", ["http://127.0.0.1:3567"]));
  clock += HOUR;
  // 7-9: tester, hour 2
  await t.client.invoke("roles.setPermissions", { role: "editor", add: ["c"], remove: [] });
  await expectFailure(t.invoke("roles.create", { role: "editor", permissions: [] }), "CONFLICT");
  await t.client.invoke("roles.delete", { role: "editor" });
  all = (await t.client.invoke("audit.list", { limit: 1000 })).entries;
});

afterAll(async () => {
  await bob?.close();
  await t?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe("the hash chain", () => {
  it("verifies an untouched log", async () => {
    expect(all.map((e) => e.seq)).toEqual([9, 8, 7, 6, 5, 4, 3, 2, 1]);
    expect(new Set(all.map((e) => e.hash)).size).toBe(9);
    expect(await verify()).toEqual({ ok: true, checked: 9, brokenAtSeq: null, message: "All 9 entries are intact." });
  });

  it("finds a row whose input, target, outcome or operator was edited in the database", async () => {
    const edits: [string, string, number][] = [
      ["input", JSON.stringify({ role: "editor", permissions: [] }), 2],
      ["target", "someone-else", 5],
      ["outcome", "ok", 3],
      ["operator", "mallory", 8],
    ];
    for (const [column, value, seq] of edits) {
      const original = withDb((db) => db.prepare(`SELECT ${column} AS v FROM audit_log WHERE seq = ?`).get(seq) as { v: string });
      withDb((db) => db.prepare(`UPDATE audit_log SET ${column} = ? WHERE seq = ?`).run(value, seq));
      try {
        const result = await verify();
        expect(result, column).toMatchObject({ ok: false, brokenAtSeq: seq, checked: seq - 1 });
        expect(result.message).toBe(`The chain breaks at entry ${seq}: its contents were changed after it was written`);
      } finally {
        withDb((db) => db.prepare(`UPDATE audit_log SET ${column} = ? WHERE seq = ?`).run(original.v, seq));
      }
      expect((await verify()).ok).toBe(true);
    }
  });

  it("finds an edited row even when its hash was recomputed without the key", async () => {
    // Someone who can write the database edits entry 4 and recomputes a plain SHA-256 for it...
    type Row = Record<"seq" | "at" | "operator" | "role" | "profile" | "operation" | "target" | "input" | "outcome" | "detail" | "prev_hash" | "hash", unknown>;
    const row = withDb((db) => db.prepare("SELECT * FROM audit_log WHERE seq = 4").get() as Row);
    const forged: Row = { ...row, target: "nothing-to-see" };
    const canonical = JSON.stringify([forged.seq, forged.at, forged.operator, forged.role, forged.profile, forged.operation, forged.target, forged.input, forged.outcome, forged.detail]);
    const hash = createHash("sha256").update(String(row.prev_hash)).update("\n").update(canonical).digest("hex");
    withDb((db) => db.prepare("UPDATE audit_log SET target = ?, hash = ? WHERE seq = 4").run(forged.target, hash));
    try {
      // ...but the chain is keyed with a sealed secret, so the forged hash does not verify.
      expect(await verify()).toEqual({ ok: false, checked: 3, brokenAtSeq: 4, message: "The chain breaks at entry 4: its contents were changed after it was written" });
    } finally {
      withDb((db) => db.prepare("UPDATE audit_log SET target = ?, hash = ? WHERE seq = 4").run(row.target, row.hash));
    }
    expect((await verify()).ok).toBe(true);
  });

  it("finds the newest entries cut off, from the sealed head of the chain", async () => {
    const last = withDb((db) => db.prepare("SELECT * FROM audit_log ORDER BY seq DESC LIMIT 1").get() as Record<string, unknown>);
    const lastSeq = Number(last.seq);
    const restore = deleteRow(lastSeq);
    try {
      const result = await verify();
      expect(result).toMatchObject({ ok: false, brokenAtSeq: lastSeq });
      expect(result.message).toContain(`the log had reached entry ${lastSeq}`);
    } finally {
      restore();
    }
    expect((await verify()).ok).toBe(true);
  });

  it("reports the gap where a row was deleted", async () => {
    const restore = deleteRow(5);
    try {
      expect(await verify()).toEqual({ ok: false, checked: 4, brokenAtSeq: 5, message: "The chain breaks at entry 6: entry 5 is missing" });
      expect((await t.client.invoke("audit.list", { limit: 100 })).entries.map((e) => e.seq)).not.toContain(5);
    } finally {
      restore();
    }
    expect((await verify()).ok).toBe(true);

    const restoreFirst = deleteRow(1);
    try {
      expect(await verify()).toMatchObject({ ok: false, checked: 0, brokenAtSeq: 1 });
    } finally {
      restoreFirst();
    }
    expect((await verify()).ok).toBe(true);
  });
});

/** Deletes entry `seq` from the database; returns how to put it back. */
function deleteRow(seq: number): () => void {
  const saved = withDb((db) => db.prepare("SELECT * FROM audit_log WHERE seq = ?").get(seq) as Record<string, unknown>);
  withDb((db) => db.prepare("DELETE FROM audit_log WHERE seq = ?").run(seq));
  return () =>
    withDb((db) =>
      db
        .prepare(
          "INSERT INTO audit_log (seq, at, operator, role, profile, operation, target, input, outcome, detail, prev_hash, hash) VALUES (@seq, @at, @operator, @role, @profile, @operation, @target, @input, @outcome, @detail, @prev_hash, @hash)",
        )
        .run(saved),
    );
}

describe("reading the log", () => {
  it("filters by operator, operation, target and time", async () => {
    const list = async (filter: Record<string, unknown>) => (await t.client.invoke("audit.list", { limit: 100, ...filter })).entries.map((e) => e.seq);
    expect(await list({ operator: "bob" })).toEqual([6, 5, 4]);
    expect(await list({ operator: "tester" })).toEqual([9, 8, 7, 3, 2, 1]);
    expect(await list({ operator: "nobody" })).toEqual([]);
    expect(await list({ operation: "roles.create" })).toEqual([8, 2]);
    expect(await list({ target: "editor" })).toEqual([9, 8, 7, 2]);
    expect(await list({ target: FORMULA_NAME })).toEqual([5]);
    expect(await list({ from: T0 + HOUR })).toEqual([9, 8, 7, 6, 5, 4]);
    expect(await list({ to: T0 + HOUR })).toEqual([6, 5, 4, 3, 2, 1]);
    expect(await list({ from: T0 + HOUR, to: T0 + HOUR })).toEqual([6, 5, 4]);
    expect(await list({ operator: "tester", operation: "roles.create", from: T0 + HOUR })).toEqual([8]);

    const entries = (await t.client.invoke("audit.list", { limit: 100 })).entries;
    expect(entries.find((e) => e.seq === 3)).toMatchObject({ operation: "users.updateMetadata", outcome: "error", target: "emailAllowList" });
    expect(entries.find((e) => e.seq === 8)?.detail).toMatch(/^CONFLICT: /);
    expect(entries.find((e) => e.seq === 4)).toMatchObject({ operator: "bob", role: "admin", profile: "Local demo", at: T0 + HOUR });
  });

  it("pages newest first with nextBeforeSeq, also under a filter", async () => {
    const seen: number[] = [];
    let beforeSeq: number | undefined;
    let pages = 0;
    for (;;) {
      const page = await t.client.invoke("audit.list", { limit: 4, ...(beforeSeq !== undefined ? { beforeSeq } : {}) });
      seen.push(...page.entries.map((e) => e.seq));
      pages += 1;
      if (page.nextBeforeSeq === null) break;
      expect(page.nextBeforeSeq).toBe(page.entries.at(-1)?.seq);
      beforeSeq = page.nextBeforeSeq;
    }
    expect(pages).toBe(3);
    expect(seen).toEqual([9, 8, 7, 6, 5, 4, 3, 2, 1]);

    const first = await t.client.invoke("audit.list", { limit: 2, operator: "tester" });
    expect(first.entries.map((e) => e.seq)).toEqual([9, 8]);
    const second = await t.client.invoke("audit.list", { limit: 2, operator: "tester", beforeSeq: first.nextBeforeSeq ?? 0 });
    expect(second.entries.map((e) => e.seq)).toEqual([7, 3]);
    const exact = await t.client.invoke("audit.list", { limit: 3, operator: "bob" });
    expect(exact.nextBeforeSeq).toBeNull();
  });

  it("pages both ways and jumps to either end, saying how many entries match and where the page is", async () => {
    const page = async (paging: Record<string, unknown>, filter: Record<string, unknown> = {}) => {
      const p = await t.client.invoke("audit.list", { limit: 4, ...filter, ...paging });
      return { seqs: p.entries.map((e) => e.seq), total: p.total, position: p.position, older: p.nextBeforeSeq, newer: p.newerAfterSeq };
    };
    expect(await page({})).toEqual({ seqs: [9, 8, 7, 6], total: 9, position: 0, older: 6, newer: null });
    expect(await page({ beforeSeq: 6 })).toEqual({ seqs: [5, 4, 3, 2], total: 9, position: 4, older: 2, newer: 5 });
    expect(await page({ beforeSeq: 2 })).toEqual({ seqs: [1], total: 9, position: 8, older: null, newer: 1 });
    expect(await page({ afterSeq: 1 })).toEqual({ seqs: [5, 4, 3, 2], total: 9, position: 4, older: 2, newer: 5 });
    // The oldest page, straight away; newer pages from there; a short page at the top is the newest page.
    expect(await page({ oldest: true })).toEqual({ seqs: [4, 3, 2, 1], total: 9, position: 5, older: null, newer: 4 });
    expect(await page({ afterSeq: 4 })).toEqual({ seqs: [8, 7, 6, 5], total: 9, position: 1, older: 5, newer: 8 });
    expect(await page({ afterSeq: 8 })).toEqual({ seqs: [9, 8, 7, 6], total: 9, position: 0, older: 6, newer: null });
    // Under a filter, counts and positions are of the matching entries.
    expect(await page({ oldest: true }, { operator: "tester" })).toEqual({ seqs: [7, 3, 2, 1], total: 6, position: 2, older: null, newer: 7 });
    expect(await page({ afterSeq: 7 }, { operator: "tester" })).toEqual({ seqs: [9, 8, 7, 3], total: 6, position: 0, older: 3, newer: null });
    expect(await page({}, { operator: "nobody" })).toEqual({ seqs: [], total: 0, position: 0, older: null, newer: null });
  });

  it("matches operator and operation whatever their case (the target exactly)", async () => {
    const list = async (filter: Record<string, unknown>) => (await t.client.invoke("audit.list", { limit: 100, ...filter })).entries.map((e) => e.seq);
    expect(await list({ operator: "BOB" })).toEqual([6, 5, 4]);
    expect(await list({ operator: " Tester " })).toEqual([9, 8, 7, 3, 2, 1]);
    expect(await list({ operation: "Roles.Create" })).toEqual([8, 2]);
    expect(await list({ operation: "ROLES.CREATE", operator: "tEsTeR" })).toEqual([8, 2]);
    expect(await list({ target: "EDITOR" })).toEqual([]);
    expect((await t.client.invoke("audit.export", { format: "jsonl", operator: "Bob" })).entries).toBe(3);
  });

  it("refuses a From after the To, naming the field, in the list and the export", async () => {
    for (const op of ["audit.list", "audit.export"] as const) {
      const input = op === "audit.list" ? { limit: 10 } : { format: "csv" };
      const error = await expectFailure(t.invoke(op, { ...input, from: T0 + 2 * HOUR, to: T0 + HOUR }), "VALIDATION");
      expect(error.field).toBe("from");
      expect(error.message).toContain("“From” is after “To”");
    }
    // The same instant is a range of one millisecond, not an error.
    expect((await t.client.invoke("audit.list", { limit: 10, from: T0 + HOUR, to: T0 + HOUR })).entries.map((e) => e.seq)).toEqual([6, 5, 4]);
  });

  it("offers every audited operation for the filter, and any other found in the log", async () => {
    const { operations } = await t.client.invoke("audit.operations", {});
    expect(operations).toEqual([...operations].sort());
    for (const op of ["roles.create", "roles.delete", "profiles.create", "users.updateMetadata", "invites.create", "users.delete"]) expect(operations).toContain(op);
    expect(operations).not.toContain("audit.list");
    expect(new Set(operations).size).toBe(operations.length);
  });

  it("exports JSON lines: one parseable entry per line, oldest first", async () => {
    const { content, entries } = await t.client.invoke("audit.export", { format: "jsonl" });
    expect(entries).toBe(9);
    expect(content.endsWith("\n")).toBe(true);
    const lines = content.trimEnd().split("\n");
    expect(lines).toHaveLength(9);
    expect(lines.map((l) => JSON.parse(l) as AuditEntry)).toEqual([...all].reverse());

    const bobs = await t.client.invoke("audit.export", { format: "jsonl", operator: "bob" });
    expect(bobs.entries).toBe(3);
    expect(bobs.content.trimEnd().split("\n").map((l) => (JSON.parse(l) as AuditEntry).seq)).toEqual([4, 5, 6]);
    expect(await t.client.invoke("audit.export", { format: "jsonl", operator: "nobody" })).toEqual({ content: "", entries: 0 });
  });

  it("exports CSV with a header, RFC 4180 quoting and formula-looking cells escaped", async () => {
    const { content, entries } = await t.client.invoke("audit.export", { format: "csv" });
    expect(entries).toBe(9);
    expect(content.endsWith("\r\n")).toBe(true);
    const [header, ...rows] = parseCsv(content);
    expect(header).toEqual(["seq", "at", "operator", "role", "profile", "operation", "target", "outcome", "detail", "input", "hash", "address"]);
    expect(rows).toHaveLength(9);
    const bySeq = new Map(all.map((e) => [e.seq, e]));
    for (const row of rows) {
      const e = bySeq.get(Number(row[0]));
      expect(row).toHaveLength(12);
      expect(row[11]).toBe(""); // desktop entries have no address
      expect(row[1]).toBe(new Date(e?.at ?? 0).toISOString());
      expect(row[5]).toBe(e?.operation);
      expect(JSON.parse(row[9] ?? "")).toEqual(e?.input); // commas and quotes in the input survive
      expect(row[10]).toBe(e?.hash);
    }
    // The name that a spreadsheet would run as a formula comes back with a leading quote.
    expect(rows.find((r) => r[0] === "5")?.[6]).toBe(`'${FORMULA_NAME}`);
    expect(content).toContain(`"'=HYPERLINK(""http://evil.example"",""click"")"`);
    for (const row of rows) for (const cell of row) expect(cell).not.toMatch(/^[=+\-@]/);
    expect(rows.find((r) => r[0] === "2")?.[9]).toContain('"a,b"');

    const filtered = parseCsv((await t.client.invoke("audit.export", { format: "csv", operation: "profiles.create" })).content);
    expect(filtered.slice(1).map((r) => r[0])).toEqual(["1", "4", "5", "6"]);
    expect(parseCsv((await t.client.invoke("audit.export", { format: "csv", operator: "nobody" })).content)).toEqual([header]);
  });
});
