import { z } from "zod";
import { op } from "../define.ts";
import { operatorRole } from "../schemas.ts";

/** An operator of a Gatehouse team server, as admins see them. */
export const operatorView = z.object({
  userId: z.string(),
  email: z.string(),
  role: operatorRole,
  /** invited: the set-password link has not been used yet. */
  status: z.enum(["invited", "active"]),
  secondFactor: z.boolean(),
  activeSessions: z.number().int().nonnegative(),
  invitedAt: z.number().nullable(),
  invitedBy: z.string().nullable(),
});

const userId = z.string().trim().min(1, "the operator's user id is required");

/**
 * Operators of a team server (the desktop has none: there these answer that operators live on a
 * Gatehouse server). Only admins manage them; every change is audited like any other.
 */
export const operatorOps = {
  "operators.list": op({
    summary: "Operators of this Gatehouse server",
    permission: "operators:manage",
    mutates: false,
    input: z.object({}),
    output: z.object({ operators: z.array(operatorView) }),
  }),
  "operators.invite": op({
    summary: "Invite an operator",
    permission: "operators:manage",
    mutates: true,
    input: z.object({ email: z.string().trim().min(1, "an email is required").max(254), role: operatorRole }),
    // The set-password link is shown once, to the inviting admin, and never written to the audit log.
    output: z.object({ operator: operatorView, link: z.object({ url: z.string(), expiresAt: z.number() }) }),
    // Emails are kept lower-case by the directory: the audit names the operator as they will appear.
    target: (i) => i.email.toLowerCase(),
    auditDetail: (o) => `invited as ${o.operator.role}`,
  }),
  "operators.setRole": op({
    summary: "Change an operator's role",
    permission: "operators:manage",
    mutates: true,
    input: z.object({ userId, role: operatorRole }),
    output: z.object({ operator: operatorView, endedSessions: z.number().int().nonnegative() }),
    target: (i) => i.userId,
    auditDetail: (o) => `${o.operator.email} is now ${o.operator.role}; ${o.endedSessions} session(s) ended`,
  }),
  "operators.remove": op({
    summary: "Remove an operator",
    permission: "operators:manage",
    mutates: true,
    input: z.object({ userId }),
    output: z.object({ email: z.string(), endedSessions: z.number().int().nonnegative() }),
    target: (i) => i.userId,
    auditDetail: (o) => `${o.email} removed; ${o.endedSessions} session(s) ended`,
  }),
  "operators.resetSecondFactor": op({
    summary: "Turn off an operator's second factor",
    permission: "operators:manage",
    mutates: true,
    input: z.object({ userId }),
    output: z.object({ email: z.string(), removed: z.boolean() }),
    target: (i) => i.userId,
  }),
};
