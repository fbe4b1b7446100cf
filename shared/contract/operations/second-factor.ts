/**
 * Second-factor phones (seed 03): the guided reset of one user's 2FA phone, and the report of
 * second-factor problems across a tenant.
 */
import { z } from "zod";
import { op } from "../define.ts";
import { secondFactor, tenantId, userId } from "../schemas.ts";

export const secondFactorResetAction = z.discriminatedUnion("kind", [
  /** Replace the phone with a new one (any format; normalised to E.164 by the main process). */
  z.object({ kind: z.literal("replace"), phoneNumber: z.string().trim().min(1, "a new phone number is required").max(40) }),
  /** Remove the enrollment so the person enrolls again; the old Passwordless user is deleted or kept. */
  z.object({ kind: z.literal("clear"), deletePasswordlessUser: z.boolean() }),
  /**
   * Forget an unfinished earlier reset of this user without finishing it: what it changed on the
   * Core stays as it is. (To finish it instead, run its own action again.)
   */
  z.object({ kind: z.literal("abandon") }),
]);
export type SecondFactorResetAction = z.infer<typeof secondFactorResetAction>;

export const resetStepName = z.enum(["read", "check-shared", "check-phone", "update-phone", "create-phone-user", "link", "unlink", "delete-phone-user", "revoke-sessions", "abandon"]);

/** Another user whose metadata link names the same phone user. */
export const phoneUserSharer = z.object({
  userId: z.string(),
  /** Emails and phones (phones masked for auditors). */
  label: z.string(),
});

/** Who else points at the user's phone user: a scan of every tenant's users, up to a cap. */
export const shareScan = z.object({
  others: z.array(phoneUserSharer),
  scanned: z.number(),
  /** False when the scan stopped at its cap: others may point there too, unseen. */
  complete: z.boolean(),
});

export const resetStep = z.object({
  step: resetStepName,
  /** done: did it in this run; already: found it done (an earlier run); skipped: not needed for this choice. */
  status: z.enum(["done", "already", "skipped"]),
  detail: z.string(),
});
export type ResetStep = z.infer<typeof resetStep>;

export const secondFactorResetOutput = z.object({
  userId: z.string(),
  action: secondFactorResetAction,
  /** True when every step was found done already: this run changed nothing. */
  alreadyDone: z.boolean(),
  /** True when this run finished a reset an earlier run left half-done. */
  resumed: z.boolean(),
  before: secondFactor,
  after: secondFactor,
  steps: z.array(resetStep),
  sessionsRevoked: z.number(),
  /** The first-factor users whose second factor this run changed and whose stale sessions it ended. */
  sessionsEndedFor: z.array(z.string()),
  /** What happened to the Passwordless user that held the old phone (clear only). */
  oldPasswordlessUser: z.enum(["deleted", "kept", "none"]),
  /** Who else pointed at the old phone user when the reset ran (they keep it); null when there was none to look for. */
  shared: shareScan.nullable(),
});

/** What a reset of this user would do, and what stands in its way, before anything is done. */
export const secondFactorResetPreview = z.object({
  userId: z.string(),
  /** The state now (phone masked for auditors). */
  state: secondFactor,
  shared: shareScan,
  /** Replace updates the phone user in place (true) or gives this user a new phone user of their own. */
  replaceInPlace: z.boolean(),
  /** Clear with "delete" would delete the phone user (false: it is kept, see `keepReason`). */
  clearMayDelete: z.boolean(),
  /** Why a clear keeps the phone user even when asked to delete it. */
  keepReason: z.enum(["shared", "unsure", "not-phone-only", "none"]),
  /** The region a phone typed without + is read in (the profile's invite settings). */
  defaultRegion: z.string(),
  /** An earlier reset of this user that did not finish. */
  pending: z
    .object({
      action: secondFactorResetAction,
      startedAt: z.number(),
      /** Whether the Core shows it changed anything (false: a new reset simply proceeds). */
      changedOnCore: z.boolean(),
      /** What it did on the Core, in words. */
      summary: z.string(),
    })
    .nullable(),
});

export const secondFactorProblem = z.object({
  kind: z.enum(["missing-user", "no-phone", "orphan", "shared"]),
  /** The first-factor users concerned (none for an orphan, two or more when shared). */
  userIds: z.array(z.string()),
  /** Their emails/phones, for reading the report. */
  userLabels: z.array(z.string()),
  passwordlessUserId: z.string(),
  /** The Passwordless user's phone (masked for auditors); empty when it has none. */
  phoneNumber: z.string(),
  detail: z.string(),
});
export type SecondFactorProblem = z.infer<typeof secondFactorProblem>;

const reportInput = z.object({ tenantId, max: z.number().int().min(1).max(200_000).default(100_000) });

export const secondFactorOps = {
  "secondFactor.reset": op({
    summary: "Reset a user's second-factor phone (replace or clear, or abandon an unfinished reset), revoking their sessions",
    permission: "second-factor:reset",
    mutates: true,
    input: z.object({
      userId,
      reason: z.string().trim().min(1, "a reason is required").max(1000),
      ticket: z.string().trim().min(1, "a ticket reference is required").max(200),
      action: secondFactorResetAction,
    }),
    output: secondFactorResetOutput,
    target: (i) => i.userId,
    auditDetail: (o: z.output<typeof secondFactorResetOutput>) =>
      JSON.stringify({
        before: o.before,
        after: o.after,
        alreadyDone: o.alreadyDone,
        resumed: o.resumed,
        sessionsRevoked: o.sessionsRevoked,
        sessionsEndedFor: o.sessionsEndedFor,
        oldPasswordlessUser: o.oldPasswordlessUser,
        sharedWith: o.shared?.others.map((s) => s.userId) ?? [],
        shareScanComplete: o.shared?.complete ?? true,
        steps: o.steps.map((s) => `${s.step}:${s.status}`),
      }),
  }),
  "secondFactor.resetPreview": op({
    summary: "What a second-factor reset of a user would do: who shares the phone user, and any unfinished earlier reset",
    permission: "users:read",
    mutates: false,
    input: z.object({ userId }),
    output: secondFactorResetPreview,
  }),
  "secondFactor.report": op({
    summary: "Second-factor problems in a tenant: broken links, orphaned phone users, shared phone users",
    permission: "users:read",
    mutates: false,
    input: reportInput,
    output: z.object({ scanned: z.number(), truncated: z.boolean(), problems: z.array(secondFactorProblem) }),
  }),
  "secondFactor.reportCsv": op({
    summary: "The second-factor problems report as CSV",
    permission: "users:export",
    mutates: false,
    input: reportInput,
    output: z.object({ csv: z.string(), rows: z.number(), truncated: z.boolean() }),
  }),
};
