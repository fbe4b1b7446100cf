/**
 * Jobs: bulk work run by the main process's job engine (main/jobs/), journaled per item, with a
 * dry run first. Each kind validates its own `input` (main/jobs/kinds/); the shapes the renderer
 * sends for a kind are exported here too.
 */
import { z } from "zod";
import { op } from "../define.ts";
import { json, roleName, tenantId, userId } from "../schemas.ts";

/**
 * "waiting": the job stopped itself because its Core cannot be reached; it checks the Core with
 * backoff and carries on by itself when it answers (not the operator's "paused").
 */
export const JOB_STATES = ["draft", "running", "waiting", "paused", "completed", "cancelled", "failed"] as const;
export type JobState = (typeof JOB_STATES)[number];
export const ITEM_STATES = ["pending", "running", "done", "failed", "skipped"] as const;
export type ItemState = (typeof ITEM_STATES)[number];

const jobId = z.string().trim().min(1, "a job id is required");

export const jobSummary = z.object({
  id: z.string(),
  kind: z.string(),
  /** The connection profile (and so the Core) the job was planned for and runs against. */
  profileId: z.string(),
  /** Its name now ("" when the profile is gone). */
  profileName: z.string(),
  createdBy: z.string(),
  inputSummary: z.string(),
  state: z.enum(JOB_STATES),
  createdAt: z.number(),
  startedAt: z.number().nullable(),
  finishedAt: z.number().nullable(),
  total: z.number(),
  /** Items the dry run found valid (the ones a start runs). */
  valid: z.number(),
  pending: z.number(),
  running: z.number(),
  done: z.number(),
  failed: z.number(),
  skipped: z.number(),
  /** Estimated time left from the recent rate; null when not running or not known yet. */
  etaMs: z.number().nullable(),
  /** Why the job as a whole failed or stopped, or (state "waiting") why it waits for the Core. Items carry their own errors. */
  error: z.string().nullable(),
});
export type JobSummary = z.infer<typeof jobSummary>;

export const jobItem = z.object({
  index: z.number(),
  input: json,
  state: z.enum(ITEM_STATES),
  /** The dry run's word on this item: what will happen, or why it cannot. */
  plan: z.string().nullable(),
  attempts: z.number(),
  result: json.nullable(),
  error: z.string().nullable(),
  updatedAt: z.number(),
});
export type JobItem = z.infer<typeof jobItem>;

/** Input of the "roles.bulkAssign" kind: the users as ids, or as CSV text with a userId column. */
export const rolesBulkAssignInput = z
  .object({
    role: roleName,
    tenantId,
    userIds: z.array(userId).max(100_000).optional(),
    csv: z.string().max(20_000_000, "the CSV may be at most 20 MB").optional(),
  })
  .refine((i) => (i.userIds?.length ?? 0) > 0 || (i.csv?.trim() ?? "") !== "", { message: "give userIds or a CSV with a userId column", path: ["userIds"] });

/**
 * Input of the "invites.bulk" kind: CSV text with an "email" or "phone" column (one of them per
 * row), optional "tenant" and "roles" (separated by ";" or "|" in the cell). Rows without a
 * tenant go to `defaultTenant`, else the profile's default tenant. `dryRunOnly` keeps the plan
 * without a startable draft.
 */
export const invitesBulkInput = z.object({
  // The 50 MB limit is checked in bytes by the kind, with its own message; this only stops the absurd.
  csv: z.string().max(200_000_000, "the CSV is far over the 50 MB limit"),
  defaultTenant: tenantId.optional(),
  dryRunOnly: z.boolean().optional(),
});
export type InvitesBulkInput = z.input<typeof invitesBulkInput>;

/** What an "invites.bulk" item holds (its input) and returns (its result). */
export interface InvitesBulkItem {
  line: number;
  email: string;
  phoneNumber: string;
  tenantId: string;
  /** Role names separated by ";". */
  roles: string;
  [key: string]: unknown;
}

export const jobsOps = {
  "jobs.list": op({
    summary: "The jobs of the profile in force, newest first, a page at a time",
    permission: "jobs:read",
    mutates: false,
    input: z.object({ offset: z.number().int().min(0).default(0), limit: z.number().int().min(1).max(500).default(50) }),
    output: z.object({ jobs: z.array(jobSummary), total: z.number() }),
  }),
  "jobs.get": op({
    summary: "A job of the profile in force, with a page of its items",
    permission: "jobs:read",
    mutates: false,
    input: z.object({
      jobId,
      offset: z.number().int().min(0).default(0),
      limit: z.number().int().min(1).max(5000).default(1000),
      state: z.enum([...ITEM_STATES, "invalid"]).optional(),
    }),
    output: z.object({ job: jobSummary, items: z.array(jobItem), itemsTotal: z.number() }),
  }),
  "jobs.result": op({
    summary: "A job's result file (profile in force): one CSV row per item",
    permission: "jobs:read",
    mutates: false,
    input: z.object({ jobId }),
    output: z.object({ filename: z.string(), content: z.string(), rows: z.number() }),
  }),
  "jobs.dryRun": op({
    summary: "Plan a bulk job: validate every item and keep the plan as a draft",
    permission: "jobs:control",
    mutates: true,
    input: z.object({ kind: z.string().trim().min(1), input: json }),
    output: z.object({ job: jobSummary, items: z.array(jobItem) }),
    target: (i) => i.kind,
  }),
  "jobs.start": op({
    summary: "Start a drafted job (its valid items)",
    permission: "jobs:control",
    mutates: true,
    input: z.object({ jobId }),
    output: z.object({ job: jobSummary }),
    target: (i) => i.jobId,
  }),
  "jobs.pause": op({
    summary: "Pause a job (items under way finish)",
    permission: "jobs:control",
    mutates: true,
    input: z.object({ jobId }),
    output: z.object({ job: jobSummary }),
    target: (i) => i.jobId,
  }),
  "jobs.resume": op({
    summary: "Resume a paused job",
    permission: "jobs:control",
    mutates: true,
    input: z.object({ jobId }),
    output: z.object({ job: jobSummary }),
    target: (i) => i.jobId,
  }),
  "jobs.retryFailed": op({
    summary: "Run a job's failed items again (a fresh count of attempts; each checks the Core first)",
    permission: "jobs:control",
    mutates: true,
    input: z.object({ jobId }),
    output: z.object({ job: jobSummary, retried: z.number() }),
    target: (i) => i.jobId,
  }),
  "jobs.cancel": op({
    summary: "Cancel a job (items not yet done are skipped)",
    permission: "jobs:control",
    mutates: true,
    input: z.object({ jobId }),
    output: z.object({ job: jobSummary }),
    target: (i) => i.jobId,
  }),
};
