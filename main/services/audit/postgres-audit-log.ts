/**
 * The audit log on PostgreSQL, for team servers with two or more instances: one chain for the
 * whole team. Appends take a transaction-scoped advisory lock, so entries from every instance get
 * consecutive sequence numbers and each one chains to the one before it, whichever instance wrote
 * it. The chain's key and sealed head live in the same database, sealed by the SecretBox: every
 * instance must use the same server key file.
 */
import { randomBytes } from "node:crypto";
import type pg from "pg";
import type { AuditEntry } from "../../../shared/contract/schemas.ts";
import type { SecretBox } from "../../secrets/secret-box.ts";
import { inTransaction } from "../../store/postgres/transaction.ts";
import type { AuditSink } from "../audit-stream/sink.ts";
import { ChainCheck, chainedRow, sealHead, toEntry, type AuditRow, type NewAuditEntry, type VerifyResult } from "./chain.ts";
import { auditExport } from "./export-format.ts";
import { auditPage, type AuditPage, type AuditPaging } from "./paging.ts";
import { withAuditedOperations, type AuditFilter, type AuditTrail } from "./trail.ts";

/** Gatehouse's advisory lock for appending to the audit chain ("GHAUDIT" in ASCII). */
const APPEND_LOCK = "20061049372165460";
const VERIFY_BATCH = 5000;

export class PostgresAuditLog implements AuditTrail {
  private constructor(
    private readonly pool: pg.Pool,
    private readonly secrets: SecretBox,
    private readonly key: Buffer,
    private readonly now: () => number,
    private readonly sinks: readonly AuditSink[],
  ) {}

  /** Opens the log, creating its key the first time (two instances starting at once agree on one). */
  static async open(pool: pg.Pool, secrets: SecretBox, now: () => number, sinks: readonly AuditSink[] = []): Promise<PostgresAuditLog> {
    const candidate = secrets.seal(randomBytes(32).toString("base64"));
    await pool.query("INSERT INTO audit_settings (key, value) VALUES ('audit_key', $1) ON CONFLICT (key) DO NOTHING", [candidate]);
    const sealed = await setting(pool, "audit_key");
    if (!sealed) throw new Error("The audit log's key is missing from the database.");
    let key: Buffer;
    try {
      key = Buffer.from(secrets.open(sealed), "base64");
    } catch {
      throw new Error("The audit log's key in the database was sealed with another server key: every instance must use the same server key file.");
    }
    return new PostgresAuditLog(pool, secrets, key, now, sinks);
  }

  async append(entry: NewAuditEntry): Promise<AuditEntry> {
    const stored = await inTransaction(this.pool, async (client) => {
      await client.query("SELECT pg_advisory_xact_lock($1)", [APPEND_LOCK]);
      const last = (await client.query<{ seq: number; hash: string }>("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1")).rows[0];
      const row = chainedRow(this.key, last, entry, this.now());
      await client.query(
        "INSERT INTO audit_log (seq, at, operator, address, role, profile, operation, target, input, outcome, detail, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
        [row.seq, row.at, row.operator, row.address, row.role, row.profile, row.operation, row.target, row.input, row.outcome, row.detail, row.prev_hash, row.hash],
      );
      await client.query("INSERT INTO audit_settings (key, value) VALUES ('audit_head', $1) ON CONFLICT (key) DO UPDATE SET value = excluded.value", [sealHead(this.secrets, row)]);
      return row;
    });
    const written = toEntry(stored);
    for (const sink of this.sinks) sink.write(written);
    return written;
  }

  list(filter: AuditFilter & AuditPaging): Promise<AuditPage> {
    const { sql, args } = where(filter);
    const and = (condition: string) => (sql ? `${sql} AND ${condition}` : ` WHERE ${condition}`);
    return auditPage(filter, {
      rows: async (bound, direction, limit) => {
        const extra = bound ? [bound.seq] : [];
        const condition = bound ? and(`seq ${bound.op} $${args.length + 1}`) : sql;
        const text = `SELECT * FROM audit_log${condition} ORDER BY seq ${direction} LIMIT $${args.length + extra.length + 1}`;
        return (await this.pool.query<AuditRow>(text, [...args, ...extra, limit])).rows;
      },
      count: async (newerThan) => {
        const condition = newerThan === null ? sql : and(`seq > $${args.length + 1}`);
        const text = `SELECT COUNT(*)::int AS n FROM audit_log${condition}`;
        return (await this.pool.query<{ n: number }>(text, newerThan === null ? args : [...args, newerThan])).rows[0]?.n ?? 0;
      },
    });
  }

  async operations(): Promise<string[]> {
    return withAuditedOperations((await this.pool.query<{ operation: string }>("SELECT DISTINCT operation FROM audit_log")).rows.map((r) => r.operation));
  }

  async verify(): Promise<VerifyResult> {
    const check = new ChainCheck(this.key);
    for (let after = 0; ; ) {
      const batch = (await this.pool.query<AuditRow>("SELECT * FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2", [after, VERIFY_BATCH])).rows;
      for (const row of batch) {
        const broken = check.next(row);
        if (broken) return broken;
      }
      const last = batch.at(-1);
      if (!last || batch.length < VERIFY_BATCH) break;
      after = last.seq;
    }
    return check.end(await setting(this.pool, "audit_head"), this.secrets);
  }

  async export(filter: AuditFilter, format: "jsonl" | "csv"): Promise<{ content: string; entries: number }> {
    const { sql, args } = where(filter);
    const rows = (await this.pool.query<AuditRow>(`SELECT * FROM audit_log${sql} ORDER BY seq`, args)).rows;
    return auditExport(rows.map(toEntry), format);
  }
}

async function setting(pool: pg.Pool, key: string): Promise<string | undefined> {
  return (await pool.query<{ value: string }>("SELECT value FROM audit_settings WHERE key = $1", [key])).rows[0]?.value;
}

/** As in SQLite: operator and operation match whatever their case, the target exactly; from and to inclusive. */
function where(filter: AuditFilter): { sql: string; args: unknown[] } {
  const conditions: string[] = [];
  const args: unknown[] = [];
  const add = (condition: (n: string) => string, value: unknown) => {
    args.push(value);
    conditions.push(condition(`$${args.length}`));
  };
  if (filter.operator) add((n) => `lower(operator) = lower(${n})`, filter.operator);
  if (filter.operation) add((n) => `lower(operation) = lower(${n})`, filter.operation);
  if (filter.target) add((n) => `target = ${n}`, filter.target);
  if (filter.from !== undefined) add((n) => `at >= ${n}`, filter.from);
  if (filter.to !== undefined) add((n) => `at <= ${n}`, filter.to);
  return { sql: conditions.length ? ` WHERE ${conditions.join(" AND ")}` : "", args };
}
