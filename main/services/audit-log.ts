/**
 * The audit log: every change made through Gatehouse, with who, when, what, target and result.
 * Entries are chained: each entry's hash is an HMAC over the entry and the previous hash, keyed
 * with a secret kept sealed by the SecretBox (the OS keychain in the desktop app). Editing or
 * deleting a row is found by `verify`, which says where the chain breaks; so is cutting off the
 * newest entries, because the head of the chain (last seq and hash) is kept sealed too. Someone
 * who can write the database but not open the sealed key cannot forge a chain that verifies.
 */
import { randomBytes } from "node:crypto";
import type { AuditEntry } from "../../shared/contract/schemas.ts";
import type { SecretBox } from "../secrets/secret-box.ts";
import type { StoreDb } from "../store/database.ts";
import type { AuditSink } from "./audit-stream/sink.ts";
import { ChainCheck, chainedRow, sealHead, toEntry, type AuditRow, type NewAuditEntry, type VerifyResult } from "./audit/chain.ts";
import { auditExport } from "./audit/export-format.ts";
import { auditPage, type AuditPage, type AuditPaging } from "./audit/paging.ts";
import { withAuditedOperations, type AuditFilter, type AuditTrail } from "./audit/trail.ts";

export type { AuditFilter, AuditTrail };

/** The audit trail in Gatehouse's SQLite (the desktop, and a team server on one machine). */
export class AuditLog implements AuditTrail {
  private readonly key: Buffer;

  constructor(
    private readonly db: StoreDb,
    private readonly secrets: SecretBox,
    private readonly now: () => number,
    /** Where entries are streamed once committed (a file, syslog: services/audit-stream/). */
    private readonly sinks: readonly AuditSink[] = [],
  ) {
    const sealed = this.setting("audit_key");
    if (sealed) {
      this.key = Buffer.from(secrets.open(sealed), "base64");
    } else {
      this.key = randomBytes(32);
      this.setSetting("audit_key", secrets.seal(this.key.toString("base64")));
    }
  }

  private setting(key: string): string | undefined {
    return (this.db.prepare("SELECT value FROM settings WHERE key = ?").get(key) as { value: string } | undefined)?.value;
  }

  private setSetting(key: string, value: string): void {
    this.db.prepare("INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value").run(key, value);
  }

  /** Appends in one synchronous transaction (nothing awaited inside): entries keep the order of the calls. */
  async append(entry: NewAuditEntry): Promise<AuditEntry> {
    const written = this.db.transaction(() => {
      const last = this.db.prepare("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1").get() as { seq: number; hash: string } | undefined;
      const row = chainedRow(this.key, last, entry, this.now());
      this.db
        .prepare(
          "INSERT INTO audit_log (seq, at, operator, address, role, profile, operation, target, input, outcome, detail, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .run(row.seq, row.at, row.operator, row.address, row.role, row.profile, row.operation, row.target, row.input, row.outcome, row.detail, row.prev_hash, row.hash);
      this.setSetting("audit_head", sealHead(this.secrets, row));
      return toEntry(row);
    })();
    for (const sink of this.sinks) sink.write(written);
    return written;
  }

  list(filter: AuditFilter & AuditPaging): Promise<AuditPage> {
    const { sql, args } = where(filter);
    const and = (condition: string) => (sql ? `${sql} AND ${condition}` : ` WHERE ${condition}`);
    return auditPage(filter, {
      rows: (bound, direction, limit) =>
        this.db
          .prepare(`SELECT * FROM audit_log${bound ? and(`seq ${bound.op} ?`) : sql} ORDER BY seq ${direction} LIMIT ?`)
          .all(...args, ...(bound ? [bound.seq] : []), limit) as AuditRow[],
      count: (newerThan) =>
        (this.db.prepare(`SELECT COUNT(*) AS n FROM audit_log${newerThan === null ? sql : and("seq > ?")}`).get(...args, ...(newerThan === null ? [] : [newerThan])) as { n: number }).n,
    });
  }

  async operations(): Promise<string[]> {
    return withAuditedOperations((this.db.prepare("SELECT DISTINCT operation FROM audit_log").all() as { operation: string }[]).map((r) => r.operation));
  }

  async verify(): Promise<VerifyResult> {
    const check = new ChainCheck(this.key);
    for (const row of this.db.prepare("SELECT * FROM audit_log ORDER BY seq").iterate() as IterableIterator<AuditRow>) {
      const broken = check.next(row);
      if (broken) return broken;
    }
    return check.end(this.setting("audit_head"), this.secrets);
  }

  async export(filter: AuditFilter, format: "jsonl" | "csv"): Promise<{ content: string; entries: number }> {
    const { sql, args } = where(filter);
    return auditExport((this.db.prepare(`SELECT * FROM audit_log${sql} ORDER BY seq`).all(...args) as AuditRow[]).map(toEntry), format);
  }
}

/**
 * Operator and operation match whatever their case (people type "Bob" or "ROLES.create"); the
 * target matches exactly, since role names and ids differ by case. `from` and `to` are inclusive.
 */
function where(filter: AuditFilter): { sql: string; args: unknown[] } {
  const conditions: [string, unknown][] = [];
  if (filter.operator) conditions.push(["operator = ? COLLATE NOCASE", filter.operator]);
  if (filter.operation) conditions.push(["operation = ? COLLATE NOCASE", filter.operation]);
  if (filter.target) conditions.push(["target = ?", filter.target]);
  if (filter.from !== undefined) conditions.push(["at >= ?", filter.from]);
  if (filter.to !== undefined) conditions.push(["at <= ?", filter.to]);
  const sql = conditions.length ? ` WHERE ${conditions.map(([c]) => c).join(" AND ")}` : "";
  return { sql, args: conditions.map(([, v]) => v) };
}

export type { NewAuditEntry } from "./audit/chain.ts";
