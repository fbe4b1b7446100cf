/**
 * The audit log: every change made through Gatehouse, with who, when, what, target and result.
 * Entries are chained: each entry's hash is an HMAC over the entry and the previous hash, keyed
 * with a secret kept sealed by the SecretBox (the OS keychain in the desktop app). Editing or
 * deleting a row is found by `verify`, which says where the chain breaks; so is cutting off the
 * newest entries, because the head of the chain (last seq and hash) is kept sealed too. Someone
 * who can write the database but not open the sealed key cannot forge a chain that verifies.
 */
import { createHmac, randomBytes } from "node:crypto";
import type { SecretBox } from "../secrets/secret-box.ts";
import type { z } from "zod";
import { OPERATIONS } from "../../shared/contract/index.ts";
import type { auditFilter } from "../../shared/contract/operations/audit.ts";
import type { AuditEntry, JsonObject } from "../../shared/contract/schemas.ts";
import type { StoreDb } from "../store/database.ts";
import type { AuditSink } from "./audit-stream/sink.ts";

export type AuditFilter = z.output<typeof auditFilter>;

export interface AuditPaging {
  limit: number;
  beforeSeq?: number | undefined;
  afterSeq?: number | undefined;
  oldest?: boolean | undefined;
}

export interface AuditPage {
  entries: AuditEntry[];
  /** Entries matching the filter. */
  total: number;
  /** Matching entries newer than the page's first. */
  position: number;
  /** Passed as beforeSeq, fetches the next older page; null on the oldest. */
  nextBeforeSeq: number | null;
  /** Passed as afterSeq, fetches the next newer page; null on the newest. */
  newerAfterSeq: number | null;
}

export interface NewAuditEntry {
  operator: string;
  /** Where the call came from on a team server; null on the desktop. */
  address: string | null;
  role: string;
  profile: string;
  operation: string;
  target: string | null;
  input: JsonObject;
  outcome: "ok" | "error";
  detail: string | null;
}

interface AuditRow {
  seq: number;
  at: number;
  operator: string;
  address: string | null;
  role: string;
  profile: string;
  operation: string;
  target: string | null;
  input: string;
  outcome: "ok" | "error";
  detail: string | null;
  prev_hash: string;
  hash: string;
}

const GENESIS = "0".repeat(64);

/**
 * The hash of an entry: its fields in a fixed order, chained to the previous hash, keyed. The
 * address joins the fields only when there is one, so entries written before it existed (and
 * desktop entries, which have none) keep the hash they were written with.
 */
function entryHash(key: Buffer, prevHash: string, e: Omit<AuditRow, "hash" | "prev_hash">): string {
  const fields: unknown[] = [e.seq, e.at, e.operator, e.role, e.profile, e.operation, e.target, e.input, e.outcome, e.detail];
  if (e.address !== null) fields.push(e.address);
  const canonical = JSON.stringify(fields);
  return createHmac("sha256", key).update(prevHash).update("\n").update(canonical).digest("hex");
}

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
      const row = {
        seq: (last?.seq ?? 0) + 1,
        at: this.now(),
        operator: entry.operator,
        address: entry.address,
        role: entry.role,
        profile: entry.profile,
        operation: entry.operation,
        target: entry.target,
        input: JSON.stringify(entry.input),
        outcome: entry.outcome,
        detail: entry.detail,
      };
      const prevHash = last?.hash ?? GENESIS;
      const hash = entryHash(this.key, prevHash, row);
      this.db
        .prepare(
          "INSERT INTO audit_log (seq, at, operator, address, role, profile, operation, target, input, outcome, detail, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .run(row.seq, row.at, row.operator, row.address, row.role, row.profile, row.operation, row.target, row.input, row.outcome, row.detail, prevHash, hash);
      this.setSetting("audit_head", this.secrets.seal(`${row.seq}:${hash}`));
      return toEntry({ ...row, prev_hash: prevHash, hash });
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
  verify(): { ok: boolean; checked: number; brokenAtSeq: number | null; message: string } {
    let prev = GENESIS;
    let expectedSeq = 1;
    let checked = 0;
    for (const row of this.db.prepare("SELECT * FROM audit_log ORDER BY seq").iterate() as IterableIterator<AuditRow>) {
      const broken = (why: string) => ({ ok: false, checked, brokenAtSeq: row.seq, message: `The chain breaks at entry ${row.seq}: ${why}` });
      if (row.seq !== expectedSeq) return { ...broken(`entry ${expectedSeq} is missing`), brokenAtSeq: expectedSeq };
      if (row.prev_hash !== prev) return broken("it does not follow the entry before it");
      if (entryHash(this.key, prev, row) !== row.hash) return broken("its contents were changed after it was written");
      prev = row.hash;
      expectedSeq += 1;
      checked += 1;
    }
    // The sealed head says how far the chain went; a shorter chain lost its newest entries.
    const head = this.setting("audit_head");
    const [headSeq, headHash] = head ? this.secrets.open(head).split(":") : ["0", GENESIS];
    const lastSeq = expectedSeq - 1;
    if (Number(headSeq) !== lastSeq || headHash !== prev) {
      const missingFrom = Math.min(lastSeq + 1, Number(headSeq));
      return {
        ok: false,
        checked,
        brokenAtSeq: missingFrom,
        message: `The chain ends at entry ${lastSeq}, but the log had reached entry ${headSeq}: the newest entries were removed or replaced.`,
      };
    }
    return { ok: true, checked, brokenAtSeq: null, message: checked === 0 ? "The audit log is empty." : checked === 1 ? "The 1 entry is intact." : `All ${checked} entries are intact.` };
  }

  export(filter: AuditFilter, format: "jsonl" | "csv"): { content: string; entries: number } {
    const { sql, args } = where(filter);
    const rows = (this.db.prepare(`SELECT * FROM audit_log${sql} ORDER BY seq`).all(...args) as AuditRow[]).map(toEntry);
    if (format === "jsonl") return { content: rows.map((r) => JSON.stringify(r)).join("\n") + (rows.length ? "\n" : ""), entries: rows.length };
    // New columns go last, so scripts reading earlier exports by position keep working.
    const header = ["seq", "at", "operator", "role", "profile", "operation", "target", "outcome", "detail", "input", "hash", "address"];
    const lines = rows.map((r) =>
      [r.seq, new Date(r.at).toISOString(), r.operator, r.role, r.profile, r.operation, r.target ?? "", r.outcome, r.detail ?? "", JSON.stringify(r.input), r.hash, r.address ?? ""]
        .map(csvCell)
        .join(","),
    );
    return { content: [header.join(","), ...lines].join("\r\n") + "\r\n", entries: rows.length };
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

function toEntry(r: AuditRow): AuditEntry {
  return {
    seq: r.seq,
    at: r.at,
    operator: r.operator,
    address: r.address,
    role: r.role,
    profile: r.profile,
    operation: r.operation,
    target: r.target,
    input: JSON.parse(r.input) as JsonObject,
    outcome: r.outcome,
    detail: r.detail,
    hash: r.hash,
  };
}

/** RFC 4180 cell; a leading =, +, - or @ is quoted with ' so spreadsheets do not run it as a formula. */
export function csvCell(value: unknown): string {
  let text = String(value ?? "");
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
