/**
 * Operators' sessions, kept in the team store (why not the Core's Session recipe: see
 * main/team/index.ts): an opaque random token in an httpOnly cookie, stored as its hash; ended
 * after `idleMs` without a request or `absoluteMs` after sign-in; the operator's role confirmed on
 * the directory every `roleCheckMs`, so a role changed or an operator removed on the Core itself
 * ends the session too. Changes made through Gatehouse end the sessions at once (endAllOf).
 */
import type { OperatorRole } from "../../../shared/contract/permissions.ts";
import { TeamError } from "../errors.ts";
import type { TeamStore } from "../store/team-store.ts";
import { hashToken, isTokenShaped, newToken } from "../tokens.ts";
import type { Caller, TeamLimits } from "../types.ts";
import { csrfTokenFor } from "./csrf.ts";

export interface IssuedSession {
  /** Goes into the httpOnly cookie only: never into an answer's body or a log. */
  token: string;
  csrfToken: string;
  caller: Caller;
}

export interface RoleSource {
  roleOf(userId: string): Promise<OperatorRole | null>;
}

const ENDED = "Your session has ended (signed out, or ended by an admin). Sign in again.";

/** How stale a session's last-seen time may get before a request records it again. */
const TOUCH_EVERY_MS = 5_000;

export class Sessions {
  constructor(
    private readonly store: TeamStore,
    private readonly roles: RoleSource,
    private readonly now: () => number,
    private readonly limits: Pick<TeamLimits, "idleMs" | "absoluteMs" | "roleCheckMs">,
  ) {}

  async start(operator: { userId: string; email: string; role: OperatorRole }, address: string): Promise<IssuedSession> {
    await this.prune();
    const token = newToken();
    const now = this.now();
    const tokenHash = hashToken(token);
    await this.store.addSession({ tokenHash, ...operator, address, createdAt: now, lastSeenAt: now, checkedAt: now });
    return { token, csrfToken: csrfTokenFor(token), caller: { ...operator, address, sessionId: publicId(tokenHash), expiresAt: now + this.limits.absoluteMs } };
  }

  /** The operator behind a session token, or UNAUTHENTICATED saying why not. */
  async verify(token: unknown, address: string): Promise<Caller> {
    if (token === undefined || token === null || token === "") throw new TeamError("UNAUTHENTICATED", "Sign in to continue.");
    if (!isTokenShaped(token)) throw new TeamError("UNAUTHENTICATED", ENDED);
    const tokenHash = hashToken(token);
    const session = await this.store.session(tokenHash);
    if (!session) throw new TeamError("UNAUTHENTICATED", ENDED);
    const now = this.now();
    const end = async (why: string): Promise<never> => {
      await this.store.removeSession(tokenHash);
      throw new TeamError("UNAUTHENTICATED", why);
    };
    if (now - session.createdAt >= this.limits.absoluteMs) await end(`Your session reached its ${span(this.limits.absoluteMs, "-")} limit. Sign in again.`);
    if (now - session.lastSeenAt >= this.limits.idleMs) await end(`Your session ended after ${span(this.limits.idleMs, " ")} without activity. Sign in again.`);
    let checkedAt = session.checkedAt;
    if (now - session.checkedAt >= this.limits.roleCheckMs) {
      const role = await this.roles.roleOf(session.userId);
      if (role === null) {
        await this.store.removeSessionsOf(session.userId);
        throw new TeamError("UNAUTHENTICATED", "You are no longer an operator of this Gatehouse server.");
      }
      if (role !== session.role) {
        await this.store.removeSessionsOf(session.userId);
        throw new TeamError("UNAUTHENTICATED", `Your role changed to ${role}. Sign in again.`);
      }
      checkedAt = now;
    }
    // Activity is recorded at most every few seconds: the idle limit is minutes, and a write per
    // request would cost every call of a busy page (on PostgreSQL, a round trip).
    if (checkedAt !== session.checkedAt || now - session.lastSeenAt >= TOUCH_EVERY_MS) await this.store.touchSession(tokenHash, now, checkedAt);
    return {
      userId: session.userId,
      email: session.email,
      role: session.role,
      address,
      sessionId: publicId(tokenHash),
      expiresAt: session.createdAt + this.limits.absoluteMs,
    };
  }

  /**
   * Whether a session is still live, without counting as activity: an open event stream is not
   * the operator at work, so it must not hold off the idle limit.
   */
  async isLive(token: unknown): Promise<boolean> {
    if (!isTokenShaped(token)) return false;
    const session = await this.store.session(hashToken(token));
    if (!session) return false;
    const now = this.now();
    return now - session.createdAt < this.limits.absoluteMs && now - session.lastSeenAt < this.limits.idleMs;
  }

  /** Signs one session out (no error when it had ended already). */
  async end(token: unknown): Promise<boolean> {
    return isTokenShaped(token) ? this.store.removeSession(hashToken(token)) : false;
  }

  /** Ends every session of an operator at once; answers how many were live. */
  async endAllOf(userId: string): Promise<number> {
    await this.prune();
    return this.store.removeSessionsOf(userId);
  }

  async countLive(userId: string): Promise<number> {
    await this.prune();
    return this.store.countSessionsOf(userId);
  }

  /** Sessions past their idle or absolute limit are dead: forgotten, so counts are of live ones. */
  private async prune(): Promise<void> {
    const now = this.now();
    await this.store.pruneSessions(now - this.limits.idleMs, now - this.limits.absoluteMs);
  }
}

/** A session's public id: names it (e.g. in the audit) without being a way to find or use it. */
const publicId = (tokenHash: string): string => hashToken(tokenHash).slice(0, 16);

/** "30 minutes" (sep " ") or "30-minute" (sep "-"). */
function span(ms: number, sep: " " | "-"): string {
  const minutes = Math.round(ms / 60_000);
  const [n, unit] = minutes < 120 ? [minutes, "minute"] : [Math.round(minutes / 60), "hour"];
  return `${n}${sep}${unit}${sep === " " && n !== 1 ? "s" : ""}`;
}
