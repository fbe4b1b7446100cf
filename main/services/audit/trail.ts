/**
 * The audit trail as the rest of Gatehouse sees it, whichever store keeps it: the desktop's and a
 * single server's SQLite (../audit-log.ts), or PostgreSQL shared by several server instances
 * (postgres-audit-log.ts). Every method is async so a networked store fits.
 */
import type { z } from "zod";
import { OPERATIONS } from "../../../shared/contract/index.ts";
import type { auditFilter } from "../../../shared/contract/operations/audit.ts";
import type { AuditEntry } from "../../../shared/contract/schemas.ts";
import type { NewAuditEntry, VerifyResult } from "./chain.ts";
import type { AuditPage, AuditPaging } from "./paging.ts";

export type AuditFilter = z.output<typeof auditFilter>;

export interface AuditTrail {
  /** Writes the entry at the end of the chain (then streams it to the sinks). */
  append(entry: NewAuditEntry): Promise<AuditEntry>;
  list(filter: AuditFilter & AuditPaging): Promise<AuditPage>;
  /** For the filter's picker: every operation that is audited, and any other name in the log. */
  operations(): Promise<string[]>;
  /** Walks the whole chain; reports the first entry that does not fit. */
  verify(): Promise<VerifyResult>;
  export(filter: AuditFilter, format: "jsonl" | "csv"): Promise<{ content: string; entries: number }>;
}

/** The picker's names: every change the contract audits, and any other name found in the log (team events). */
export const withAuditedOperations = (logged: readonly string[]): string[] => {
  const changes = Object.entries(OPERATIONS).filter(([, spec]) => spec.mutates).map(([name]) => name);
  return [...new Set([...changes, ...logged])].sort();
};
