/**
 * What a signed-in operator does for themselves: sign out, sign out everywhere, turn the second
 * factor on (enrol, then confirm with a first code) or off (with a current code). Audited here:
 * these go through the team routes, not the dispatcher.
 */
import type { TeamAudit } from "./audit.ts";
import { TeamError } from "./errors.ts";
import { readString } from "./input.ts";
import type { Sessions } from "./sessions/sessions.ts";
import type { Enrolment, SecondFactor } from "./totp/second-factor.ts";
import type { Caller } from "./types.ts";

export interface SelfServiceDeps {
  sessions: Sessions;
  secondFactor: SecondFactor;
  audit: TeamAudit;
}

export class SelfService {
  constructor(private readonly deps: SelfServiceDeps) {}

  async signOut(caller: Caller, token: unknown): Promise<void> {
    await this.deps.sessions.end(token);
    await this.record(caller, "team.signOut", "signed out");
  }

  async signOutEverywhere(caller: Caller): Promise<{ endedSessions: number }> {
    const endedSessions = await this.deps.sessions.endAllOf(caller.userId);
    await this.record(caller, "team.signOutEverywhere", `${endedSessions} session(s) ended`);
    return { endedSessions };
  }

  /** The secret, this once: after confirmation it is never shown again. */
  async enrolSecondFactor(caller: Caller): Promise<Enrolment> {
    const enrolment = await this.deps.secondFactor.enrol(caller.userId, caller.email);
    await this.record(caller, "team.secondFactor.enrol", "enrolment started");
    return enrolment;
  }

  async confirmSecondFactor(caller: Caller, input: { code?: unknown }): Promise<{ secondFactor: true }> {
    await this.deps.secondFactor.confirm(caller.userId, readString(input.code, "code", 16));
    await this.record(caller, "team.secondFactor.on", "second factor turned on");
    return { secondFactor: true };
  }

  async turnOffSecondFactor(caller: Caller, input: { code?: unknown }): Promise<{ secondFactor: false }> {
    const check = await this.deps.secondFactor.check(caller.userId, readString(input.code, "code", 16));
    if (check !== "ok") {
      await this.record(caller, "team.secondFactor.off", `refused: ${check === "reused" ? "code used before" : "wrong code"}`, "error");
      throw new TeamError("VALIDATION", "code: that is not a current code from your authenticator app.", { field: "code" });
    }
    await this.deps.secondFactor.remove(caller.userId);
    await this.record(caller, "team.secondFactor.off", "second factor turned off");
    return { secondFactor: false };
  }

  private async record(caller: Caller, operation: string, detail: string, outcome: "ok" | "error" = "ok"): Promise<void> {
    await this.deps.audit.record({ operation, actor: caller.email, role: caller.role, target: caller.email, address: caller.address, outcome, detail: `${detail} (session ${caller.sessionId})` });
  }
}
