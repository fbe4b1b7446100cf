/**
 * The normal form of allow-list entries: what the app backend's guard will be asked about.
 * Emails are trimmed, lower-cased and held to the console's one email check (shared/email.ts, as
 * invites are: an entry the app's sign-up would refuse can never be used); phone numbers become
 * E.164 (libphonenumber-js, with a default region for numbers written without a country code),
 * as the Core stores them.
 */
import { parsePhoneNumberFromString, type CountryCode } from "libphonenumber-js";
import type { AllowListFlag, AllowListKind } from "../../../shared/contract/operations/allowlists.ts";
import { emailProblem } from "../../../shared/email.ts";

export const DEFAULT_REGION = "US";

export type Normalised = { ok: true; value: string } | { ok: false; message: string };

export function normaliseEntry(kind: AllowListKind, raw: string, region: string = DEFAULT_REGION): Normalised {
  const trimmed = raw.trim();
  if (trimmed === "") return { ok: false, message: "the entry is empty" };
  if (kind === "email") {
    const value = trimmed.toLowerCase();
    const problem = emailProblem(value);
    return problem === null ? { ok: true, value } : { ok: false, message: `"${trimmed}" is not an email address: ${problem}` };
  }
  if (/[a-z]/i.test(trimmed.replace(/\s*(ext\.?|x)\s*\d+$/i, ""))) return { ok: false, message: `"${trimmed}" is not a phone number` };
  let parsed;
  try {
    parsed = parsePhoneNumberFromString(trimmed, region as CountryCode);
  } catch {
    parsed = undefined;
  }
  if (!parsed) return { ok: false, message: `"${trimmed}" is not a phone number` };
  if (!parsed.isPossible()) {
    const hint = trimmed.startsWith("+") ? "" : ` (read with the default region ${region}; write it with its country code, e.g. +44…)`;
    return { ok: false, message: `"${trimmed}" is not a possible phone number${hint}` };
  }
  return { ok: true, value: parsed.number };
}

export interface Flagged {
  value: string;
  normalised: string | null;
  flags: AllowListFlag[];
  message: string | null;
}

/** Flags each stored entry: invalid, not in normal form (the guard can never match it), or a duplicate of an earlier one. */
export function flagEntries(kind: AllowListKind, list: readonly string[], region?: string): Flagged[] {
  const seen = new Set<string>();
  return list.map((value) => {
    const n = normaliseEntry(kind, value, region);
    const flags: AllowListFlag[] = [];
    const messages: string[] = [];
    const key = n.ok ? n.value : value;
    if (!n.ok) {
      flags.push("invalid");
      messages.push(n.message);
    } else if (n.value !== value) {
      flags.push("not-normalised");
      messages.push(`stored as "${value}" but sign-ups arrive as "${n.value}": the guard compares them exactly, so this entry never matches`);
    }
    if (seen.has(key)) {
      flags.push("duplicate");
      messages.push(`the same ${kind === "email" ? "address" : "number"} is listed earlier`);
    }
    seen.add(key);
    return { value, normalised: n.ok ? n.value : null, flags, message: messages.length ? messages.join("; ") : null };
  });
}
