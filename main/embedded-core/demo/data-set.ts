/**
 * The demo data set: a small company's user base that gives every console screen something to
 * show. Deterministic (seeded, fixed dates), so screenshots, docs and tests can rely on it.
 *
 * The story, in the public tenant (~300 users) and tenant "acme" (~40):
 * - employees signed up with email and password; some verified, some not;
 * - passwordless users signing in with email links or SMS codes;
 * - people an admin invited who accepted, and some who never signed in;
 * - users migrated from "LegacyAuth" (user-id mappings to their legacy ids, the profile the
 *   backend kit imports, its migration record): most on their first sign-in, some mid-reset (still
 *   on a temporary password), some who finished the reset or signed in with the legacy password
 *   after starting one. They are users of LegacyAuth's default seed (legacy-roster.ts), so the
 *   legacy auth service (`npm run legacy-auth`) knows them, and its other users are not migrated yet;
 * - users with a second-factor phone (metadata passwordlessUserId → a Passwordless phone user),
 *   one whose link points to a deleted user, one whose link points at a user without a phone,
 *   and two who point at the same phone user;
 * - roles admin, support and auditor with permissions; allow-lists in the seeds' format.
 */
import { DEFAULT_DATA_CONTRACT as C, allowListUserId, type InviteRecord, type MigrationRecord } from "../../../shared/data-contract.ts";
import type { JsonObject } from "../http/input.ts";
import type { UserRow } from "../accounts/accounts.ts";
import { demoLegacyMigrations, legacyPassword, type DemoLegacyMigration, type LegacyRosterUser } from "./legacy-roster.ts";
import { DOMAINS, DemoRandom, FIRST_NAMES, LAST_NAMES } from "./random.ts";

export interface DemoUser {
  row: UserRow;
  tenantIds: string[];
  emailVerified: boolean;
  externalId?: string;
  externalInfo?: string;
  metadata?: JsonObject;
  roles?: { tenantId: string; role: string }[];
  /** The password this user signs in with; the demo password (load.ts) when absent. */
  password?: string;
}

export interface DemoDataSet {
  tenants: { tenantId: string; firstFactors: string[] }[];
  roles: { role: string; permissions: string[] }[];
  users: DemoUser[];
  /** Metadata under ids that are not users: the allow-lists. */
  syntheticMetadata: { userId: string; metadata: JsonObject }[];
}

/** 6 January 2025, 09:00 UTC: the demo company's first sign-up. */
const START = Date.UTC(2025, 0, 6, 9, 0, 0);
const DAY = 86_400_000;
export const DEMO_TENANT = "acme";
export const DEMO_ADMIN_EMAIL = "ada.lovelace@example.com";

export const DEMO_ROLES = [
  { role: "admin", permissions: ["users:read", "users:write", "invites:write", "allowlists:write", "roles:write", "migration:run", "audit:read"] },
  { role: "support", permissions: ["users:read", "invites:resend", "second-factor:reset", "sessions:revoke", "password-reset:send"] },
  { role: "auditor", permissions: ["users:read", "audit:read", "export"] },
];

/** Stands for the random temporary passwords of accounts mid-reset (one value: each distinct password costs a hash at load). */
const TEMPORARY_PASSWORD = "temporary-7f3c9e1a-5b2d-4c8e-9a6f-0d4b2e8c1f73";

/** Migrated users in the demo data: one per "migrated" slot of the public tenant's loop below. */
const MIGRATED_SLOTS = 52;

/** What the backend kit imports for a LegacyAuth user (backend-kit/legacy-http-provider.ts, legacyAuthUserData). */
export function legacyProfile(user: LegacyRosterUser): JsonObject {
  return {
    profile: {
      name: `${user.givenName} ${user.familyName}`,
      givenName: user.givenName,
      familyName: user.familyName,
      locale: user.locale,
      plan: user.plan,
      legacyCreatedAt: new Date(user.createdAt).toISOString(),
    },
  };
}

/** A migrated user's row extras: mapping, password, verification and metadata as the kit leaves them in each state. */
function migratedUser({ user, state }: DemoLegacyMigration, joined: number): Partial<DemoUser> {
  // Its own generator, so the rest of the data set draws the same numbers as before migrations were added.
  const rnd = new DemoRandom(user.number);
  const record: MigrationRecord = { legacyId: user.id, provider: "LegacyAuth", via: state === "signed-in" ? "sign-in" : "password-reset", migratedAt: joined };
  if (state === "reset-done" || state === "legacy-after-reset") {
    record.temporaryPasswordClearedAt = joined + (1 + rnd.int(72)) * 3600_000;
    record.clearedBy = state === "reset-done" ? "password-reset" : "legacy-sign-in";
  }
  return {
    externalId: user.id,
    externalInfo: "migrated from LegacyAuth",
    // A finished reset proves the mailbox (the SDK marks the email verified).
    emailVerified: user.emailVerified || state === "reset-done",
    // Signed in with the legacy password: it is theirs now. A finished reset: the demo password.
    // Mid-reset: a random temporary password nobody was told.
    ...(state === "signed-in" || state === "legacy-after-reset" ? { password: legacyPassword(user) } : {}),
    ...(state === "mid-reset" ? { password: TEMPORARY_PASSWORD } : {}),
    metadata: {
      ...legacyProfile(user),
      [C.migrationKey]: record as unknown as JsonObject,
      ...(state === "mid-reset" ? { [C.temporaryPasswordKey]: true } : {}),
    },
  };
}

export function buildDemoDataSet(): DemoDataSet {
  const rnd = new DemoRandom(20250106);
  const migrations = demoLegacyMigrations(MIGRATED_SLOTS);
  const users: DemoUser[] = [];
  const usedEmails = new Set<string>();
  let clock = START;
  let phoneSeq = 0;

  const nextTime = (): number => {
    clock += 30 * 60_000 + rnd.int(20 * 3600_000); // a sign-up every ~10 hours on average
    return clock;
  };
  const email = (domain?: string): string => {
    for (;;) {
      const first = rnd.pick(FIRST_NAMES).toLowerCase();
      const last = rnd.pick(LAST_NAMES).toLowerCase();
      const candidate = `${first}.${last}${usedEmails.size % 7 === 0 ? "" : rnd.int(90) + 10}@${domain ?? rnd.pick(DOMAINS)}`;
      if (!usedEmails.has(candidate)) {
        usedEmails.add(candidate);
        return candidate;
      }
    }
  };
  // +1 415 555 01xx style numbers: reserved for fiction, so no real person is texted.
  const phone = (): string => {
    phoneSeq += 1;
    const prefixes = ["+1415555", "+1212555", "+4420794", "+4930123"];
    const prefix = prefixes[phoneSeq % prefixes.length] ?? "+1415555";
    return `${prefix}${String(1000 + phoneSeq).padStart(4, "0")}`;
  };
  const add = (
    recipe: "emailpassword" | "passwordless",
    info: { email?: string; phoneNumber?: string },
    extra: Partial<DemoUser> = {},
  ): DemoUser => {
    const user: DemoUser = {
      row: {
        user_id: rnd.uuid(),
        recipe_id: recipe,
        time_joined: nextTime(),
        email: info.email ?? null,
        phone_number: info.phoneNumber ?? null,
        password_hash: null,
      },
      tenantIds: ["public"],
      emailVerified: false,
      ...extra,
    };
    users.push(user);
    return user;
  };
  const invite = (acceptedAfterDays?: number): JsonObject => {
    const record: InviteRecord = { invitedAt: clock, invitedBy: DEMO_ADMIN_EMAIL };
    if (acceptedAfterDays !== undefined) record.acceptedAt = clock + acceptedAfterDays * DAY;
    return { [C.inviteKey]: record as unknown as JsonObject };
  };

  // The operators themselves, first: they hold the console's roles.
  add("emailpassword", { email: DEMO_ADMIN_EMAIL }, { emailVerified: true, roles: [{ tenantId: "public", role: "admin" }] });
  usedEmails.add(DEMO_ADMIN_EMAIL);
  for (const [name, role] of [
    ["grace.hopper@example.com", "admin"],
    ["linus.torvalds@example.com", "admin"],
    ["margaret.hamilton@example.com", "support"],
    ["dennis.ritchie@example.com", "support"],
    ["barbara.liskov@example.com", "support"],
    ["ken.thompson@example.com", "support"],
    ["radia.perlman@example.com", "support"],
    ["frances.allen@example.com", "support"],
    ["edsger.dijkstra@example.com", "auditor"],
    ["katherine.johnson@example.com", "auditor"],
    ["tim.berners-lee@example.com", "auditor"],
  ] as const) {
    usedEmails.add(name);
    add("emailpassword", { email: name }, { emailVerified: true, roles: [{ tenantId: "public", role }] });
  }

  // Second-factor phones come first in time: each belongs to a Passwordless phone user.
  const twoFactorPhones: DemoUser[] = [];
  for (let i = 0; i < 22; i++) twoFactorPhones.push(add("passwordless", { phoneNumber: phone() }));

  for (let i = 0; i < 300 - 12 - 22; i++) {
    const kind = i % 10;
    if (kind <= 3) {
      // Email and password; three in four verified.
      add("emailpassword", { email: email() }, { emailVerified: rnd.chance(0.75) });
    } else if (kind <= 5) {
      add("passwordless", { email: email() }, { emailVerified: true });
    } else if (kind === 6) {
      add("passwordless", { phoneNumber: phone() });
    } else if (kind === 7) {
      // Invited with a magic link: about half accepted, the rest never signed in.
      const accepted = i % 20 < 10;
      add("passwordless", { email: email("acme.test") }, { emailVerified: true, metadata: invite(accepted ? 1 + rnd.int(5) : undefined) });
    } else {
      // Migrated from LegacyAuth without password hashes (seed 04), by the backend kit.
      const migration = migrations.shift();
      if (!migration) throw new Error("demo data: more migrated slots than MIGRATED_SLOTS");
      email(); // drawn and dropped, so every other demo user keeps the name it had before
      const user = add("emailpassword", { email: migration.user.email });
      Object.assign(user, migratedUser(migration, user.row.time_joined));
    }
  }

  // Link second-factor phones to email-password users: most healthy, a few broken on purpose.
  const firstFactorUsers = users.filter((u) => u.row.recipe_id === "emailpassword" && u.externalId === undefined && u.roles === undefined);
  // Phone user 0 is left for the two users who share one (below).
  twoFactorPhones.slice(1).forEach((phoneUser, i) => {
    const owner = firstFactorUsers[5 + i * 3];
    if (owner) owner.metadata = { ...owner.metadata, [C.secondFactorUserIdKey]: phoneUser.row.user_id };
  });
  const [brokenMissing, brokenNoPhone, sharedA, sharedB] = [firstFactorUsers[2], firstFactorUsers[3], firstFactorUsers[4], firstFactorUsers[100]];
  const emailOnlyPless = users.find((u) => u.row.recipe_id === "passwordless" && u.row.email !== null && u.metadata === undefined);
  if (brokenMissing) brokenMissing.metadata = { [C.secondFactorUserIdKey]: "9d1c2e6a-0000-4000-8000-00000000dead" };
  if (brokenNoPhone && emailOnlyPless) brokenNoPhone.metadata = { [C.secondFactorUserIdKey]: emailOnlyPless.row.user_id };
  const sharedPhone = twoFactorPhones[0];
  if (sharedA && sharedB && sharedPhone) {
    sharedA.metadata = { [C.secondFactorUserIdKey]: sharedPhone.row.user_id };
    sharedB.metadata = { [C.secondFactorUserIdKey]: sharedPhone.row.user_id };
  }

  // Tenant "acme": its own employees, two invited, one admin.
  for (let i = 0; i < 40; i++) {
    const user =
      i % 3 === 0
        ? add("passwordless", { email: email("acme.test") }, { emailVerified: true, ...(i % 9 === 0 ? { metadata: invite() } : {}) })
        : add("emailpassword", { email: email("acme.test") }, { emailVerified: rnd.chance(0.6) });
    user.tenantIds = [DEMO_TENANT];
    if (i === 1) user.roles = [{ tenantId: DEMO_TENANT, role: "admin" }];
  }

  const pick = (predicate: (u: DemoUser) => boolean, n: number): string[] =>
    users.filter(predicate).slice(0, n).map((u) => u.row.email ?? u.row.phone_number ?? "");
  const allowedEmails = [
    ...pick((u) => u.tenantIds.includes("public") && u.row.recipe_id === "passwordless" && u.row.email !== null, 4),
    "new.hire@example.com",
    "contractor@partner.test",
    "  Mixed.Case@Example.com ", // an entry the guard can never match as written: the console flags it
  ];
  const allowedPhones = [...pick((u) => u.row.phone_number !== null && u.tenantIds.includes("public"), 3), "+14155550188", "020 7946 0000"];

  return {
    tenants: [{ tenantId: DEMO_TENANT, firstFactors: ["emailpassword", "otp-email", "link-email"] }],
    roles: DEMO_ROLES,
    users,
    syntheticMetadata: [
      { userId: allowListUserId("email", "public"), metadata: { [C.allowListKey]: allowedEmails } },
      { userId: allowListUserId("phone", "public"), metadata: { [C.allowListKey]: allowedPhones } },
      { userId: allowListUserId("email", DEMO_TENANT), metadata: { [C.allowListKey]: ["joiner@acme.test", "intern@acme.test"] } },
    ],
  };
}
