/**
 * Where the audit trail is streamed besides the chained log in the store: one JSON line per entry,
 * for a SIEM. A sink never fails the change it reports (the chained log holds it either way); it
 * says once that it is failing, and again when it works.
 */
import type { AuditEntry } from "../../../shared/contract/schemas.ts";

export interface AuditSink {
  /** Called after the entry is committed to the log. */
  write(entry: AuditEntry): void;
  close(): Promise<void>;
}

/** The line every sink sends: the entry as the log keeps it (inputs already redacted), with an ISO time. */
export const auditLine = (entry: AuditEntry): string => JSON.stringify({ type: "gatehouse.audit", time: new Date(entry.at).toISOString(), ...entry });

/** Reports a sink's failures once per outage, not once per entry. */
export class FailureNotice {
  private failing = false;

  constructor(
    private readonly name: string,
    private readonly warn: (line: string) => void,
  ) {}

  failed(err: unknown): void {
    if (this.failing) return;
    this.failing = true;
    this.warn(`audit stream (${this.name}) is failing: ${err instanceof Error ? err.message : String(err)}; entries stay in the audit log.`);
  }

  worked(): void {
    if (!this.failing) return;
    this.failing = false;
    this.warn(`audit stream (${this.name}) works again.`);
  }
}
