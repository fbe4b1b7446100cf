/**
 * What admins do with operators: invite, list, set a role, remove, reset a second factor. Changing
 * a role or removing an operator ends their sessions at once. The server keeps at least one admin
 * who can sign in. Each method takes the signed-in caller and refuses anyone but an admin (the
 * dispatcher will check the contract's permission first and write the audit entry, as for every
 * change; these checks stay as a second lock).
 */
import type { OperatorRole } from "../../../shared/contract/permissions.ts";
import type { OperatorDirectory } from "../directory/operator-directory.ts";
import { TeamError } from "../errors.ts";
import { readRole, readString } from "../input.ts";
import type { OneTimeLinks } from "../links.ts";
import type { Sessions } from "../sessions/sessions.ts";
import type { TeamStore } from "../store/team-store.ts";
import type { SecondFactor } from "../totp/second-factor.ts";
import type { Caller, OneTimeLink, OperatorView, TeamLimits } from "../types.ts";

/** Who asks: an admin's email (recorded as the inviter) and role; a session's Caller is one. */
export type AdminActor = Pick<Caller, "email" | "role">;
import { createOperator } from "./create-operator.ts";

export interface OperatorAdminDeps {
  directory: OperatorDirectory;
  links: OneTimeLinks;
  sessions: Sessions;
  secondFactor: SecondFactor;
  store: TeamStore;
  now: () => number;
  limits: Pick<TeamLimits, "inviteMs">;
}

export class OperatorAdmin {
  constructor(private readonly deps: OperatorAdminDeps) {}

  async list(by: AdminActor): Promise<OperatorView[]> {
    adminOnly(by, "list operators");
    const out: OperatorView[] = [];
    const seen = new Set<string>();
    // Least privilege first, so someone left holding two roles is listed with the lesser one.
    for (const role of ["auditor", "support", "admin"] as const) {
      for (const userId of await this.deps.directory.holders(role)) {
        if (seen.has(userId)) continue;
        seen.add(userId);
        const view = await this.view(userId, role);
        if (view) out.push(view);
      }
    }
    return out.sort((a, b) => a.email.localeCompare(b.email));
  }

  async invite(by: AdminActor, input: { email?: unknown; role?: unknown }): Promise<{ operator: OperatorView; link: OneTimeLink }> {
    adminOnly(by, "invite operators");
    const created = await createOperator(this.deps, input, by.email, this.deps.limits.inviteMs);
    const operator = await this.view(created.userId, created.role);
    if (!operator) throw new TeamError("NOT_FOUND", `${created.email} was removed while being invited.`);
    return { operator, link: created.link };
  }

  async setRole(by: AdminActor, input: { userId?: unknown; role?: unknown }): Promise<{ operator: OperatorView; endedSessions: number }> {
    adminOnly(by, "change operators' roles");
    const userId = readString(input.userId, "userId", 256);
    const role = readRole(input.role);
    const current = await this.existing(userId);
    if (current === role) {
      const same = await this.view(userId, role);
      if (same) return { operator: same, endedSessions: 0 };
    }
    if (current === "admin") await this.keepAnAdmin(userId, "take the admin role from");
    await this.deps.directory.setRole(userId, role);
    const endedSessions = await this.deps.sessions.endAllOf(userId);
    const operator = await this.view(userId, role);
    if (!operator) throw new TeamError("NOT_FOUND", "This operator was removed meanwhile.");
    return { operator, endedSessions };
  }

  async remove(by: AdminActor, input: { userId?: unknown }): Promise<{ email: string; endedSessions: number }> {
    adminOnly(by, "remove operators");
    const userId = readString(input.userId, "userId", 256);
    const role = await this.existing(userId);
    if (role === "admin") await this.keepAnAdmin(userId, "remove");
    const email = (await this.deps.directory.emailOf(userId)) ?? userId;
    // Sessions first: whatever happens next, the removed operator can do nothing more.
    const endedSessions = await this.deps.sessions.endAllOf(userId);
    await this.deps.directory.remove(userId);
    await this.deps.store.forgetOperator(userId);
    return { email, endedSessions };
  }

  async resetSecondFactor(by: AdminActor, input: { userId?: unknown }): Promise<{ email: string; removed: boolean }> {
    adminOnly(by, "reset operators' second factors");
    const userId = readString(input.userId, "userId", 256);
    await this.existing(userId);
    const email = (await this.deps.directory.emailOf(userId)) ?? userId;
    return { email, removed: await this.deps.secondFactor.remove(userId) };
  }

  /** The operator's role; NOT_FOUND when the user is not an operator. */
  private async existing(userId: string): Promise<OperatorRole> {
    const role = await this.deps.directory.roleOf(userId);
    if (role === null) throw new TeamError("NOT_FOUND", "There is no such operator (removed meanwhile?).", { field: "userId" });
    return role;
  }

  /** Refuses to leave the server without an admin who has set a password. */
  private async keepAnAdmin(userId: string, what: string): Promise<void> {
    for (const other of await this.deps.directory.holders("admin")) {
      if (other === userId) continue;
      if ((await this.deps.directory.roleOf(other)) !== "admin") continue;
      if ((await this.deps.directory.record(other))?.passwordSetAt != null) return;
    }
    throw new TeamError("CONFLICT", `You cannot ${what} the last admin who can sign in. Make another operator an admin first.`);
  }

  private async view(userId: string, role: OperatorRole): Promise<OperatorView | undefined> {
    const { directory, secondFactor } = this.deps;
    const email = await directory.emailOf(userId);
    if (email === undefined) return undefined;
    const record = await directory.record(userId);
    return {
      userId,
      email,
      role,
      status: record?.passwordSetAt == null ? "invited" : "active",
      secondFactor: await secondFactor.isOn(userId),
      activeSessions: await this.deps.sessions.countLive(userId),
      invitedAt: record?.invitedAt ?? null,
      invitedBy: record?.invitedBy ?? null,
    };
  }
}

function adminOnly(by: AdminActor, what: string): void {
  if (by.role !== "admin") throw new TeamError("FORBIDDEN", `Only admins may ${what}; you are signed in as ${by.role}.`);
}
