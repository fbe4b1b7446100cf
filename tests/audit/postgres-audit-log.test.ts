/**
 * The audit log on PostgreSQL (team servers with two or more instances), against a real cluster
 * started for the test: two instances appending at once make one chain with consecutive numbers
 * that verifies; paging, filters and exports answer as on SQLite; a changed or removed entry is
 * found; an instance with another server key is refused with a clear message.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FileKeySecretBox } from "../../main/secrets/file-key-box.ts";
import type { NewAuditEntry } from "../../main/services/audit/chain.ts";
import { PostgresAuditLog } from "../../main/services/audit/postgres-audit-log.ts";
import type { AuditEntry } from "../../shared/contract/schemas.ts";
import { openPostgres } from "../../main/store/postgres/pool.ts";
import { startTestPostgres, type TestPostgres } from "../support/postgres.ts";

let dir: string;
let cluster: TestPostgres;
const pools: pg.Pool[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "gatehouse-audit-pg-"));
  cluster = await startTestPostgres();
}, 90_000);

afterAll(async () => {
  await Promise.all(pools.map((p) => p.end()));
  await cluster?.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function database(name: string): Promise<[pg.Pool, pg.Pool]> {
  const url = await cluster.createDatabase(name);
  const a = await openPostgres(url, { max: 4 });
  const b = await openPostgres(url, { max: 4 });
  pools.push(a, b);
  return [a, b];
}

const entry = (i: number, over: Partial<NewAuditEntry> = {}): NewAuditEntry => ({
  operator: i % 3 === 0 ? "Ann@example.org" : "bob@example.org",
  address: `198.51.100.${i % 250}`,
  role: "admin",
  profile: "Production",
  operation: i % 2 ? "roles.create" : "users.updateMetadata",
  target: `target-${i}`,
  input: { i, note: 'commas, "quotes"' },
  outcome: "ok",
  detail: null,
  ...over,
});

describe("the audit log on PostgreSQL", () => {
  it("makes one verifiable chain from two instances appending at once, and streams each entry", async () => {
    const [poolA, poolB] = await database("chain");
    const secrets = new FileKeySecretBox(join(dir, "server.key"));
    const streamed: AuditEntry[] = [];
    const sink = { write: (e: AuditEntry) => void streamed.push(e), close: async () => undefined };
    const [a, b] = await Promise.all([PostgresAuditLog.open(poolA, secrets, Date.now, [sink]), PostgresAuditLog.open(poolB, secrets, Date.now)]);
    const written = await Promise.all(Array.from({ length: 120 }, (_, i) => (i % 2 ? a : b).append(entry(i + 1))));
    expect(written.map((e) => e.seq).sort((x, y) => x - y)).toEqual(Array.from({ length: 120 }, (_, i) => i + 1));
    expect(await a.verify()).toEqual({ ok: true, checked: 120, brokenAtSeq: null, message: "All 120 entries are intact." });
    expect(await b.verify()).toMatchObject({ ok: true, checked: 120 });
    expect(streamed).toHaveLength(60); // only instance a had the sink
    expect(streamed.every((e) => written.some((w) => w.seq === e.seq && w.hash === e.hash))).toBe(true);

    // Paging both ways and the filters, as on SQLite.
    const newest = await b.list({ limit: 50 });
    expect(newest).toMatchObject({ total: 120, position: 0, newerAfterSeq: null, nextBeforeSeq: 71 });
    expect(newest.entries.map((e) => e.seq)).toEqual(Array.from({ length: 50 }, (_, i) => 120 - i));
    const older = await b.list({ limit: 50, beforeSeq: 71 });
    expect(older).toMatchObject({ position: 50, newerAfterSeq: 70, nextBeforeSeq: 21 });
    expect((await b.list({ limit: 50, afterSeq: 70 })).entries[0]?.seq).toBe(120);
    expect((await b.list({ limit: 10, oldest: true })).entries.map((e) => e.seq)).toEqual([10, 9, 8, 7, 6, 5, 4, 3, 2, 1]);
    const ann = await a.list({ limit: 200, operator: "ann@EXAMPLE.org" });
    expect(ann.total).toBe(40);
    expect(ann.entries.every((e) => e.operator === "Ann@example.org" && e.address?.startsWith("198.51.100."))).toBe(true);
    expect((await a.list({ limit: 200, operation: "ROLES.create", target: "target-7" })).entries.map((e) => e.seq)).toHaveLength(1);
    expect(await a.operations()).toEqual(expect.arrayContaining(["roles.create", "users.updateMetadata", "profiles.create"]));

    const csv = await a.export({ operation: "roles.create" }, "csv");
    expect(csv.entries).toBe(60);
    expect(csv.content.split("\r\n")[0]).toBe("seq,at,operator,role,profile,operation,target,outcome,detail,input,hash,address");
    const jsonl = await a.export({}, "jsonl");
    expect(jsonl.content.trim().split("\n").map((l) => (JSON.parse(l) as AuditEntry).seq)).toEqual(Array.from({ length: 120 }, (_, i) => i + 1));
  });

  it("finds an entry changed after it was written, and the newest entries removed", async () => {
    const [pool] = await database("tamper");
    const log = await PostgresAuditLog.open(pool, new FileKeySecretBox(join(dir, "tamper.key")), Date.now);
    for (let i = 1; i <= 10; i++) await log.append(entry(i));
    await pool.query("UPDATE audit_log SET target = 'someone-else' WHERE seq = 4");
    expect(await log.verify()).toMatchObject({ ok: false, brokenAtSeq: 4, message: "The chain breaks at entry 4: its contents were changed after it was written" });
    await pool.query("UPDATE audit_log SET target = 'target-4' WHERE seq = 4");
    expect((await log.verify()).ok).toBe(true);
    await pool.query("DELETE FROM audit_log WHERE seq > 8");
    expect(await log.verify()).toMatchObject({ ok: false, checked: 8, brokenAtSeq: 9, message: "The chain ends at entry 8, but the log had reached entry 10: the newest entries were removed or replaced." });
  });

  it("refuses an instance whose server key did not seal the log's key, saying what to do", async () => {
    const [pool] = await database("keys");
    await PostgresAuditLog.open(pool, new FileKeySecretBox(join(dir, "first.key")), Date.now);
    await expect(PostgresAuditLog.open(pool, new FileKeySecretBox(join(dir, "other.key")), Date.now)).rejects.toThrow(/every instance must use the same server key file/);
  });
});
