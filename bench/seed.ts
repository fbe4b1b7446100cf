/**
 * Writes a user base straight into an embedded-core database file (no HTTP, one transaction),
 * so the 100k-user benchmark starts in seconds. The users look like a real tenant's: email
 * password and passwordless (email or E.164 phone) users, realistic emails, distinct join times,
 * plus a fixed-size group whose emails share SEARCH_PREFIX, so a prefix search returns the same
 * number of users whatever the size of the base.
 */
import { Accounts, type RecipeId, type UserRow } from "../main/embedded-core/accounts/accounts.ts";
import { DEFAULT_SETTINGS, type CoreDeps } from "../main/embedded-core/context.ts";
import { hashPassword } from "../main/embedded-core/crypto.ts";
import { DOMAINS, DemoRandom, FIRST_NAMES, LAST_NAMES } from "../main/embedded-core/demo/random.ts";
import { Tenants } from "../main/embedded-core/recipes/multitenancy.ts";
import { encodePaginationToken } from "../main/embedded-core/recipes/users.ts";
import { openCoreDb } from "../main/embedded-core/storage/db.ts";

export const SEARCH_PREFIX = "benchsearch";
export const SEARCH_MATCHES = 20;
/** Page size the benchmark lists with (the Core's default). */
export const PAGE_SIZE = 100;

export interface SeededCore {
  users: number;
  /** The token that makes getUsersNewestFirst({ limit: PAGE_SIZE }) return the last page. */
  lastPageToken: string;
  /** How many users the last page holds. */
  lastPageSize: number;
}

const JOIN_START = Date.UTC(2021, 0, 1);
const JOIN_STEP_MS = 60_000;

export function seedCoreDb(dbFile: string, count: number, seed = 42): SeededCore {
  if (count < SEARCH_MATCHES) throw new Error(`seedCoreDb: need at least ${SEARCH_MATCHES} users`);
  const rand = new DemoRandom(seed);
  const passwordHash = hashPassword("Bench-password-1"); // one hash for everyone: seeding stays fast
  // Which indexes get the search prefix: spread evenly over the join-time range.
  const searchAt = new Set(Array.from({ length: SEARCH_MATCHES }, (_, k) => Math.floor(((k + 0.5) * count) / SEARCH_MATCHES)));

  const rows: UserRow[] = [];
  for (let i = 0; i < count; i++) {
    const first = rand.pick(FIRST_NAMES).toLowerCase();
    const last = rand.pick(LAST_NAMES).toLowerCase();
    const domain = rand.pick(DOMAINS);
    const local = searchAt.has(i) ? `${SEARCH_PREFIX}.${last}${i}` : `${first}.${last}${i}`;
    const kind = rand.next();
    const recipe: RecipeId = kind < 0.5 ? "emailpassword" : "passwordless";
    const byPhone = kind >= 0.85 && !searchAt.has(i);
    rows.push({
      user_id: rand.uuid(),
      recipe_id: recipe,
      // strictly increasing, with jitter so the times look organic
      time_joined: JOIN_START + i * JOIN_STEP_MS + rand.int(JOIN_STEP_MS),
      email: byPhone ? null : `${local}@${domain}`,
      // +44 20 xxxx xxxx: a valid London number, unique per user
      phone_number: byPhone ? `+4420${String(i).padStart(8, "0")}` : null,
      password_hash: recipe === "emailpassword" ? passwordHash : null,
    });
  }

  const db = openCoreDb(dbFile);
  try {
    const deps: CoreDeps = { db, now: Date.now, settings: DEFAULT_SETTINGS };
    new Tenants(deps).ensurePublic();
    const accounts = new Accounts(deps);
    db.transaction(() => {
      for (const row of rows) accounts.insert(row, ["public"]);
    })();
  } finally {
    db.close();
  }

  // Newest first, ties by user id descending: the core's ORDER BY for timeJoinedOrder=DESC.
  const newestFirst = [...rows].sort((a, b) => b.time_joined - a.time_joined || (a.user_id < b.user_id ? 1 : -1));
  const lastPageStart = Math.floor((count - 1) / PAGE_SIZE) * PAGE_SIZE;
  const head = newestFirst[lastPageStart];
  if (!head) throw new Error("unreachable: the last page has a first user");
  return {
    users: count,
    lastPageToken: encodePaginationToken(head.user_id, head.time_joined),
    lastPageSize: count - lastPageStart,
  };
}
