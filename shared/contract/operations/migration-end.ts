/**
 * The end of the migration (seed 04's last section) and password-reset links (issue 13):
 *
 * - `resetLinks.*`: support sends a password-reset link to one user on a temporary
 *   password (by mail through the profile's SMTP, else to the profile's outbox), with the profile's
 *   reset-mail template. Admins send to all of them as a job: kind "migration.resetLinks"
 *   (`jobs.dryRun` with `resetLinksInput`, then the jobs.* operations).
 * - `migrationEnd.*`: the end-of-migration job (admin). `migrationEnd.plan` is its dry run: it
 *   picks the path by what the Core offers (the Core's bulk import, or plain supertokens-node
 *   calls), lists the accounts it will create and the conflicts it will skip (and why), and keeps
 *   the plan as a draft job; `jobs.start` / pause / resume / cancel / result run it like any job.
 *   `migrationEnd.status` adds what the generic job summary cannot say: the path, the phase, and
 *   on the bulk-import path the Core's own processing state while its background task runs.
 *
 * Reset links are credentials: fields named `link` (and links inside texts and result files) are
 * hidden from roles without links:read by the dispatcher. Passwords and password hashes never
 * appear in any of these answers, in job items, result files or the audit log.
 */
import { z } from "zod";
import { op } from "../define.ts";
import { jobItem, jobSummary } from "./jobs.ts";
import { tenantId, userId } from "../schemas.ts";

/** How the accounts are made: the Core's bulk import (`/bulk-import/users`), or supertokens-node calls per user. */
export const MIGRATION_END_PATHS = ["bulk-import", "sdk"] as const;
export type MigrationEndPath = (typeof MIGRATION_END_PATHS)[number];

/** The job kinds of this area (for `jobs.dryRun` and the Jobs page). */
export const MIGRATION_END_KINDS = { sdk: "migration.end", "bulk-import": "migration.endBulk", resetLinks: "migration.resetLinks" } as const;

const template = z.object({
  subject: z.string().trim().min(1, "a subject is required").max(500),
  text: z
    .string()
    .min(1, "a text is required")
    .max(20_000)
    .refine((t) => /\{\{\s*link\s*\}\}/.test(t), "the text must contain {{link}}"),
});

/**
 * The reset mail of a profile. Placeholders: {{link}}, {{expiresInMinutes}}, {{email}}, {{appUrl}}.
 * The link goes to the app's reset page: <app URL><website base path>/reset-password?token=…&tenantId=…
 * (the app URL and base path are the profile's invite settings, as for magic links).
 */
export const resetLinkSettings = z.object({
  template,
  /** Where the link lands, from the invite settings (for display). */
  appUrl: z.string(),
  websiteBasePath: z.string(),
  /** Whether mail goes out by SMTP (else to the outbox), from the invite settings. */
  smtp: z.boolean(),
});
export type ResetLinkSettings = z.infer<typeof resetLinkSettings>;

/** A reset link made and sent (or queued in the outbox). */
export const resetLinkSent = z.object({
  userId: z.string(),
  email: z.string(),
  tenantId: z.string(),
  /** Null for roles without links:read. */
  link: z.string().nullable(),
  /** When the link stops working (the Core's password-reset token lifetime). */
  expiresAt: z.number(),
  delivery: z.enum(["sent", "outbox"]),
  /** The SMTP server's message id when sent; "outbox:<n>" otherwise. */
  messageId: z.string().nullable(),
});
export type ResetLinkSent = z.infer<typeof resetLinkSent>;

/**
 * Input of the "migration.end" / "migration.endBulk" kinds (also what migrationEnd.plan takes,
 * with the path). Every roster user the user index classified "not-migrated" gets an account;
 * "conflict" ones are listed and skipped.
 */
export const migrationEndInput = z.object({
  /** Only this tenant's roster users (absent: every tenant). */
  tenantId: tenantId.optional(),
  /** The legacy provider's name, written into each user's migration record ("migrated from …"). */
  provider: z.string().trim().min(1, "the provider's name is required").max(100).default("legacy"),
  /** Keep the plan for reference only; it cannot be started. */
  dryRunOnly: z.boolean().optional(),
});
export type MigrationEndInput = z.input<typeof migrationEndInput>;

/** What one item of an end-of-migration job holds (its input): never a password or hash. */
export interface MigrationEndItem {
  legacyId: string;
  email: string;
  tenantId: string;
  emailVerified: boolean;
  /** "legacy hash": the roster has the user's hash (they keep their password, no reset link); "temporary": a random password and a reset link. */
  password: "temporary" | "legacy hash";
  /** The legacy provider's name for the migration record (the job's input, kept with each item for restarts). */
  provider: string;
  [key: string]: unknown;
}

/** Input of the "migration.resetLinks" kind: a reset link to every user on a temporary password. */
export const resetLinksInput = z.object({
  /** Only this tenant (absent: every tenant). */
  tenantId: tenantId.optional(),
  /** Only these users (absent: everyone on a temporary password, found on the Core). */
  userIds: z.array(userId).max(100_000).optional(),
  dryRunOnly: z.boolean().optional(),
});
export type ResetLinksInput = z.input<typeof resetLinksInput>;

/** Whether the Core offers the bulk import, and why not. */
export const bulkImportSupport = z.object({
  available: z.boolean(),
  /** Why not, as the Core said it (e.g. "This API is not supported in the in-memory database.", or a 404 of an older Core). */
  reason: z.string().nullable(),
});

/** Where an end-of-migration job is. */
export const MIGRATION_END_PHASES = ["planned", "creating-accounts", "waiting-for-core", "sending-links", "finished"] as const;

/** The bulk-import path's view of the Core, polled while its background task imports the staged users. */
export const bulkImportProgress = z.object({
  /** This job's users staged on the Core and not imported yet. */
  staged: z.number(),
  /** This job's users the Core has imported. */
  imported: z.number(),
  /** This job's users the Core refused while importing (the item carries the Core's message). */
  refused: z.number(),
  /**
   * This job's users imported one at a time (POST /bulk-import/import) because the Core's task left
   * them waiting too long (a real Core leaves a whole chunk PROCESSING, run after run, when one of
   * its users hits an existing mapping).
   */
  importedAtOnce: z.number(),
  /** The Core's own counts of staged users (all of them, not only this job's): NEW, PROCESSING, FAILED. */
  core: z.object({ new: z.number(), processing: z.number(), failed: z.number() }).nullable(),
  /** When the Core was last asked. */
  checkedAt: z.number().nullable(),
  /** A sentence for the screen, e.g. "The Core imports staged users in the background (every 5 minutes on a real Core)". */
  note: z.string(),
});
export type BulkImportProgress = z.infer<typeof bulkImportProgress>;

export const migrationEndStatus = z.object({
  job: jobSummary.nullable(),
  path: z.enum(MIGRATION_END_PATHS).nullable(),
  phase: z.enum(MIGRATION_END_PHASES).nullable(),
  /** Reset links made by the job so far, per delivery. */
  links: z.object({ sent: z.number(), outbox: z.number() }),
  bulk: bulkImportProgress.nullable(),
});
export type MigrationEndStatus = z.infer<typeof migrationEndStatus>;

export const migrationEndOps = {
  "migrationEnd.capabilities": op({
    summary: "Whether the Core of the profile in force offers the bulk import (which path the end of the migration will take)",
    permission: "migration:read",
    mutates: false,
    input: z.object({}),
    output: z.object({ bulkImport: bulkImportSupport, path: z.enum(MIGRATION_END_PATHS) }),
  }),
  "migrationEnd.plan": op({
    summary: "Plan the end of the migration (dry run): the accounts to create for every roster user not yet migrated, the conflicts to skip and why; kept as a draft job",
    permission: "migration:end",
    mutates: true,
    input: migrationEndInput.extend({
      /** "auto": the bulk import when the Core offers it, else supertokens-node calls. */
      path: z.enum(["auto", ...MIGRATION_END_PATHS]).default("auto"),
    }),
    output: z.object({
      path: z.enum(MIGRATION_END_PATHS),
      /** Why this path, in a sentence. */
      pathReason: z.string(),
      /** The draft job; null when nobody is left to migrate (then the counts are 0). */
      job: jobSummary.nullable(),
      /** Why there is no job, in a sentence (null when there is one). */
      nothing: z.string().nullable(),
      counts: z.object({
        /** Accounts the job will create. */
        accounts: z.number(),
        /** Of them, users who keep their legacy password (the roster has their hash): no reset link, no flag. */
        keepPassword: z.number(),
        /** Of them, users who get a random temporary password, the flag and a reset link. */
        resetLinks: z.number(),
        /** Roster users skipped as conflicts (the items in state "skipped" say why). */
        conflicts: z.number(),
        /** Roster users the index still called not migrated who have their account by now (skipped). */
        alreadyMigrated: z.number(),
      }),
      /** The first items of the plan (jobs.get pages through the rest). */
      items: z.array(jobItem),
    }),
    target: (i) => i.tenantId ?? "all tenants",
    auditDetail: (o) =>
      o.job
        ? `${o.path}: ${o.counts.accounts} accounts (${o.counts.resetLinks} with reset links), ${o.counts.conflicts} conflicts skipped; job ${o.job.id}`
        : `${o.path}: nothing to do (${o.nothing ?? "nobody left to migrate"})`,
  }),
  "migrationEnd.status": op({
    summary: "An end-of-migration job (the latest when none is named): its path, phase, reset links, and the Core's bulk-import processing state",
    permission: "migration:read",
    mutates: false,
    input: z.object({ jobId: z.string().trim().min(1).optional() }),
    output: migrationEndStatus,
  }),
  "resetLinks.send": op({
    summary: "Send a password-reset link to a user on a temporary password (by mail, or to the outbox)",
    permission: "reset-links:send",
    mutates: true,
    input: z.object({ userId }),
    output: resetLinkSent,
    target: (i) => i.userId,
    auditDetail: (o) => `reset link for ${o.email} (${o.tenantId}): ${o.delivery}${o.messageId ? ` ${o.messageId}` : ""}`,
  }),
  "resetLinks.settings.get": op({
    summary: "The reset mail of the profile in force (template; where links land and how mail goes, from the invite settings)",
    permission: "migration:read",
    mutates: false,
    input: z.object({}),
    output: resetLinkSettings,
  }),
  "resetLinks.settings.update": op({
    summary: "Change the reset mail template of the profile in force",
    permission: "profiles:write",
    mutates: true,
    input: z.object({ template }),
    output: resetLinkSettings,
    target: () => "reset mail template",
  }),
};
