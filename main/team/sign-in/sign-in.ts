/**
 * Signing in: email and password checked by the directory's Core, then (when the operator turned
 * it on) a TOTP code, then a session. Wrong email, wrong password and "not an operator" are
 * answered alike; every refused attempt is counted by the throttle, audited with why, and logged
 * (the email and address, never what was typed as password or code).
 */
import type { OperatorDirectory } from "../directory/operator-directory.ts";
import type { Log } from "../directory/cdi.ts";
import type { TeamAudit } from "../audit.ts";
import { TeamError } from "../errors.ts";
import type { OneTimeLinks } from "../links.ts";
import type { IssuedSession, Sessions } from "../sessions/sessions.ts";
import type { SecondFactor } from "../totp/second-factor.ts";
import type { TeamLimits } from "../types.ts";
import { readEmail, readString } from "../input.ts";
import type { SignInThrottle } from "./throttle.ts";

export type SignInStep = { kind: "session"; session: IssuedSession } | { kind: "second-factor"; challenge: string; expiresAt: number };

export interface SignInDeps {
  directory: OperatorDirectory;
  sessions: Sessions;
  secondFactor: SecondFactor;
  links: OneTimeLinks;
  throttle: SignInThrottle;
  audit: TeamAudit;
  log: Log;
  limits: Pick<TeamLimits, "secondFactorMs">;
}

const WRONG = "The email or password is not right.";

export class SignIn {
  constructor(private readonly deps: SignInDeps) {}

  async withPassword(input: { email?: unknown; password?: unknown }, address: string): Promise<SignInStep> {
    const email = readEmail(input.email);
    const password = readString(input.password, "password");
    await this.refuseIfPaused(email, address);
    const { directory } = this.deps;
    const userId = await directory.checkPassword(email, password);
    if (userId === null) return this.refuse(email, address, "wrong email or password", WRONG);
    const role = await directory.roleOf(userId);
    if (role === null) return this.refuse(email, address, "not an operator (holds no Gatehouse role)", WRONG);
    if (await this.deps.secondFactor.isOn(userId)) {
      const { token, expiresAt } = await this.deps.links.issue(userId, "second-factor", this.deps.limits.secondFactorMs);
      return { kind: "second-factor", challenge: token, expiresAt };
    }
    return { kind: "session", session: await this.open({ userId, email, role }, address, "password") };
  }

  async withCode(input: { challenge?: unknown; code?: unknown }, address: string): Promise<IssuedSession> {
    const code = readString(input.code, "code");
    const link = await this.deps.links.check(input.challenge, "second-factor");
    const email = await this.deps.directory.emailOf(link.userId);
    if (email === undefined) throw new TeamError("LINK_INVALID", "This operator no longer exists.");
    await this.refuseIfPaused(email, address);
    const check = await this.deps.secondFactor.check(link.userId, code);
    if (check === "wrong") return this.refuse(email, address, "wrong second-factor code", "That code is not right. Enter the code your authenticator app shows now.");
    if (check === "reused") return this.refuse(email, address, "second-factor code used before", "That code was used already. Wait for the next one and enter it.");
    await this.deps.links.use(input.challenge, "second-factor");
    const role = await this.deps.directory.roleOf(link.userId);
    if (role === null) return this.refuse(email, address, "not an operator (holds no Gatehouse role)", WRONG);
    return this.open({ userId: link.userId, email, role }, address, "password and second factor");
  }

  private async open(operator: { userId: string; email: string; role: IssuedSession["caller"]["role"] }, address: string, how: string): Promise<IssuedSession> {
    await this.deps.throttle.succeeded(operator.email);
    const session = await this.deps.sessions.start(operator, address);
    await this.deps.audit.record({ operation: "team.signIn", actor: operator.email, role: operator.role, target: operator.email, address, outcome: "ok", detail: `signed in with ${how}` });
    return session;
  }

  private async refuseIfPaused(email: string, address: string): Promise<void> {
    const paused = await this.deps.throttle.pausedFor(email, address);
    if (!paused) return;
    await this.record(email, address, `refused while paused: ${paused.message}`);
    throw paused;
  }

  /** Counts, audits and logs a refused attempt, then throws what the person is told. */
  private async refuse(email: string, address: string, why: string, message: string): Promise<never> {
    const paused = await this.deps.throttle.failed(email, address);
    await this.record(email, address, paused ? `${why}; ${paused.message}` : why);
    throw paused ? new TeamError("RATE_LIMITED", `${message} ${paused.message}`, { retryAfterSec: paused.retryAfterSec ?? 60 }) : new TeamError("SIGN_IN_FAILED", message);
  }

  private async record(email: string, address: string, detail: string): Promise<void> {
    await this.deps.audit.record({ operation: "team.signIn", actor: email, role: "-", target: email, address, outcome: "error", detail });
    this.deps.log(`team: sign-in refused for ${email} from ${address}: ${detail}`);
  }
}
