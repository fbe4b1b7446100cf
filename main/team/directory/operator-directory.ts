/**
 * The operator directory on a SuperTokens Core: operators are EmailPassword users of the
 * directory's tenant, their role a UserRoles role (role-names.ts), and what Gatehouse notes about
 * them (invited when, by whom, whether a password was set) a key of their UserMetadata.
 */
import { randomBytes } from "node:crypto";
import type { OperatorRole } from "../../../shared/contract/permissions.ts";
import { ALL_CORE_ROLES, coreRoleOf, operatorRoleFrom } from "./role-names.ts";
import type { DirectoryCdi } from "./cdi.ts";

/** The metadata key holding an operator's record. */
export const OPERATOR_METADATA_KEY = "gatehouseOperator";

export interface OperatorRecord {
  invitedAt: number;
  invitedBy: string;
  /** null until the operator set a password with their one-time link. */
  passwordSetAt: number | null;
}

interface CoreUser {
  id: string;
  loginMethods: { recipeId: string; recipeUserId: string; email?: string; tenantIds: string[] }[];
}

export class OperatorDirectory {
  constructor(private readonly cdi: DirectoryCdi) {}

  get tenantId(): string {
    return this.cdi.tenantId;
  }

  /** Creates the operator roles on the Core (idempotent; roles are app-wide there). */
  async ensureRoles(): Promise<void> {
    for (const role of ALL_CORE_ROLES) await this.cdi.call({ method: "PUT", path: "/recipe/role", body: { role, permissions: [] } });
  }

  /** The user whose email and password these are, or null. Says nothing about being an operator. */
  async checkPassword(email: string, password: string): Promise<string | null> {
    const answer = await this.cdi.call<{ status: string; recipeUserId?: string }>(
      { method: "POST", path: "/recipe/signin", tenant: true, body: { email, password } },
      ["OK", "WRONG_CREDENTIALS_ERROR"],
    );
    return answer.status === "OK" ? (answer.recipeUserId ?? null) : null;
  }

  /**
   * An EmailPassword user for the email, on a random password nobody knows (the person sets theirs
   * with a one-time link). `created` is false when the tenant already had a user with that email.
   */
  async createUser(email: string): Promise<{ userId: string; created: boolean }> {
    const answer = await this.cdi.call<{ status: string; recipeUserId?: string }>(
      { method: "POST", path: "/recipe/signup", tenant: true, body: { email, password: randomBytes(48).toString("base64url") } },
      ["OK", "EMAIL_ALREADY_EXISTS_ERROR"],
    );
    if (answer.status === "OK" && answer.recipeUserId) return { userId: answer.recipeUserId, created: true };
    const existing = await this.findByEmail(email);
    if (!existing) throw new Error(`the Core says ${email} exists but does not list it`);
    return { userId: existing, created: false };
  }

  /** The EmailPassword user of the directory's tenant with this email. */
  async findByEmail(email: string): Promise<string | undefined> {
    const { users } = await this.cdi.call<{ status: string; users: CoreUser[] }>({
      method: "GET",
      path: "/users/by-accountinfo",
      tenant: true,
      query: { email, doUnionOfAccountInfo: "false" },
    });
    const method = users.flatMap((u) => u.loginMethods).find((m) => m.recipeId === "emailpassword" && m.email === email && m.tenantIds.includes(this.tenantId));
    return method?.recipeUserId;
  }

  /** The user's email, or undefined when the Core has no such user. */
  async emailOf(userId: string): Promise<string | undefined> {
    const answer = await this.cdi.call<{ status: string; user?: CoreUser }>({ method: "GET", path: "/user/id", query: { userId } }, ["OK", "UNKNOWN_USER_ID_ERROR"]);
    return answer.user?.loginMethods.find((m) => m.recipeId === "emailpassword")?.email;
  }

  async setPassword(userId: string, password: string): Promise<boolean> {
    const answer = await this.cdi.call({ method: "PUT", path: "/recipe/user", body: { recipeUserId: userId, password } }, ["OK", "UNKNOWN_USER_ID_ERROR"]);
    return answer.status === "OK";
  }

  /** The user's operator role in the directory's tenant, or null when they hold none. */
  async roleOf(userId: string): Promise<OperatorRole | null> {
    const { roles } = await this.cdi.call<{ status: string; roles: string[] }>({ method: "GET", path: "/recipe/user/roles", tenant: true, query: { userId } });
    return operatorRoleFrom(roles);
  }

  /** Gives the role, then takes the others away: cut short in between, the lesser role applies. */
  async setRole(userId: string, role: OperatorRole): Promise<void> {
    await this.cdi.call({ method: "PUT", path: "/recipe/user/role", tenant: true, body: { userId, role: coreRoleOf(role) } });
    for (const other of ALL_CORE_ROLES.filter((r) => r !== coreRoleOf(role))) {
      await this.cdi.call({ method: "POST", path: "/recipe/user/role/remove", tenant: true, body: { userId, role: other } });
    }
  }

  /** The ids of the users holding an operator role. */
  async holders(role: OperatorRole): Promise<string[]> {
    const { users } = await this.cdi.call<{ status: string; users: string[] }>({ method: "GET", path: "/recipe/role/users", tenant: true, query: { role: coreRoleOf(role) } });
    return users;
  }

  async record(userId: string): Promise<OperatorRecord | undefined> {
    const { metadata } = await this.cdi.call<{ status: string; metadata: Record<string, unknown> }>({ method: "GET", path: "/recipe/user/metadata", query: { userId } });
    return asRecord(metadata[OPERATOR_METADATA_KEY]);
  }

  async writeRecord(userId: string, record: OperatorRecord): Promise<void> {
    await this.cdi.call({ method: "PUT", path: "/recipe/user/metadata", body: { userId, metadataUpdate: { [OPERATOR_METADATA_KEY]: record } } });
  }

  /** Deletes the user with everything the Core holds for them (roles, metadata, its sessions). */
  async remove(userId: string): Promise<void> {
    await this.cdi.call({ method: "POST", path: "/user/remove", body: { userId, removeAllLinkedAccounts: true } });
  }
}

function asRecord(value: unknown): OperatorRecord | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const v = value as Partial<OperatorRecord>;
  if (typeof v.invitedAt !== "number" || typeof v.invitedBy !== "string") return undefined;
  return { invitedAt: v.invitedAt, invitedBy: v.invitedBy, passwordSetAt: typeof v.passwordSetAt === "number" ? v.passwordSetAt : null };
}
