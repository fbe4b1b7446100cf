/**
 * The user base of "LegacyAuth", the provider the demo migrates from (seed 04). The legacy auth
 * service (examples/legacy-auth/) serves these users, and the embedded core's demo data has part
 * of them already migrated, so both tell one story. Each user depends only on (seed, index), so the
 * core's migrated users exist in the service whatever --users it runs with (as long as it covers
 * their index). Pure code, no Node built-ins: both sides import it.
 */
import { DemoRandom, FIRST_NAMES, LAST_NAMES } from "./random.ts";

/** Numbers start here: the first user is legacy-100001. */
export const LEGACY_FIRST_NUMBER = 100001;
export const DEFAULT_LEGACY_SEED = 1;
export const DEFAULT_LEGACY_USERS = 5000;

/**
 * Domains of legacy users. None is a domain of the core's other demo users (random.ts DOMAINS),
 * so no legacy email collides with a SuperTokens user that was never migrated.
 */
export const LEGACY_DOMAINS = ["example.org", "mail.test", "oldcorp.test", "post.test", "inbox.test"];
const LOCALES = ["en-GB", "en-US", "de-DE", "fr-FR", "es-ES", "nl-NL", "ja-JP"];
const PLANS = ["free", "free", "free", "plus", "team"] as const;

export type LegacyPlan = (typeof PLANS)[number];

export interface LegacyRosterUser {
  /** e.g. legacy-100042 */
  id: string;
  number: number;
  email: string;
  emailVerified: boolean;
  givenName: string;
  familyName: string;
  locale: string;
  plan: LegacyPlan;
  /** When the account was created at LegacyAuth (ms since the epoch). */
  createdAt: number;
  /** Disabled accounts at LegacyAuth: their credentials are refused, and they are never migrated. */
  disabled: boolean;
}

/** 1 March 2016, when LegacyAuth took its first user. */
const LEGACY_START = Date.UTC(2016, 2, 1, 8, 0, 0);
const STEP = Math.floor((8 * 365 * 86_400_000) / DEFAULT_LEGACY_USERS);

/** The documented password of every legacy user: `Legacy-<number>`, e.g. `Legacy-100042`. */
export function legacyPassword(user: Pick<LegacyRosterUser, "number">): string {
  return `Legacy-${user.number}`;
}

/** The index-th legacy user (0-based) of a seed. */
export function legacyRosterUser(seed: number, index: number): LegacyRosterUser {
  if (!Number.isInteger(index) || index < 0) throw new Error(`legacy roster index must be a whole number >= 0, not ${index}`);
  // Mix seed and index so that neighbouring users (and seeds) draw unrelated names.
  const rnd = new DemoRandom(Math.imul(seed ^ 0x5bd1e995, 0x9e3779b1) ^ Math.imul(index + 1, 0x85ebca6b));
  rnd.next();
  const number = LEGACY_FIRST_NUMBER + index;
  const givenName = rnd.pick(FIRST_NAMES);
  const familyName = rnd.pick(LAST_NAMES);
  const domain = rnd.pick(LEGACY_DOMAINS);
  return {
    id: `legacy-${number}`,
    number,
    // The number keeps every email unique, whatever names are drawn.
    email: `${givenName}.${familyName}.${number}@${domain}`.toLowerCase(),
    emailVerified: rnd.chance(0.85),
    givenName,
    familyName,
    locale: rnd.pick(LOCALES),
    plan: rnd.pick(PLANS),
    // Numbers grow with time: the default 5,000 users span eight years.
    createdAt: LEGACY_START + index * STEP + rnd.int(STEP),
    disabled: rnd.chance(0.03),
  };
}

/** Users 0..count-1 of a seed. */
export function legacyRoster(seed: number, count: number): LegacyRosterUser[] {
  return Array.from({ length: count }, (_, i) => legacyRosterUser(seed, i));
}

/**
 * Where a migrated user stands in the demo:
 * - `signed-in`: migrated on their first sign-in with the legacy password (which is now theirs);
 * - `mid-reset`: asked for a password reset, so the account got a random temporary password and
 *   the flag, and never finished the reset;
 * - `reset-done`: finished the reset (their new password is the demo password), the flag cleared;
 * - `legacy-after-reset`: started a reset, then signed in with the legacy password after all,
 *   which cleared the flag.
 */
export type DemoMigrationState = "signed-in" | "mid-reset" | "reset-done" | "legacy-after-reset";

export interface DemoLegacyMigration {
  user: LegacyRosterUser;
  state: DemoMigrationState;
}

const STATE_CYCLE: DemoMigrationState[] = ["signed-in", "signed-in", "mid-reset", "signed-in", "reset-done", "signed-in", "mid-reset", "legacy-after-reset"];
/** Every 17th legacy user (from the 4th) is a candidate, so the migrated ones stay well inside a small roster. */
const STRIDE = 17;
const OFFSET = 3;

/**
 * The legacy users (of the default seed) that the embedded core's demo data has already migrated,
 * in order: the k-th call site in the demo data gets the k-th. Disabled users are skipped.
 */
export function demoLegacyMigrations(count: number, seed = DEFAULT_LEGACY_SEED): DemoLegacyMigration[] {
  const out: DemoLegacyMigration[] = [];
  for (let index = OFFSET; out.length < count; index += STRIDE) {
    const user = legacyRosterUser(seed, index);
    if (user.disabled) continue;
    out.push({ user, state: STATE_CYCLE[out.length % STATE_CYCLE.length]! });
  }
  return out;
}
