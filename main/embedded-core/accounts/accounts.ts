/**
 * Users as the Core stores and returns them. The embedded core keeps one login method per user
 * (no account linking), so `isPrimaryUser` is always false and `loginMethods` has one entry.
 * Once a user-id mapping exists, the Core reports the external id wherever a user id appears.
 */
import { randomUUID } from "node:crypto";
import type { CoreDeps } from "../context.ts";
import { javaHashSetOrder } from "../recipes/java-hash-set.ts";

export type RecipeId = "emailpassword" | "passwordless";

export interface UserRow {
  user_id: string;
  recipe_id: RecipeId;
  time_joined: number;
  email: string | null;
  phone_number: string | null;
  password_hash: string | null;
}

export interface CoreLoginMethod {
  tenantIds: string[];
  recipeUserId: string;
  verified: boolean;
  timeJoined: number;
  recipeId: RecipeId;
  email?: string;
  phoneNumber?: string;
}

export interface CoreUser {
  id: string;
  isPrimaryUser: false;
  tenantIds: string[];
  timeJoined: number;
  emails: string[];
  phoneNumbers: string[];
  thirdParty: never[];
  webauthn: { credentialIds: string[] };
  loginMethods: CoreLoginMethod[];
}

export interface ResolvedUser {
  row: UserRow;
  /** The id the Core shows: the external id when mapped, else the SuperTokens id. */
  publicId: string;
}

export class Accounts {
  /** Prepared once: bulk loads (demo data, benchmarks) insert many rows. */
  private readonly statements;

  constructor(private readonly deps: CoreDeps) {
    this.statements = {
      insertUser: deps.db.prepare(
        "INSERT INTO users (user_id, recipe_id, time_joined, email, phone_number, password_hash) VALUES (?, ?, ?, ?, ?, ?)",
      ),
      insertMembership: deps.db.prepare(
        "INSERT INTO user_tenants (tenant_id, user_id, recipe_id, time_joined, email, email_domain, phone_number) VALUES (?, ?, ?, ?, ?, ?, ?)",
      ),
    };
  }

  private get db() {
    return this.deps.db;
  }

  row(superTokensUserId: string): UserRow | undefined {
    return this.db.prepare("SELECT * FROM users WHERE user_id = ?").get(superTokensUserId) as UserRow | undefined;
  }

  /** Finds a user by SuperTokens id or by external id, as GET /user/id does. */
  resolve(anyId: string): ResolvedUser | undefined {
    // The Core's UserIdType.ANY: the mappings where the id is either side. A mapping of the id as a
    // SuperTokens id wins; else a mapping naming it as an external id points at another user, even
    // when the id is itself an (unmapped) SuperTokens user's; only with no mapping is it taken as is.
    const external = this.externalIdOf(anyId);
    if (external !== undefined) {
      const row = this.row(anyId);
      return row ? { row, publicId: external } : undefined;
    }
    const mapped = this.db
      .prepare("SELECT supertokens_user_id AS id FROM userid_mapping WHERE external_user_id = ?")
      .get(anyId) as { id: string } | undefined;
    const row = this.row(mapped ? mapped.id : anyId);
    return row ? { row, publicId: anyId } : undefined;
  }

  externalIdOf(superTokensUserId: string): string | undefined {
    const row = this.db
      .prepare("SELECT external_user_id AS id FROM userid_mapping WHERE supertokens_user_id = ?")
      .get(superTokensUserId) as { id: string } | undefined;
    return row?.id;
  }

  tenantsOf(superTokensUserId: string): string[] {
    const rows = this.db
      .prepare("SELECT tenant_id FROM user_tenants WHERE user_id = ? ORDER BY tenant_id")
      .all(superTokensUserId) as { tenant_id: string }[];
    return rows.map((r) => r.tenant_id);
  }

  /** Builds the Core's user objects for many rows with a fixed number of queries. */
  toCoreUsers(rows: UserRow[]): CoreUser[] {
    if (rows.length === 0) return [];
    const ids = rows.map((r) => r.user_id);
    const placeholders = ids.map(() => "?").join(",");
    // The Core reads a user's tenant ids sorted and keeps them in a Java HashSet, whose order is
    // the one it lists them in.
    const byUser = new Map<string, string[]>();
    for (const t of this.db
      .prepare(`SELECT user_id, tenant_id FROM user_tenants WHERE user_id IN (${placeholders}) ORDER BY tenant_id`)
      .all(...ids) as { user_id: string; tenant_id: string }[]) {
      const list = byUser.get(t.user_id) ?? [];
      list.push(t.tenant_id);
      byUser.set(t.user_id, list);
    }
    const tenants = new Map([...byUser].map(([id, list]) => [id, javaHashSetOrder(list, "empty")]));
    const external = new Map<string, string>();
    for (const m of this.db
      .prepare(`SELECT supertokens_user_id AS st, external_user_id AS ext FROM userid_mapping WHERE supertokens_user_id IN (${placeholders})`)
      .all(...ids) as { st: string; ext: string }[]) {
      external.set(m.st, m.ext);
    }
    // Email verification is kept under the id callers use: the external id once mapped.
    const publicIds = ids.map((id) => external.get(id) ?? id);
    const verified = new Set<string>();
    for (const v of this.db
      .prepare(`SELECT user_id, email FROM email_verified WHERE user_id IN (${placeholders})`)
      .all(...publicIds) as { user_id: string; email: string }[]) {
      verified.add(`${v.user_id}\u0000${v.email}`);
    }
    return rows.map((row) => {
      const id = external.get(row.user_id) ?? row.user_id;
      const tenantIds = tenants.get(row.user_id) ?? [];
      const isVerified = row.email !== null ? verified.has(`${id}\u0000${row.email}`) : row.recipe_id === "passwordless";
      const method: CoreLoginMethod = {
        tenantIds,
        recipeUserId: id,
        verified: isVerified,
        timeJoined: row.time_joined,
        recipeId: row.recipe_id,
      };
      if (row.email !== null) method.email = row.email;
      if (row.phone_number !== null) method.phoneNumber = row.phone_number;
      return {
        id,
        isPrimaryUser: false,
        tenantIds,
        timeJoined: row.time_joined,
        emails: row.email !== null ? [row.email] : [],
        phoneNumbers: row.phone_number !== null ? [row.phone_number] : [],
        thirdParty: [],
        webauthn: { credentialIds: [] },
        loginMethods: [method],
      };
    });
  }

  toCoreUser(row: UserRow): CoreUser {
    const [user] = this.toCoreUsers([row]);
    if (!user) throw new Error("unreachable: one row gives one user");
    return user;
  }

  /** The user of this recipe in this tenant with this email or phone number. */
  findInTenant(tenantId: string, recipeId: RecipeId, by: { email?: string; phoneNumber?: string }): UserRow | undefined {
    const [column, value] = by.email !== undefined ? ["email", by.email] : ["phone_number", by.phoneNumber];
    const hit = this.db
      .prepare(`SELECT user_id FROM user_tenants WHERE tenant_id = ? AND recipe_id = ? AND ${column} = ?`)
      .get(tenantId, recipeId, value) as { user_id: string } | undefined;
    return hit ? this.row(hit.user_id) : undefined;
  }

  /** Whether another user of this recipe holds the email or phone in any of the given tenants. */
  takenInTenants(
    tenantIds: string[],
    recipeId: RecipeId,
    by: { email?: string; phoneNumber?: string },
    exceptUserId: string,
  ): boolean {
    return tenantIds.some((t) => {
      const other = this.findInTenant(t, recipeId, by);
      return other !== undefined && other.user_id !== exceptUserId;
    });
  }

  create(
    tenantId: string,
    recipeId: RecipeId,
    info: { email?: string; phoneNumber?: string; passwordHash?: string },
  ): UserRow {
    const row: UserRow = {
      user_id: randomUUID(),
      recipe_id: recipeId,
      time_joined: this.deps.now(),
      email: info.email ?? null,
      phone_number: info.phoneNumber ?? null,
      password_hash: info.passwordHash ?? null,
    };
    this.insert(row, [tenantId]);
    return row;
  }

  /** Inserts a complete row (also used by the demo data loader, which sets ids and times itself). */
  insert(row: UserRow, tenantIds: string[]): void {
    this.statements.insertUser.run(row.user_id, row.recipe_id, row.time_joined, row.email, row.phone_number, row.password_hash);
    for (const t of tenantIds) this.addToTenant(row, t);
  }

  addToTenant(row: UserRow, tenantId: string): void {
    this.statements.insertMembership.run(tenantId, row.user_id, row.recipe_id, row.time_joined, row.email, emailDomain(row.email), row.phone_number);
  }

  removeFromTenant(superTokensUserId: string, tenantId: string): boolean {
    return this.db.prepare("DELETE FROM user_tenants WHERE tenant_id = ? AND user_id = ?").run(tenantId, superTokensUserId).changes > 0;
  }

  setAccountInfo(superTokensUserId: string, info: { email: string | null; phoneNumber: string | null }): void {
    this.db.prepare("UPDATE users SET email = ?, phone_number = ? WHERE user_id = ?").run(info.email, info.phoneNumber, superTokensUserId);
    this.db
      .prepare("UPDATE user_tenants SET email = ?, email_domain = ?, phone_number = ? WHERE user_id = ?")
      .run(info.email, emailDomain(info.email), info.phoneNumber, superTokensUserId);
  }

  setPasswordHash(superTokensUserId: string, hash: string): void {
    this.db.prepare("UPDATE users SET password_hash = ? WHERE user_id = ?").run(hash, superTokensUserId);
  }
}

const emailDomain = (email: string | null): string | null => {
  const at = email?.indexOf("@") ?? -1;
  return email !== null && at >= 0 ? email.slice(at + 1) : null;
};
