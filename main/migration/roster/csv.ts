/**
 * Reading a legacy roster from CSV: legacy id, email, email verified, created, and optionally a
 * password hash with its algorithm and a tenant; any other column is kept as a profile field to
 * import. Every problem names its line (1 = the header) and field. The caller imports nothing
 * unless the whole file is clean.
 */
import { emailProblem } from "../../../shared/email.ts";
import { DELIMITER_NAMES, parseRecords, sniffDelimiter, stripBom, tooLarge } from "../../csv/read.ts";
import type { RosterEntry, RosterHashAlgorithm } from "./types.ts";

export interface RosterProblem {
  line: number;
  field: string | null;
  message: string;
}

export type RosterCsvResult = { ok: true; entries: RosterEntry[] } | { ok: false; problems: RosterProblem[]; rows: number };

type Column = "legacyId" | "email" | "emailVerified" | "created" | "passwordHash" | "hashAlgorithm" | "tenant";

const ALIASES: Record<Column, readonly string[]> = {
  legacyId: ["legacyid", "id", "userid", "externalid", "externaluserid"],
  email: ["email", "emailaddress", "mail"],
  emailVerified: ["emailverified", "verified", "isemailverified"],
  created: ["created", "createdat", "createdon", "timejoined", "joined"],
  passwordHash: ["passwordhash", "hash"],
  hashAlgorithm: ["hashalgorithm", "algorithm", "hashingalgorithm"],
  tenant: ["tenant", "tenantid"],
};
/** What the column is called in messages. */
const NAMES: Record<Column, string> = {
  legacyId: "legacy_id",
  email: "email",
  emailVerified: "email_verified",
  created: "created",
  passwordHash: "password_hash",
  hashAlgorithm: "hash_algorithm",
  tenant: "tenant",
};
const REQUIRED: Column[] = ["legacyId", "email", "emailVerified", "created"];
const ALGORITHMS: readonly RosterHashAlgorithm[] = ["bcrypt", "argon2", "firebase_scrypt"];
const TENANT_ID = /^[a-z0-9-]+$/i;
const TRUE = new Set(["true", "1", "yes", "y", "t"]);
const FALSE = new Set(["false", "0", "no", "n", "f"]);
const BCRYPT = /^\$2[abxy]?\$\d{2}\$[./A-Za-z0-9]{53}$/;
const ARGON2 = /^\$argon2(id|i|d)\$/;
/** The Core's limit for an external user id is far above this; a legacy id longer than this is a wrong column. */
const MAX_ID = 256;

const key = (header: string) => header.trim().toLowerCase().replace(/[^a-z]/g, "");

export function readRosterCsv(csv: string, defaultTenant: string): RosterCsvResult {
  const fileProblem = (message: string): RosterCsvResult => ({ ok: false, problems: [{ line: 1, field: null, message }], rows: 0 });
  const size = tooLarge(csv);
  if (size) return fileProblem(size);
  const text = stripBom(csv);
  if (text.trim() === "") return fileProblem("The file is empty. Expected a header row: legacy_id, email, email_verified, created (optional: password_hash, hash_algorithm, tenant).");
  const delimiter = sniffDelimiter(text);
  const { records, unterminatedAt } = parseRecords(text, delimiter);
  const header = records[0];
  if (!header) return fileProblem("The file has no rows.");
  const names = header.cells.map(key);
  const col = Object.fromEntries((Object.keys(ALIASES) as Column[]).map((c) => [c, names.findIndex((n) => ALIASES[c].includes(n))])) as Record<Column, number>;
  const missing = REQUIRED.filter((c) => col[c] < 0);
  if (missing.length > 0) {
    const found = header.cells.map((c) => `"${c.trim()}"`).join(", ");
    return fileProblem(
      `Line ${header.line} (the header) has no ${missing.map((c) => `"${NAMES[c]}"`).join(", ")} column among ${found} (read as ${DELIMITER_NAMES[delimiter] ?? delimiter}-separated). ` +
        "Expected: legacy_id, email, email_verified, created (optional: password_hash, hash_algorithm, tenant).",
    );
  }
  const known = new Set(Object.values(col).filter((i) => i >= 0));
  const extra = header.cells.map((h, i) => ({ name: h.trim(), i })).filter((c) => !known.has(c.i) && c.name !== "");
  const body = records.slice(1);
  if (body.length === 0) return fileProblem("The file has a header row but no legacy users.");

  const problems: RosterProblem[] = [];
  const entries: RosterEntry[] = [];
  const firstLineOf = new Map<string, number>();
  const cell = (cells: string[], c: Column) => (col[c] < 0 ? "" : (cells[col[c]] ?? "").trim());
  for (const record of body) {
    const bad = (field: Column | null, message: string) => problems.push({ line: record.line, field: field && NAMES[field], message });
    const before = problems.length;
    if (unterminatedAt !== null && record.line === unterminatedAt) bad(null, "A quoted field is never closed (it runs to the end of the file).");
    if (record.cells.length > header.cells.length) bad(null, `The line has ${record.cells.length} cells; the header has ${header.cells.length}. Quote cells that hold a ${DELIMITER_NAMES[delimiter] ?? delimiter}.`);

    const legacyId = cell(record.cells, "legacyId");
    if (legacyId === "") bad("legacyId", "The legacy id is empty.");
    else if (legacyId.length > MAX_ID) bad("legacyId", `The legacy id is ${legacyId.length} characters long; at most ${MAX_ID}.`);
    else if (firstLineOf.has(legacyId)) bad("legacyId", `The legacy id "${legacyId}" is on line ${firstLineOf.get(legacyId)} already.`);
    else firstLineOf.set(legacyId, record.line);

    const rawEmail = cell(record.cells, "email");
    const email = rawEmail.toLowerCase();
    const emailIssue = rawEmail === "" ? "is empty" : emailProblem(email);
    if (emailIssue) bad("email", rawEmail === "" ? "The email is empty." : `"${rawEmail}" is not an email address: ${emailIssue}.`);

    const verifiedCell = cell(record.cells, "emailVerified").toLowerCase();
    const emailVerified = TRUE.has(verifiedCell);
    if (!emailVerified && !FALSE.has(verifiedCell)) bad("emailVerified", `"${cell(record.cells, "emailVerified")}" is not true or false (also 1/0, yes/no).`);

    const created = parseCreated(cell(record.cells, "created"));
    if (created === undefined) bad("created", `"${cell(record.cells, "created")}" is not a date: use ISO 8601 (2021-03-04 or 2021-03-04T10:00:00Z) or milliseconds since 1970.`);

    const passwordHash = cell(record.cells, "passwordHash");
    let algorithm = cell(record.cells, "hashAlgorithm").toLowerCase() as RosterHashAlgorithm | "";
    if (passwordHash === "" && algorithm !== "") bad("passwordHash", `A hash algorithm (${algorithm}) is given without a password hash.`);
    if (passwordHash !== "") {
      if (algorithm === "") algorithm = BCRYPT.test(passwordHash) ? "bcrypt" : ARGON2.test(passwordHash) ? "argon2" : "";
      if (algorithm === "") bad("hashAlgorithm", "The password hash has no algorithm: give bcrypt, argon2 or firebase_scrypt in hash_algorithm.");
      else if (!ALGORITHMS.includes(algorithm)) bad("hashAlgorithm", `"${algorithm}" is not a hash algorithm the Core imports: bcrypt, argon2 or firebase_scrypt.`);
      else if (algorithm === "bcrypt" && !BCRYPT.test(passwordHash)) bad("passwordHash", "The password hash is not a bcrypt hash ($2a$/$2b$/$2y$, cost, 53 characters).");
      else if (algorithm === "argon2" && !ARGON2.test(passwordHash)) bad("passwordHash", "The password hash is not an argon2 hash (it starts with $argon2id$, $argon2i$ or $argon2d$).");
    }

    const tenantId = cell(record.cells, "tenant") || defaultTenant;
    if (!TENANT_ID.test(tenantId)) bad("tenant", `"${tenantId}" is not a tenant id (letters, numbers and hyphens).`);

    if (problems.length > before) continue;
    const profile = Object.fromEntries(extra.map((c) => [c.name, (record.cells[c.i] ?? "").trim()]).filter(([, v]) => v !== ""));
    entries.push({
      legacyId,
      email,
      emailVerified,
      createdAt: created ?? null,
      ...(passwordHash !== "" && algorithm !== "" ? { passwordHash, hashAlgorithm: algorithm } : {}),
      ...(Object.keys(profile).length > 0 ? { data: { profile } } : {}),
      tenantId,
    });
  }
  return problems.length > 0 ? { ok: false, problems, rows: body.length } : { ok: true, entries };
}

/** ms since the epoch, null for an empty cell, undefined when it is not a date. */
function parseCreated(text: string): number | null | undefined {
  if (text === "") return null;
  if (/^\d{9,15}$/.test(text)) return Number(text);
  if (!/^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(text)) return undefined;
  const ms = Date.parse(text.length === 10 ? `${text}T00:00:00Z` : text.replace(" ", "T"));
  return Number.isNaN(ms) ? undefined : ms;
}
