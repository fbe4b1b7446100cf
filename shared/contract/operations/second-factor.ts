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
]);
export type SecondFactorResetAction = z.infer<typeof secondFactorResetAction>;

export const resetStepName = z.enum(["read", "check-phone", "update-phone", "create-phone-user", "link", "unlink", "delete-phone-user", "revoke-sessions"]);

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
  /** What happened to the Passwordless user that held the old phone (clear only). */
  oldPasswordlessUser: z.enum(["deleted", "kept", "none"]),
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
    summary: "Reset a user's second-factor phone (replace or clear), revoking their sessions",
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
      JSON.stringify({ before: o.before, after: o.after, alreadyDone: o.alreadyDone, resumed: o.resumed, sessionsRevoked: o.sessionsRevoked, oldPasswordlessUser: o.oldPasswordlessUser, steps: o.steps.map((s) => `${s.step}:${s.status}`) }),
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
