/**
 * What the team server's sign-in and operator management write to the audit trail. A small
 * interface so the module does not depend on how the trail is kept; auditLogSink writes to
 * Gatehouse's chained audit trail. Events carry who, from where, what and why — never a password,
 * code, token or link.
 */
import type { AuditEntry } from "../../shared/contract/schemas.ts";
import type { AuditTrail } from "../services/audit/trail.ts";

export interface TeamAuditEvent {
  /** e.g. "team.signIn", "team.invite". */
  operation: string;
  /** The operator's email (or, for a refused sign-in, the email that was tried; "cli:<user>" from the command line). */
  actor: string;
  /** The actor's role, "-" when there is none (someone not signed in). */
  role: string;
  target: string | null;
  address: string | null;
  outcome: "ok" | "error";
  detail: string | null;
}

export interface TeamAudit {
  /** Resolves once the event is written: an answer is not given before its audit entry. */
  record(event: TeamAuditEvent): Promise<void>;
}

/** The profile column of the audit log for team events: they concern the server, not a Core profile. */
export const TEAM_AUDIT_PROFILE = "(team server)";

/** Writes team events to the audit trail; `appended` hears of each entry written (the server's event bus). */
export function auditLogSink(log: AuditTrail, appended?: (entry: AuditEntry) => void): TeamAudit {
  return {
    async record(e) {
      const entry = await log.append({
        operator: e.actor,
        address: e.address,
        role: e.role,
        profile: TEAM_AUDIT_PROFILE,
        operation: e.operation,
        target: e.target,
        input: {},
        outcome: e.outcome,
        detail: e.detail,
      });
      appended?.(entry);
    },
  };
}
