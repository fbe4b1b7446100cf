/**
 * Reading a bulk-invite CSV (the "invites.bulk" job kind): the file-level checks (size, empty,
 * header, a delimiter that left everything in one column) and, per row, the contact (email or
 * phone, normalised), tenant and roles with their own errors and line numbers. What needs the
 * Core (unknown tenants and roles, who exists) is checked by the kind's prepare().
 */
import { GatehouseError } from "../../../shared/contract/errors.ts";
import { emailProblem } from "../../../shared/email.ts";
import { parseRecords, sniffDelimiter, stripBom, tooLarge, DELIMITER_NAMES } from "../../csv/read.ts";
import { normalizeEmail, normalizePhone } from "../../services/invites/normalize.ts";

export interface InviteCsvRow {
  line: number;
  /** Normalised when valid, else as written. */
  email: string;
  phoneNumber: string;
  tenantId: string;
  roles: string[];
  errors: string[];
}

const COLUMNS: Record<"email" | "phone" | "tenant" | "roles", readonly string[]> = {
  email: ["email", "emails", "emailaddress", "mail"],
  phone: ["phone", "phonenumber", "phones", "mobile", "mobilenumber", "tel", "telephone"],
  tenant: ["tenant", "tenantid"],
  roles: ["roles", "role"],
};

const EXPECTED = 'a header row with an "email" or "phone" column (optional: "tenant", "roles"), the columns separated by commas, semicolons or tabs';
const TENANT_ID = /^[a-z0-9-]+$/i;

const fileError = (message: string) => new GatehouseError({ code: "VALIDATION", field: "input.csv", message: `input.csv: ${message}` });
const key = (header: string) => header.trim().toLowerCase().replace(/[^a-z]/g, "");
const bare = (err: unknown) => (err instanceof Error ? err.message.replace(/^[a-zA-Z]+: /, "") : String(err));

/** Splits a roles cell on ";" or "|", trimmed, without empties or repeats. */
export const splitRoles = (cell: string): string[] => [...new Set(cell.split(/[;|]/).map((r) => r.trim()).filter((r) => r !== ""))];

/**
 * The rows of a bulk-invite CSV, each with its errors (empty when valid). Throws a VALIDATION
 * GatehouseError for what is wrong with the whole file; nothing of such a file is used.
 */
export function readInviteCsv(csv: string, opts: { defaultTenant: string; defaultRegion: string }): InviteCsvRow[] {
  const size = tooLarge(csv);
  if (size) throw fileError(size);
  const text = stripBom(csv);
  if (text.trim() === "") throw fileError(`the file is empty. Expected ${EXPECTED}.`);
  const delimiter = sniffDelimiter(text);
  const { records, unterminatedAt } = parseRecords(text, delimiter);
  const header = records[0];
  if (!header) throw fileError(`the file has no rows. Expected ${EXPECTED}.`);

  const names = header.cells.map(key);
  const find = (aliases: readonly string[]) => names.findIndex((n) => aliases.includes(n));
  const col = { email: find(COLUMNS.email), phone: find(COLUMNS.phone), tenant: find(COLUMNS.tenant), roles: find(COLUMNS.roles) };
  if (col.email < 0 && col.phone < 0) {
    const found = header.cells.map((c) => `"${c.trim()}"`).join(", ");
    const first = header.cells[0]?.trim() ?? "";
    if (header.cells.length === 1) {
      const other = /[|:^~]/.exec(first)?.[0];
      if (other && first.split(other).some((c) => [...COLUMNS.email, ...COLUMNS.phone].includes(key(c)))) {
        throw fileError(`line ${header.line} is one single column ${found}: its columns seem to be separated by "${other}". Expected ${EXPECTED}.`);
      }
    }
    if (/@|^\+?[\d\s()-]{6,}$/.test(first)) {
      throw fileError(`line ${header.line} (${found}) looks like data, not a header: the header row is missing. Expected ${EXPECTED}.`);
    }
    throw fileError(`line ${header.line} has no "email" or "phone" column among ${found} (read as ${DELIMITER_NAMES[delimiter] ?? delimiter}-separated). Expected ${EXPECTED}.`);
  }
  const body = records.slice(1);
  if (body.length === 0) throw fileError(`the file has a header row but no rows to invite.`);

  const cell = (cells: string[], i: number) => (i < 0 ? "" : (cells[i] ?? "").trim());
  return body.map((record): InviteCsvRow => {
    const errors: string[] = [];
    let email = cell(record.cells, col.email);
    let phoneNumber = cell(record.cells, col.phone);
    const tenantCell = cell(record.cells, col.tenant);
    const tenantId = tenantCell || opts.defaultTenant;
    const roles = splitRoles(cell(record.cells, col.roles));
    if (unterminatedAt !== null && record.line === unterminatedAt) errors.push("a quoted field is never closed (it runs to the end of the file)");
    if (email && phoneNumber) errors.push("has both an email and a phone number; give one per row");
    else if (!email && !phoneNumber) errors.push(`has no ${col.email >= 0 && col.phone >= 0 ? "email or phone number" : col.email >= 0 ? "email" : "phone number"}`);
    else if (email) {
      // The strict check shared with single invites and allow-lists (shared/email.ts), with its reason.
      const problem = emailProblem(email);
      if (problem) errors.push(`"${email}" is not an email address: ${problem}.`);
      else email = normalizeEmail(email);
    } else {
      try {
        phoneNumber = normalizePhone(phoneNumber, opts.defaultRegion);
      } catch (err) {
        errors.push(bare(err));
      }
    }
    if (!TENANT_ID.test(tenantId)) errors.push(`"${tenantId}" is not a tenant id (letters, numbers and hyphens)`);
    return { line: record.line, email, phoneNumber, tenantId, roles, errors };
  });
}
