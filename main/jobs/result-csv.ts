/** The result file of a job: one RFC 4180 row per item (CRLF, quoted where needed). */
import type { JobItem } from "../../shared/contract/operations/jobs.ts";

/** An E.164 phone number: a "+" and digits only, which no spreadsheet runs as a formula. */
const E164 = /^\+[1-9]\d{6,14}$/;

function cell(value: unknown): string {
  if (value === undefined || value === null) return "";
  const text = typeof value === "string" ? value : typeof value === "number" || typeof value === "boolean" ? String(value) : JSON.stringify(value);
  // A leading =, +, - or @ (or tab, CR) would start a formula in a spreadsheet: such a cell gets a
  // leading quote. A phone number is written as it is, so the file can be read back (a bulk
  // invite's result CSV is a valid input of the next one).
  const safe = /^[=+\-@\t\r]/.test(text) && !E164.test(text) ? `'${text}` : text;
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
