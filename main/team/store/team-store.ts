/**
 * What the team server keeps about signing in, behind one interface: SQLite (sqlite-team-store.ts,
 * one server) or PostgreSQL (postgres-team-store.ts, several instances). Every method is async
 * so a networked store fits; every check-and-change (using a link, taking a TOTP step, counting a
 * failure) is one atomic step, so two instances never both accept the same thing.
 */
import type { OperatorRole } from "../../../shared/contract/permissions.ts";

export interface SessionRecord {
  tokenHash: string;
  userId: string;
  email: string;
  role: OperatorRole;
  address: string;
  createdAt: number;
  lastSeenAt: number;
  /** When the role was last confirmed on the operator directory. */
  checkedAt: number;
}

/** A session's row as both stores keep it. */
export interface SessionRow {
  token_hash: string;
  user_id: string;
  email: string;
  role: string;
  address: string;
  created_at: number;
  last_seen_at: number;
  checked_at: number;
}

export const toSession = (row: SessionRow): SessionRecord => ({
  tokenHash: row.token_hash,
  userId: row.user_id,
  email: row.email,
  role: row.role as OperatorRole,
  address: row.address,
  createdAt: row.created_at,
  lastSeenAt: row.last_seen_at,
  checkedAt: row.checked_at,
});

export type LinkPurpose = "set-password" | "second-factor";

export interface LinkRecord {
  tokenHash: string;
  purpose: LinkPurpose;
  userId: string;
  createdAt: number;
  expiresAt: number;
  usedAt: number | null;
}

export interface TotpRecord {
  userId: string;
  sealedSecret: string;
  confirmedAt: number | null;
  lastStep: number;
}

export interface ThrottleRecord {
  key: string;
  failures: number;
  lastFailureAt: number;
  lockedUntil: number;
}

export interface TeamStore {
  // Sessions
  addSession(session: SessionRecord): Promise<void>;
  session(tokenHash: string): Promise<SessionRecord | undefined>;
  touchSession(tokenHash: string, lastSeenAt: number, checkedAt: number): Promise<void>;
  removeSession(tokenHash: string): Promise<boolean>;
  /** Ends every session of an operator; answers how many there were. */
  removeSessionsOf(userId: string): Promise<number>;
  countSessionsOf(userId: string): Promise<number>;
  /** Forgets sessions idle since before `idleBefore` or begun before `createdBefore` (dead already). */
  pruneSessions(idleBefore: number, createdBefore: number): Promise<number>;

  // One-time links
  addLink(link: LinkRecord): Promise<void>;
  link(tokenHash: string): Promise<LinkRecord | undefined>;
  /** Marks the link used if it is unused, of this purpose and not expired; true when this call did. */
  useLink(tokenHash: string, purpose: LinkPurpose, now: number): Promise<boolean>;
  /** Gives back a link whose use failed half-way (the Core refused the password), so it can be tried again. */
  releaseLink(tokenHash: string): Promise<void>;
  /** Forgets every unused link of an operator for a purpose (a new invite replaces the old one). */
  voidLinksOf(userId: string, purpose: LinkPurpose): Promise<number>;
  /** Forgets links that expired before `before` (housekeeping). */
  pruneLinks(before: number): Promise<number>;

  // TOTP
  totp(userId: string): Promise<TotpRecord | undefined>;
  /** Starts (or restarts) an enrolment: an unconfirmed secret. Refused (false) when one is confirmed. */
  beginTotp(userId: string, sealedSecret: string): Promise<boolean>;
  confirmTotp(userId: string, at: number, step: number): Promise<boolean>;
  /** Takes a time step if it is later than the last one taken; false means the code was used already. */
  takeTotpStep(userId: string, step: number): Promise<boolean>;
  removeTotp(userId: string): Promise<boolean>;

  // Sign-in throttling
  throttle(key: string): Promise<ThrottleRecord | undefined>;
  /** Counts one failure (starting again at 1 when the last failure was at or before windowCutoff and no pause holds); answers the record after it. */
  addFailure(key: string, now: number, windowCutoff: number): Promise<ThrottleRecord>;
  lock(key: string, until: number): Promise<void>;
  clearThrottle(key: string): Promise<void>;

  /** Everything kept about an operator, when they are removed. */
  forgetOperator(userId: string): Promise<void>;
}
