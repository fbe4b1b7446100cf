/**
 * Reading an allow-list CSV: a UTF-8 BOM, "," ";" or tab (sniffed from the first line), quoted
 * fields ("" escapes, line breaks inside quotes), CRLF or LF, blank lines skipped. The entries
 * come from a column named for the list's kind ("email"; "phone", "phoneNumber"; or "value"),
 * or from a single unnamed column. Every entry keeps the line it started on.
 */
import type { AllowListKind } from "../../../shared/contract/operations/allowlists.ts";
import { MAX_CSV_BYTES, mb, parseRecords, sniffDelimiter, stripBom } from "../../csv/read.ts";
import { normaliseEntry } from "./normalise.ts";

export interface CsvEntries {
  entries: { value: string; line: number }[];
  /** Rows that could not give an entry (empty cell, unterminated quote). */
  rowErrors: { entry: string; line: number; message: string }[];
  /** Problems with the whole file: nothing was read from it. */
  fileErrors: string[];
  rows: number;
}

const HEADERS: Record<AllowListKind, string[]> = {
  email: ["email", "emails", "e-mail", "email address", "emailaddress", "value"],
  phone: ["phone", "phonenumber", "phone number", "phone_number", "phone-number", "phones", "value"],
};


export function readAllowListCsv(csv: string, kind: AllowListKind, region?: string): CsvEntries {
  const bytes = Buffer.byteLength(csv, "utf8");
  if (bytes > MAX_CSV_BYTES) {
    return { entries: [], rowErrors: [], rows: 0, fileErrors: [`The file is ${mb(bytes)} MB; the limit is ${mb(MAX_CSV_BYTES)} MB. Split it into smaller files.`] };
  }
  const text = stripBom(csv);
  const { records, unterminatedAt } = parseRecords(text, sniffDelimiter(text));
  const expected = `a header row with an "${kind === "email" ? "email" : "phone"}" column (or "value"), or a single column of ${kind === "email" ? "email addresses" : "phone numbers"} without a header`;
  const first = records[0];
  if (!first) return { entries: [], rowErrors: [], rows: 0, fileErrors: [`The file has no rows. Expected ${expected}.`] };

  const names = first.cells.map((c) => c.trim().toLowerCase());
  let column = names.findIndex((n) => HEADERS[kind].includes(n));
  let body = records.slice(1);
  if (column < 0) {
    const otherKind = kind === "email" ? "phone" : "email";
    const other = names.findIndex((n) => n !== "value" && HEADERS[otherKind].includes(n));
    if (other >= 0) {
      return { entries: [], rowErrors: [], rows: 0, fileErrors: [`The file has a "${first.cells[other]?.trim() ?? ""}" column, but this is the ${kind} allow-list. Expected ${expected}.`] };
    }
    const single = first.cells.length === 1 && first.cells[0] !== undefined;
    if (single && (normaliseEntry(kind, first.cells[0] ?? "", region).ok || !/^[a-z _-]+$/i.test((first.cells[0] ?? "").trim()))) {
      column = 0;
      body = records; // no header: the first line is an entry
    } else {
      const found = first.cells.map((c) => `"${c.trim()}"`).join(", ");
      return { entries: [], rowErrors: [], rows: 0, fileErrors: [`Line ${first.line}: no ${kind} column among ${found}. Expected ${expected}.`] };
    }
  }

  const entries: CsvEntries["entries"] = [];
  const rowErrors: CsvEntries["rowErrors"] = [];
  for (const record of body) {
    const value = record.cells[column];
    if (value === undefined || value.trim() === "") {
      rowErrors.push({ entry: record.cells.join(","), line: record.line, message: `Line ${record.line}: the ${kind} cell is empty` });
      continue;
    }
    if (unterminatedAt !== null && record.line === unterminatedAt) {
      rowErrors.push({ entry: value, line: record.line, message: `Line ${record.line}: a quoted field is never closed` });
      continue;
    }
    entries.push({ value, line: record.line });
  }
  return { entries, rowErrors, fileErrors: [], rows: body.length };
}

const quote = (cell: string) => (/[",\r\n;\t]|^\s|\s$/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell);

/** The list as CSV (header + one entry a line, as stored), CRLF line ends. */
export function allowListCsv(kind: AllowListKind, list: readonly string[]): string {
  return [kind, ...list].map(quote).join("\r\n") + "\r\n";
}
