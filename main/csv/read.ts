/**
 * Reading CSV text for bulk work (allow-list imports, bulk invites): a UTF-8 BOM, "," ";" or tab
 * (sniffed from the first line), quoted fields ("" escapes, line breaks inside quotes), CRLF or
 * LF, blank lines skipped. Every record keeps the line it started on.
 */

export const MAX_CSV_BYTES = 50 * 1024 * 1024;

export interface CsvRecord {
  line: number;
  cells: string[];
}

/** Megabytes for messages ("50", "51.2"). */
export const mb = (bytes: number): string => (bytes / 1024 / 1024).toFixed(1).replace(/\.0$/, "");

/** The size refusal for a file over MAX_CSV_BYTES, or null; checked before anything is parsed. */
export function tooLarge(csv: string): string | null {
  // A UTF-16 string is at least its length in UTF-8 bytes: only near the limit is it counted.
  if (csv.length <= MAX_CSV_BYTES / 3) return null;
  const bytes = Buffer.byteLength(csv, "utf8");
  return bytes > MAX_CSV_BYTES ? `The file is ${mb(bytes)} MB; the limit is ${mb(MAX_CSV_BYTES)} MB. Split it into smaller files.` : null;
}

export const stripBom = (text: string): string => (text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);

export const DELIMITER_NAMES: Record<string, string> = { ",": "comma", ";": "semicolon", "\t": "tab" };

export function sniffDelimiter(text: string): string {
  let firstLine = "";
  for (const line of text.split(/\r?\n/)) {
    if (line.trim() !== "") {
      firstLine = line;
      break;
    }
  }
  const outside = firstLine.replace(/"[^"]*("|$)/g, "");
  const counts = [",", ";", "\t"].map((d) => ({ d, n: outside.split(d).length - 1 }));
  const best = counts.reduce((a, b) => (b.n > a.n ? b : a));
  return best.n > 0 ? best.d : ",";
}

/** RFC 4180-ish records with their starting line numbers; blank lines are skipped. */
export function parseRecords(text: string, delimiter: string): { records: CsvRecord[]; unterminatedAt: number | null } {
  const records: CsvRecord[] = [];
  let cells: string[] = [];
  let cell = "";
  let quoted = false;
  let line = 1;
  let startLine = 1;
  let touched = false; // the record has content (so a blank line is not a record)
  const endRecord = () => {
    cells.push(cell);
    if (touched || cells.length > 1 || cell !== "") {
      if (cells.some((c) => c.trim() !== "")) records.push({ line: startLine, cells });
    }
    cells = [];
    cell = "";
    touched = false;
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          cell += '"';
          i++;
        } else quoted = false;
      } else {
        if (ch === "\n") line++;
        cell += ch;
      }
      continue;
    }
    if (ch === '"' && cell.trim() === "") {
      quoted = true;
      touched = true;
      cell = "";
    } else if (ch === delimiter) {
      cells.push(cell);
      cell = "";
      touched = true;
    } else if (ch === "\r" || ch === "\n") {
      if (ch === "\r" && text[i + 1] === "\n") i++;
      endRecord();
      line++;
      startLine = line;
    } else {
      cell += ch;
    }
  }
  const unterminatedAt = quoted ? startLine : null;
  if (cell !== "" || cells.length > 0 || touched) endRecord();
  return { records, unterminatedAt };
}
