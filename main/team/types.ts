/** What the team server's sign-in and operator management hand to their callers. */
import type { OperatorRole } from "../../shared/contract/permissions.ts";

export type { OperatorRole };

/** The signed-in operator behind one request: what the dispatcher will take per call. */
export interface Caller {
  userId: string;
  email: string;
  role: OperatorRole;
  /** The address the request came from (after the trusted-proxy rule). */
  address: string;
  /** A public id of the session: names it (in the audit) without being a way to use it. */
  sessionId: string;
  /** When the session ends at the latest (its absolute expiry). */
  expiresAt: number;
}

/** An operator as admins see it. */
export interface OperatorView {
  userId: string;
  email: string;
  role: OperatorRole;
  /** invited: the set-password link has not been used yet. */
  status: "invited" | "active";
  secondFactor: boolean;
  activeSessions: number;
  invitedAt: number | null;
  invitedBy: string | null;
}

/** A one-time link to hand to a person (printed by the CLI, shown once to the inviting admin). */
export interface OneTimeLink {
  url: string;
  expiresAt: number;
}

export interface TeamLimits {
  /** A session ends after this long without a request (default 30 min). */
  idleMs: number;
  /** A session ends this long after sign-in whatever happens (default 12 h). */
  absoluteMs: number;
  /** How often a session's role is confirmed on the directory's Core (default 60 s). */
  roleCheckMs: number;
  /** Lifetime of an invite's set-password link (default 72 h). */
  inviteMs: number;
  /** Time to give the second factor after the password (default 5 min). */
  secondFactorMs: number;
}

export const DEFAULT_LIMITS: TeamLimits = {
  idleMs: 30 * 60_000,
  absoluteMs: 12 * 3_600_000,
  roleCheckMs: 60_000,
  inviteMs: 72 * 3_600_000,
  secondFactorMs: 5 * 60_000,
};
