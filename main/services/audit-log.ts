/**
 * The audit log: every change made through Gatehouse, with who, when, what, target and result.
 * Entries are chained: each entry's hash is an HMAC over the entry and the previous hash, keyed
 * with a secret kept sealed by the SecretBox (the OS keychain in the desktop app). Editing or
 * deleting a row is found by `verify`, which says where the chain breaks; so is cutting off the
 * newest entries, because the head of the chain (last seq and hash) is kept sealed too. Someone
 * who can write the database but not open the sealed key cannot forge a chain that verifies.
 */
import { randomBytes } from "node:crypto";
import type { SecretBox } from "../secrets/secret-box.ts";
import type { z } from "zod";
import { OPERATIONS } from "../../shared/contract/index.ts";
import type { auditFilter } from "../../shared/contract/operations/audit.ts";
import type { StoreDb } from "../store/database.ts";
import type { AuditSink } from "./audit-stream/sink.ts";
import { ChainCheck, chainedRow, sealHead, toEntry, type AuditRow, type NewAuditEntry, type VerifyResult } from "./audit/chain.ts";
import { auditExport } from "./audit/export-format.ts";
import type { AuditPage, AuditPaging } from "./audit/paging.ts";

export type AuditFilter = z.output<typeof auditFilter>;

export class AuditLog {
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

  append(entry: NewAuditEntry): AuditEntry {
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

  /**
   * One page of entries matching the filter, newest first: the newest page, the page older than
   * `beforeSeq`, the page newer than `afterSeq`, or the oldest page. Says how many entries match
   * and how many of them are newer than the page, so the log can be paged both ways and jumped
   * to either end without loading what lies between.
   */
  list(filter: AuditFilter & AuditPaging): AuditPage {
    const { sql, args } = where(filter);
    const and = (condition: string) => (sql ? `${sql} AND ${condition}` : ` WHERE ${condition}`);
    const select = (condition: string | null, direction: "ASC" | "DESC", extra: unknown[], limit: number) =>
      this.db.prepare(`SELECT * FROM audit_log${condition ? and(condition) : sql} ORDER BY seq ${direction} LIMIT ?`).all(...args, ...extra, limit) as AuditRow[];
    const newest = () => select(null, "DESC", [], filter.limit);

    let rows: AuditRow[];
    if (filter.beforeSeq !== undefined) {
      rows = select("seq < ?", "DESC", [filter.beforeSeq], filter.limit);
    } else if (filter.afterSeq !== undefined) {
      // A short page at the top would not line up with the newest page: show the newest then.
      const newer = select("seq > ?", "ASC", [filter.afterSeq], filter.limit + 1);
      rows = newer.length > filter.limit ? newer.slice(0, filter.limit).reverse() : newest();
    } else if (filter.oldest) {
      rows = select(null, "ASC", [], filter.limit).reverse();
    } else {
      rows = newest();
    }

    const count = (condition: string | null, extra: unknown[] = []) =>
      (this.db.prepare(`SELECT COUNT(*) AS n FROM audit_log${condition ? and(condition) : sql}`).get(...args, ...extra) as { n: number }).n;
    const total = count(null);
    const first = rows[0];
    const last = rows[rows.length - 1];
    const position = first ? count("seq > ?", [first.seq]) : 0;
    return {
      entries: rows.map(toEntry),
      total,
      position,
      nextBeforeSeq: last && position + rows.length < total ? last.seq : null,
      newerAfterSeq: first && position > 0 ? first.seq : null,
    };
  }

  /** For the filter's picker: every operation that is audited (the changes), and any other name found in the log. */
  operations(): string[] {
    const logged = (this.db.prepare("SELECT DISTINCT operation FROM audit_log").all() as { operation: string }[]).map((r) => r.operation);
    const changes = Object.entries(OPERATIONS).filter(([, spec]) => spec.mutates).map(([name]) => name);
    return [...new Set([...changes, ...logged])].sort();
  }

  /** Walks the whole chain from the first entry; reports the first entry that does not fit. */
  verify(): VerifyResult {
    const check = new ChainCheck(this.key);
    for (const row of this.db.prepare("SELECT * FROM audit_log ORDER BY seq").iterate() as IterableIterator<AuditRow>) {
      const broken = check.next(row);
      if (broken) return broken;
    }
    return check.end(this.setting("audit_head"), this.secrets);
  }

  export(filter: AuditFilter, format: "jsonl" | "csv"): { content: string; entries: number } {
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
