/**
 * The audit chain, whatever store keeps it: an entry's hash is an HMAC over its fields and the
 * previous hash, keyed with a secret sealed by the SecretBox; the head of the chain (last seq and
 * hash) is kept sealed too, so cutting off the newest entries shows. The SQLite log
 * (../audit-log.ts) and the PostgreSQL one (postgres-audit-log.ts) both write and verify with this.
 */
import { createHmac } from "node:crypto";
import type { AuditEntry, JsonObject } from "../../../shared/contract/schemas.ts";
import type { SecretBox } from "../../secrets/secret-box.ts";

/** An entry as both stores keep it (input as JSON text). */
export interface AuditRow {
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

export interface VerifyResult {
  ok: boolean;
  checked: number;
  brokenAtSeq: number | null;
  message: string;
}

export const GENESIS = "0".repeat(64);

/**
 * The hash of an entry: its fields in a fixed order, chained to the previous hash, keyed. The
 * address joins the fields only when there is one, so entries written before it existed (and
 * desktop entries, which have none) keep the hash they were written with.
 */
export function entryHash(key: Buffer, prevHash: string, e: Omit<AuditRow, "hash" | "prev_hash">): string {
  const fields: unknown[] = [e.seq, e.at, e.operator, e.role, e.profile, e.operation, e.target, e.input, e.outcome, e.detail];
  if (e.address !== null) fields.push(e.address);
  return createHmac("sha256", key).update(prevHash).update("\n").update(JSON.stringify(fields)).digest("hex");
}

/** The row to store for a new entry after `last` (undefined: the first entry). */
export function chainedRow(key: Buffer, last: { seq: number; hash: string } | undefined, entry: NewAuditEntry, at: number): AuditRow {
  const row = {
    seq: (last?.seq ?? 0) + 1,
    at,
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
  return { ...row, prev_hash: prevHash, hash: entryHash(key, prevHash, row) };
}

export const sealHead = (secrets: SecretBox, row: Pick<AuditRow, "seq" | "hash">): string => secrets.seal(`${row.seq}:${row.hash}`);

/**
 * Walks the chain from the first entry, one row at a time in seq order (a store feeds it as it
 * reads); `next` answers the first entry that does not fit, `end` checks the sealed head.
 */
export class ChainCheck {
  private prev = GENESIS;
  private expectedSeq = 1;
  private checked = 0;

  constructor(private readonly key: Buffer) {}

  next(row: AuditRow): VerifyResult | null {
    const broken = (why: string, at = row.seq) => ({ ok: false, checked: this.checked, brokenAtSeq: at, message: `The chain breaks at entry ${row.seq}: ${why}` });
    if (row.seq !== this.expectedSeq) return broken(`entry ${this.expectedSeq} is missing`, this.expectedSeq);
    if (row.prev_hash !== this.prev) return broken("it does not follow the entry before it");
    if (entryHash(this.key, this.prev, row) !== row.hash) return broken("its contents were changed after it was written");
    this.prev = row.hash;
    this.expectedSeq += 1;
    this.checked += 1;
    return null;
  }

  /** The sealed head says how far the chain went; a shorter chain lost its newest entries. */
  end(sealedHead: string | undefined, secrets: SecretBox): VerifyResult {
    const [headSeq, headHash] = sealedHead ? secrets.open(sealedHead).split(":") : ["0", GENESIS];
    const lastSeq = this.expectedSeq - 1;
    const checked = this.checked;
    if (Number(headSeq) !== lastSeq || headHash !== this.prev) {
      return {
        ok: false,
        checked,
        brokenAtSeq: Math.min(lastSeq + 1, Number(headSeq)),
        message: `The chain ends at entry ${lastSeq}, but the log had reached entry ${headSeq}: the newest entries were removed or replaced.`,
      };
    }
    return { ok: true, checked, brokenAtSeq: null, message: checked === 0 ? "The audit log is empty." : checked === 1 ? "The 1 entry is intact." : `All ${checked} entries are intact.` };
  }
}

export function toEntry(r: AuditRow): AuditEntry {
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
