/**
 * Searching users by email or phone prefix. The Core answers a search in one go: it ignores the
 * page size, returns no pagination token, and keeps at most 1,000 matches per sign-in method
 * (Core 11.4.7, GeneralQueries.getUsers: one "LIMIT 1000" sub-query per recipe table). So
 * Gatehouse pages through that answer itself, with tokens of its own, and tells the operator
 * which sign-in methods reached the cap (more users match than the Core returned).
 */
import type supertokens from "supertokens-node";
import { GatehouseError } from "../../shared/contract/errors.ts";

type SdkUser = NonNullable<Awaited<ReturnType<typeof supertokens.getUser>>>;

/** Matches the Core keeps per recipe (sign-in method) for one search. */
export const CORE_SEARCH_CAP_PER_RECIPE = 1000;

/** What the console sends the Core for the text typed in the search box. */
export function searchQuery(text: string | undefined): { email: string } | { phone: string } | undefined {
  const search = text?.trim();
  if (!search) return undefined;
  return /^[+\d]/.test(search) ? { phone: search } : { email: search.toLowerCase() };
}

/**
 * The sign-in methods whose share of the answer reached the Core's cap. A user counts for the
 * methods through which they match (a linked account may have others); if none seems to match
 * (the Core compares in ways this cannot see), for all of theirs.
 */
export function cappedRecipes(users: readonly SdkUser[], query: { email: string } | { phone: string }): string[] {
  const counts = new Map<string, number>();
  for (const user of users) {
    const matching = user.loginMethods.filter((m) => methodMatches(m, query));
    const recipes = new Set((matching.length ? matching : user.loginMethods).map((m) => m.recipeId as string));
    for (const r of recipes) counts.set(r, (counts.get(r) ?? 0) + 1);
  }
  return [...counts].filter(([, n]) => n >= CORE_SEARCH_CAP_PER_RECIPE).map(([r]) => r).sort();
}

/** As the Core compares: any of the ";"-separated terms, an email by its start or its domain's. */
function methodMatches(m: SdkUser["loginMethods"][number], query: { email: string } | { phone: string }): boolean {
  const terms = ("phone" in query ? query.phone : query.email).split(";").map((v) => v.trim().toLowerCase()).filter((v) => v !== "");
  if ("phone" in query) return terms.some((term) => m.phoneNumber?.startsWith(term) ?? false);
  const email = m.email?.toLowerCase();
  if (!email) return false;
  const domain = email.slice(email.indexOf("@") + 1);
  return terms.some((term) => email.startsWith(term) || domain.startsWith(term));
}

const TOKEN_PREFIX = "search:";

/**
 * One page of a search answer. The token names the first user of the next page (as the Core's
 * own tokens do), so a user added or removed between pages shifts nothing: the next page starts
 * at that user, or where they would have been (answers are ordered by join time, then id).
 */
export function pageOfMatches(
  users: readonly SdkUser[],
  order: "newest" | "oldest",
  limit: number,
  token: string | undefined,
): { users: SdkUser[]; offset: number; nextPaginationToken: string | undefined } {
  const offset = token === undefined ? 0 : startOf(users, order, decode(token));
  const page = users.slice(offset, offset + limit);
  const next = users[offset + limit];
  return { users: page, offset, nextPaginationToken: next ? encode(next) : undefined };
}

function startOf(users: readonly SdkUser[], order: "newest" | "oldest", at: { id: string; t: number }): number {
  const exact = users.findIndex((u) => u.id === at.id);
  if (exact >= 0) return exact;
  const atOrAfter = (u: SdkUser) =>
    (order === "newest" ? u.timeJoined < at.t : u.timeJoined > at.t) || (u.timeJoined === at.t && u.id <= at.id);
  const index = users.findIndex(atOrAfter);
  return index < 0 ? users.length : index;
}

function encode(user: SdkUser): string {
  return TOKEN_PREFIX + Buffer.from(JSON.stringify({ id: user.id, t: user.timeJoined })).toString("base64url");
}

function decode(token: string): { id: string; t: number } {
  const bad = () => new GatehouseError({ code: "VALIDATION", field: "paginationToken", message: "paginationToken: this is not a page of a search; start the search again." });
  if (!token.startsWith(TOKEN_PREFIX)) throw bad();
  try {
    const value = JSON.parse(Buffer.from(token.slice(TOKEN_PREFIX.length), "base64url").toString("utf8")) as unknown;
    if (typeof value === "object" && value !== null && "id" in value && "t" in value && typeof value.id === "string" && typeof value.t === "number") {
      return { id: value.id, t: value.t };
    }
  } catch {
    // falls through to the error below
  }
  throw bad();
}
