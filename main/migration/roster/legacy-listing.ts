/**
 * Reading a legacy service's roster listing, LegacyAuth style: `GET <url>/v1/users?limit=&after=`
 * with a bearer token, answering `{ users, nextCursor, total }` in a stable order. Each listed user
 * is checked like a CSV row (its position in the listing stands for the line).
 */
import { GatehouseError } from "../../../shared/contract/errors.ts";
import type { JsonObject } from "../../../shared/contract/schemas.ts";
import { emailProblem } from "../../../shared/email.ts";
import type { RosterProblem } from "./csv.ts";
import type { RosterEntry } from "./types.ts";

export const LISTING_PAGE = 500;
const TIMEOUT_MS = 15_000;

export interface ListingPage {
  users: unknown[];
  nextCursor: string | null;
  total: number | null;
}

/**
 * One page of the listing. The service being down or slow, or answering 5xx, throws a retryable
 * error (the job engine backs off and tries again); a refused token or a malformed answer does not.
 */
export async function fetchListingPage(url: string, token: string | null, after: string | null, limit = LISTING_PAGE): Promise<ListingPage> {
  const base = url.replace(/\/+$/, "");
  const query = new URLSearchParams({ limit: String(limit), ...(after ? { after } : {}) });
  let res: Response;
  let text: string;
  try {
    res = await fetch(`${base}/v1/users?${query.toString()}`, {
      headers: { accept: "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    text = await res.text();
  } catch (err) {
    const timedOut = err instanceof Error && (err.name === "TimeoutError" || err.name === "AbortError");
    // Coded like a Core that cannot be reached, so the job engine retries with backoff; the message says who.
    throw new GatehouseError({
      code: timedOut ? "TIMEOUT" : "CORE_UNREACHABLE",
      message: `The legacy service at ${base} ${timedOut ? `did not answer within ${TIMEOUT_MS / 1000} s` : `could not be reached (${causeOf(err)})`}.`,
    });
  }
  if (res.status === 401 || res.status === 403) throw new GatehouseError({ code: "VALIDATION", field: "legacyToken", message: `The legacy service at ${base} refused the token (${res.status}). Set the right token.` });
  if (res.status >= 500) throw new GatehouseError({ code: "CORE_ERROR", message: `The legacy service at ${base} answered ${res.status}: ${text.slice(0, 200)}` });
  if (res.status !== 200) throw new GatehouseError({ code: "VALIDATION", field: "url", message: `The legacy service at ${base} answered ${res.status} to its listing (GET /v1/users): ${text.slice(0, 200)}` });
  let body: { users?: unknown; nextCursor?: unknown; total?: unknown };
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    throw new GatehouseError({ code: "VALIDATION", field: "url", message: `The legacy service at ${base} did not answer its listing with JSON.` });
  }
  if (!Array.isArray(body.users)) throw new GatehouseError({ code: "VALIDATION", field: "url", message: `The legacy service at ${base} answered its listing without a "users" array.` });
  return { users: body.users as unknown[], nextCursor: typeof body.nextCursor === "string" && body.nextCursor !== "" ? body.nextCursor : null, total: typeof body.total === "number" ? body.total : null };
}

function causeOf(err: unknown): string {
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (err instanceof Error ? err.message : String(err));
}

const PROFILE_FIELDS = ["name", "givenName", "familyName", "locale", "plan"] as const;

/** A listed user as a roster entry, "disabled" (never migrates: left out), or its problem. */
export function entryFromListing(raw: unknown, position: number, tenantId: string): { entry: RosterEntry } | { disabled: true } | { problem: RosterProblem } {
  const bad = (field: string, message: string) => ({ problem: { line: position, field, message } });
  if (typeof raw !== "object" || raw === null) return bad("user", "is not an object");
  const u = raw as Record<string, unknown>;
  if (typeof u.id !== "string" || u.id.trim() === "") return bad("id", "the legacy id is missing");
  if (typeof u.email !== "string" || emailProblem(u.email.trim().toLowerCase())) return bad("email", `${JSON.stringify(u.email)} is not an email address`);
  if (typeof u.emailVerified !== "boolean") return bad("emailVerified", "is not true or false");
  if (u.disabled === true) return { disabled: true };
  let createdAt: number | null = null;
  if (typeof u.createdAt === "string") createdAt = Date.parse(u.createdAt);
  else if (typeof u.createdAt === "number") createdAt = u.createdAt;
  if (createdAt !== null && Number.isNaN(createdAt)) return bad("createdAt", `${JSON.stringify(u.createdAt)} is not a date`);
  // What the backend kit imports for a LegacyAuth user (legacyAuthUserData), so both paths agree.
  const profile: JsonObject = {};
  for (const f of PROFILE_FIELDS) if (typeof u[f] === "string") profile[f] = u[f];
  if (typeof u.createdAt === "string") profile.legacyCreatedAt = u.createdAt;
  return {
    entry: {
      legacyId: u.id.trim(),
      email: u.email.trim().toLowerCase(),
      emailVerified: u.emailVerified,
      createdAt,
      ...(Object.keys(profile).length > 0 ? { data: { profile } } : {}),
      tenantId,
    },
  };
}
