/** The result file of a job: one RFC 4180 row per item (CRLF, quoted where needed). */
import type { JobItem } from "../../shared/contract/operations/jobs.ts";

function cell(value: unknown): string {
  if (value === undefined || value === null) return "";
  const text = typeof value === "string" ? value : typeof value === "number" || typeof value === "boolean" ? String(value) : JSON.stringify(value);
  // A leading =, +, - or @ would be a formula in a spreadsheet.
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function resultCsv(items: Iterable<JobItem>, inputColumns: readonly string[], resultColumns: readonly string[]): { content: string; rows: number } {
  const header = ["index", ...inputColumns, "state", ...resultColumns, "error"];
  const lines = [header.map(cell).join(",")];
  let rows = 0;
  for (const item of items) {
    const row = [item.index, ...inputColumns.map((c) => item.input[c]), item.state, ...resultColumns.map((c) => item.result?.[c]), item.error];
    lines.push(row.map(cell).join(","));
    rows += 1;
  }
  return { content: `${lines.join("\r\n")}\r\n`, rows };
}
