/**
 * The migration area (seed 04, issue 13): the legacy roster a profile migrates from, the local user
 * index that classifies every roster user against the Core (a journaled scan job), totals per
 * tenant, dated snapshots, the rate and the end criterion, the lists per state, and the auditor's
 * report. Every role reads; admins change the source and the criterion. Rebuilding the index
 * changes nothing on the Core, so every role may start a scan (it is audited all the same).
 *
 * Shares are fractions (0..1) of the roster's total (the legacy users), per tenant and overall.
 * "Migrated" in a share counts every roster user with a SuperTokens account under their legacy id,
 * whether or not they still have a temporary password (`migrated + temporaryPassword`).
 */
import { z } from "zod";
import { op } from "../define.ts";
import { jobSummary } from "./jobs.ts";
import { tenantId } from "../schemas.ts";

/** Where a roster user stands against the Core; "outside-roster" lists SuperTokens users the roster does not have. */
export const MIGRATION_STATES = ["migrated", "temporary-password", "not-migrated", "conflict"] as const;
export const MIGRATION_LIST_STATES = [...MIGRATION_STATES, "outside-roster"] as const;
export type MigrationListState = (typeof MIGRATION_LIST_STATES)[number];
/** How a SuperTokens user relates to the roster (the Users list's migration filter). */
export const USER_MIGRATION_FILTERS = ["migrated", "temporary-password", "conflict", "outside-roster"] as const;

/** Largest roster CSV accepted (checked in bytes before parsing). */
export const ROSTER_CSV_MAX_BYTES = 50 * 1024 * 1024;

/**
 * How fresh the local user index of the profile in force is. `builtAt` is when the last full scan
 * ended; `refreshedAt` when the last scan of any kind (full or refresh) ended. A refresh re-reads
 * new users, deletions (by the Core's counts) and the flags that can change (temporary password);
 * second-factor links added to users already indexed are seen by the next full scan.
 */
export const indexFreshness = z.object({
  /** "none": never scanned for this profile; "ready": answers from the last scan. */
  state: z.enum(["none", "ready"]),
  builtAt: z.number().nullable(),
  refreshedAt: z.number().nullable(),
  /** Milliseconds since refreshedAt (null when never scanned). */
  ageMs: z.number().nullable(),
  /** Older than STALE_AFTER_MS: the Users list then falls back to scanning the Core for the second-factor filter. */
  stale: z.boolean(),
  /** SuperTokens users in the index (all tenants). */
  users: z.number(),
  /** The scan job under way, if any. */
  scanning: z.object({ jobId: z.string(), state: z.string(), done: z.number(), total: z.number(), etaMs: z.number().nullable() }).nullable(),
});
export type IndexFreshness = z.infer<typeof indexFreshness>;
/** After this long without a scan the index is called stale (its answers still carry their age). */
export const INDEX_STALE_AFTER_MS = 15 * 60_000;

const counts = {
  /** Roster users (the denominator of every share). */
  rosterTotal: z.number(),
  migrated: z.number(),
  temporaryPassword: z.number(),
  notMigrated: z.number(),
  conflict: z.number(),
  /** SuperTokens users the roster does not have (not part of any share). */
  outsideRoster: z.number(),
  /** (migrated + temporaryPassword) / rosterTotal; 0 with an empty roster. */
  share: z.number(),
};
export const tenantTotals = z.object({ tenantId: z.string(), ...counts });
export type TenantTotals = z.infer<typeof tenantTotals>;

export const snapshot = z.object({
  id: z.number(),
  at: z.number(),
  /** What made it: a full scan, a refresh, or the demo's made-up history. */
  kind: z.enum(["full", "refresh", "demo"]),
  /** True for the Local demo profile's invented past weeks (never a real scan). */
  demo: z.boolean(),
  ...counts,
  tenants: z.array(tenantTotals),
});
export type MigrationSnapshot = z.infer<typeof snapshot>;

export const criterion = z.discriminatedUnion("kind", [
  /** End when this share of the roster has migrated (0 < targetShare <= 1). */
  z.object({ kind: z.literal("share"), targetShare: z.number().gt(0, "the target share must be above 0%").max(1, "the target share is at most 100%") }),
  /** End on this date (ms since the epoch). */
  z.object({ kind: z.literal("date"), date: z.number().int().min(0) }),
]);
export type MigrationCriterion = z.infer<typeof criterion>;

const criterionView = z.object({
  criterion: criterion.nullable(),
  setBy: z.string().nullable(),
  setAt: z.number().nullable(),
  /** The overall share now (last snapshot), and whether the criterion is met by it or by the date. */
  share: z.number().nullable(),
  met: z.boolean(),
  /** When it was first seen met (the first snapshot at or over the target, or the date). */
  metAt: z.number().nullable(),
});

export const rosterSource = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("csv"), fileName: z.string().nullable(), setAt: z.number(), setBy: z.string() }),
  /** The Local demo profile's roster: LegacyAuth's default seed, generated in-process (fileName says so). */
  z.object({ kind: z.literal("demo"), fileName: z.string().nullable(), setAt: z.number(), setBy: z.string() }),
  z.object({
    kind: z.literal("service"),
    /** The legacy service's base URL (its listing is GET <url>/v1/users?limit=&after=). */
    url: z.string(),
    /** Whether a bearer token is stored (sealed; never sent out). */
    hasToken: z.boolean(),
    /** Tenant the listed users belong to. */
    tenantId: z.string(),
    setAt: z.number(),
    setBy: z.string(),
  }),
]);

export const rosterStatus = z.object({
  source: rosterSource.nullable(),
  total: z.number(),
  /** Entries that carry a password hash (they keep their password at the end of the migration). */
  withHashes: z.number(),
  tenants: z.array(z.object({ tenantId: z.string(), count: z.number() })),
  /** Disabled accounts the legacy service listed and the roster left out (they can never migrate). */
  skippedDisabled: z.number(),
  /** When the roster in force was last replaced (an import or a completed read). */
  updatedAt: z.number().nullable(),
  /** The latest read of the legacy service's listing (a job), if any. */
  read: z.object({ job: jobSummary, error: z.string().nullable() }).nullable(),
});
export type RosterStatus = z.infer<typeof rosterStatus>;

/** One line of a roster import's refusal: the CSV line (1 = header) and what is wrong. */
export const rosterProblem = z.object({ line: z.number(), field: z.string().nullable(), message: z.string() });

/** One row of a list per state: a roster user (and the account it has), or a SuperTokens user outside the roster. */
export const migrationRow = z.object({
  state: z.enum(MIGRATION_LIST_STATES),
  legacyId: z.string().nullable(),
  /** The user to open (the id the Core reports: the legacy id once mapped), when there is an account. */
  userId: z.string().nullable(),
  email: z.string().nullable(),
  /** Phone numbers of a SuperTokens user outside the roster (masked for auditors). */
  phoneNumbers: z.array(z.string()),
  tenantId: z.string(),
  emailVerified: z.boolean().nullable(),
  /** When the legacy account was made (roster), ms. */
  legacyCreatedAt: z.number().nullable(),
  /** When the SuperTokens account was made. */
  timeJoined: z.number().nullable(),
  /** From the migration record the backend kit writes (when, and how: sign-in, password-reset, bulk). */
  migratedAt: z.number().nullable(),
  via: z.string().nullable(),
  /** Conflicts: why (e.g. "an account with this email is not mapped to legacy-100042"). */
  reason: z.string().nullable(),
});
export type MigrationRow = z.infer<typeof migrationRow>;

const listFilter = {
  state: z.enum(MIGRATION_LIST_STATES),
  /** Only this tenant (absent: every tenant). */
  tenantId: tenantId.optional(),
  /** Start of the email or the legacy id (case-insensitive). */
  search: z.string().trim().max(320).default(""),
};

export const migrationOps = {
  "migration.source.get": op({
    summary: "The migration source of the profile in force and its roster",
    permission: "migration:read",
    mutates: false,
    input: z.object({}),
    output: rosterStatus,
  }),
  "migration.source.importCsv": op({
    summary: "Replace the legacy roster with a CSV (legacy id, email, email verified, created; optional password hash and algorithm)",
    permission: "migration:write",
    mutates: true,
    input: z.object({
      /**
       * The file's text. Columns (header names, any order, case-insensitive): legacy_id (or id),
       * email, email_verified (true/false/1/0/yes/no), created (ISO 8601 or ms), optional
       * password_hash with hash_algorithm (bcrypt, argon2, firebase_scrypt), optional tenant.
       * Never written to the audit log (it may hold password hashes).
       */
      rosterCsv: z.string().max(ROSTER_CSV_MAX_BYTES * 2, "the CSV is far over the 50 MB limit"),
      fileName: z.string().trim().max(300).optional(),
      /** Tenant of rows without a tenant column (default: the profile's default tenant). */
      defaultTenant: tenantId.optional(),
    }),
    output: z.discriminatedUnion("status", [
      z.object({ status: z.literal("imported"), roster: rosterStatus, imported: z.number(), replaced: z.number() }),
      /** Nothing was imported: every bad line (the first 500) with its number. */
      z.object({ status: z.literal("refused"), problems: z.array(rosterProblem), problemCount: z.number(), rows: z.number() }),
    ]),
    target: (i) => i.fileName ?? "roster CSV",
    auditDetail: (o) => (o.status === "imported" ? `imported ${o.imported} roster users (replaced ${o.replaced})` : `refused: ${o.problemCount} bad lines of ${o.rows}`),
  }),
  "migration.source.setService": op({
    summary: "Read the legacy roster from a legacy service's listing (URL and bearer token, sealed), as a job",
    permission: "migration:write",
    mutates: true,
    input: z.object({
      url: z
        .string()
        .trim()
        .url("the legacy service URL must be a URL like http://127.0.0.1:4000")
        .refine((u) => /^https?:\/\//i.test(u), "the legacy service URL must start with http:// or https://"),
      /** The bearer token; absent keeps the stored one. Sealed at rest, never returned or audited. */
      legacyToken: z.string().min(1, "a token is required").max(4000).optional(),
      tenantId: tenantId.default("public"),
    }),
    output: z.object({ roster: rosterStatus, job: jobSummary }),
    target: (i) => i.url,
  }),
  "migration.source.read": op({
    summary: "Read the roster again from the stored legacy service (a job); the roster in force is replaced only when the read completes",
    permission: "migration:write",
    mutates: true,
    input: z.object({}),
    output: z.object({ job: jobSummary }),
    target: () => "legacy service",
  }),
  "migration.scan.start": op({
    summary: "Scan the Core into the local user index and classify the roster (a job): a full scan, or a refresh of what changed",
    permission: "migration:read",
    mutates: true,
    input: z.object({
      /** "refresh" re-reads only what changed (a full scan when there is no index yet). */
      mode: z.enum(["full", "refresh"]).default("refresh"),
    }),
    output: z.object({ job: jobSummary, index: indexFreshness }),
    target: (i) => i.mode,
  }),
  "migration.scan.status": op({
    summary: "The latest scan job and how fresh the user index is",
    permission: "migration:read",
    mutates: false,
    input: z.object({}),
    output: z.object({ job: jobSummary.nullable(), index: indexFreshness }),
  }),
  "migration.summary": op({
    summary: "Totals and share migrated, overall and per tenant, from the last scan",
    permission: "migration:read",
    mutates: false,
    input: z.object({}),
    output: z.object({
      /** When the figures were taken (the last snapshot); null before the first scan. */
      asOf: z.number().nullable(),
      overall: tenantTotals.omit({ tenantId: true }),
      tenants: z.array(tenantTotals),
      index: indexFreshness,
      /**
       * The roster was replaced after the last scan: the totals are the new roster's, classified
       * against the index as that scan left it; the chart's last point is still the old roster's.
       */
      rosterChangedSinceScan: z.boolean(),
    }),
  }),
  "migration.history": op({
    summary: "Dated snapshots of the migration, oldest first",
    permission: "migration:read",
    mutates: false,
    input: z.object({
      from: z.number().optional(),
      to: z.number().optional(),
      limit: z.number().int().min(1).max(10_000).default(1000),
    }),
    output: z.object({ snapshots: z.array(snapshot), total: z.number() }),
  }),
  "migration.rate": op({
    summary: "The rate of migration over the last 7 days and the ETA to the end criterion",
    permission: "migration:read",
    mutates: false,
    input: z.object({}),
    output: z.object({
      windowDays: z.number(),
      /** The snapshots the rate is measured between (null: fewer than two in the window). */
      from: z.object({ at: z.number(), share: z.number(), migrated: z.number() }).nullable(),
      to: z.object({ at: z.number(), share: z.number(), migrated: z.number() }).nullable(),
      /** Share of the roster per day, and accounts per day (migrated + temporary password). */
      sharePerDay: z.number().nullable(),
      usersPerDay: z.number().nullable(),
      criterion: criterion.nullable(),
      met: z.boolean(),
      /** When the criterion will be met at this rate (share), or the date itself (date); null when never at this rate. */
      etaAt: z.number().nullable(),
      /** A date criterion: the share expected on that date at this rate. */
      projectedShare: z.number().nullable(),
    }),
  }),
  "migration.criterion.get": op({
    summary: "The end-of-migration criterion (a target share or a date) and whether it is met",
    permission: "migration:read",
    mutates: false,
    input: z.object({}),
    output: criterionView,
  }),
  "migration.criterion.set": op({
    summary: "Set the end-of-migration criterion: a target share of the roster, or a date (null removes it)",
    permission: "migration:write",
    mutates: true,
    input: z.object({ criterion: criterion.nullable() }),
    output: criterionView,
    target: (i) => (i.criterion === null ? "none" : i.criterion.kind === "share" ? `share ${i.criterion.targetShare}` : `date ${new Date(i.criterion.date).toISOString()}`),
  }),
  "migration.list": op({
    summary: "Roster users in one state (or SuperTokens users outside the roster), a page at a time, with search",
    permission: "migration:read",
    mutates: false,
    input: z.object({
      ...listFilter,
      offset: z.number().int().min(0).default(0),
      limit: z.number().int().min(1).max(500).default(100),
    }),
    output: z.object({ rows: z.array(migrationRow), total: z.number(), index: indexFreshness }),
  }),
  "migration.export": op({
    summary: "A list per state as CSV",
    permission: "migration:read",
    mutates: false,
    input: z.object(listFilter),
    output: z.object({ filename: z.string(), csv: z.string(), rows: z.number() }),
  }),
  "migration.report": op({
    summary: "The auditor's report: snapshots, the end criterion, and who changed what and when (from the audit log)",
    permission: "migration:read",
    mutates: false,
    input: z.object({ format: z.enum(["csv", "json"]) }),
    output: z.object({ filename: z.string(), content: z.string(), snapshots: z.number(), changes: z.number() }),
  }),
};
