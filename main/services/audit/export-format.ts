/** The audit log's exports (the same from every store): JSON lines, or CSV a spreadsheet opens safely. */
import type { AuditEntry } from "../../../shared/contract/schemas.ts";

export function auditExport(entries: readonly AuditEntry[], format: "jsonl" | "csv"): { content: string; entries: number } {
  if (format === "jsonl") return { content: entries.map((r) => JSON.stringify(r)).join("\n") + (entries.length ? "\n" : ""), entries: entries.length };
  // New columns go last, so scripts reading earlier exports by position keep working.
  const header = ["seq", "at", "operator", "role", "profile", "operation", "target", "outcome", "detail", "input", "hash", "address"];
  const lines = entries.map((r) =>
    [r.seq, new Date(r.at).toISOString(), r.operator, r.role, r.profile, r.operation, r.target ?? "", r.outcome, r.detail ?? "", JSON.stringify(r.input), r.hash, r.address ?? ""]
      .map(csvCell)
      .join(","),
  );
  return { content: [header.join(","), ...lines].join("\r\n") + "\r\n", entries: entries.length };
}

/** RFC 4180 cell; a leading =, +, - or @ is quoted with ' so spreadsheets do not run it as a formula. */
export function csvCell(value: unknown): string {
  let text = String(value ?? "");
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
