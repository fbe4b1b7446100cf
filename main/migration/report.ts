/**
 * The auditor's report: the dated snapshots, the end criterion, and who changed what and when in
 * the migration (from the audit log), as JSON or as one CSV table (a "record" column tells the
 * rows apart). Phones are masked for auditors by the dispatcher, as in every answer.
 */
import type { MigrationSnapshot } from "../../shared/contract/operations/migration.ts";
import type { AuditEntry } from "../../shared/contract/schemas.ts";
import { csvCell } from "../services/audit/export-format.ts";

export interface ReportInput {
  generatedAt: number;
  profile: string;
  roster: { source: string; total: number; updatedAt: number | null };
  criterion: { criterion: unknown; setBy: string | null; setAt: number | null; met: boolean; metAt: number | null };
  snapshots: MigrationSnapshot[];
  changes: AuditEntry[];
}

const iso = (ms: number | null | undefined) => (ms === null || ms === undefined ? "" : new Date(ms).toISOString());
const pct = (share: number) => (share * 100).toFixed(2);

export function buildReport(format: "csv" | "json", r: ReportInput): { filename: string; content: string; snapshots: number; changes: number } {
  const stamp = iso(r.generatedAt).slice(0, 10);
  const changes = r.changes.map((e) => ({ at: iso(e.at), operator: e.operator, role: e.role, profile: e.profile, operation: e.operation, target: e.target, input: e.input, outcome: e.outcome, detail: e.detail }));
  if (format === "json") {
    const content = JSON.stringify(
      {
        report: "migration progress",
        generatedAt: iso(r.generatedAt),
        profile: r.profile,
        roster: { ...r.roster, updatedAt: iso(r.roster.updatedAt) || null },
        criterion: { ...r.criterion, setAt: iso(r.criterion.setAt) || null, metAt: iso(r.criterion.metAt) || null },
        snapshots: r.snapshots.map((s) => ({ ...s, at: iso(s.at) })),
        changes,
      },
      null,
      2,
    );
    return { filename: `migration-report-${stamp}.json`, content: content + "\n", snapshots: r.snapshots.length, changes: changes.length };
  }
  const header = [
    "record",
    "at",
    "kind",
    "demo",
    "tenant",
    "roster_total",
    "migrated",
    "temporary_password",
    "not_migrated",
    "conflict",
    "outside_roster",
    "share_percent",
    "operator",
    "role",
    "operation",
    "target",
    "input",
    "outcome",
    "detail",
  ];
  const blank = (n: number) => Array.from({ length: n }, () => "");
  const lines: unknown[][] = [];
  const c = r.criterion;
  lines.push(["criterion", iso(c.setAt), c.criterion === null ? "none" : JSON.stringify(c.criterion), "", "", ...blank(7), c.setBy ?? "", "", "", "", "", c.met ? "met" : "not met", c.metAt ? `met at ${iso(c.metAt)}` : ""]);
  for (const s of r.snapshots) {
    const counts = (t: Omit<MigrationSnapshot, "id" | "at" | "kind" | "demo" | "tenants"> & { tenantId?: string }) => [t.rosterTotal, t.migrated, t.temporaryPassword, t.notMigrated, t.conflict, t.outsideRoster, pct(t.share)];
    lines.push(["snapshot", iso(s.at), s.kind, s.demo, "(all)", ...counts(s), ...blank(7)]);
    for (const t of s.tenants) lines.push(["snapshot", iso(s.at), s.kind, s.demo, t.tenantId, ...counts(t), ...blank(7)]);
  }
  for (const e of changes) lines.push(["change", e.at, "", "", "", ...blank(7), e.operator, e.role, e.operation, e.target ?? "", JSON.stringify(e.input), e.outcome, e.detail ?? ""]);
  const content = [header.join(","), ...lines.map((l) => l.map(csvCell).join(","))].join("\r\n") + "\r\n";
  return { filename: `migration-report-${stamp}.csv`, content, snapshots: r.snapshots.length, changes: changes.length };
}
