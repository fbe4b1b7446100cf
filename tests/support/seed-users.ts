/**
 * Writes many users straight into an embedded core's database file (one transaction, no HTTP),
 * for tests that need more users than the Core's limits: a search matching over 1,000 users of
 * one recipe, a role held by thousands. Creating them through the SDK would cost seconds per
 * thousand (email-password sign-up hashes a password each time); the rows are the ones the
 * embedded core writes itself (Accounts.insert), so the Core answers for them as for any user.
 * The file may belong to a running core: SQLite (WAL) takes a second writer.
 */
import { randomUUID } from "node:crypto";
import { Accounts, type RecipeId } from "../../main/embedded-core/accounts/accounts.ts";
import { DEFAULT_SETTINGS } from "../../main/embedded-core/context.ts";
import { hashPassword } from "../../main/embedded-core/crypto.ts";
import { Tenants } from "../../main/embedded-core/recipes/multitenancy.ts";
import { openCoreDb } from "../../main/embedded-core/storage/db.ts";

export interface SeedGroup {
  recipe: RecipeId;
  count: number;
  /** `${emailPrefix}${i}@${domain}`; leave out for phone users. */
  emailPrefix?: string;
  domain?: string;
  /** `${phonePrefix}${i padded to phoneDigits}`, E.164; for passwordless users without email. */
  phonePrefix?: string;
  phoneDigits?: number;
}

export interface SeededUser {
  id: string;
  recipe: RecipeId;
  timeJoined: number;
  email: string | null;
  phoneNumber: string | null;
}

/**
 * Adds the groups' users to `tenantId` (default public), joined one millisecond apart after
 * `joinedFrom`, in the order given. Returns them in that (join) order.
 */
export function seedUsers(dbFile: string, groups: SeedGroup[], options: { joinedFrom?: number; tenantId?: string } = {}): SeededUser[] {
  const db = openCoreDb(dbFile);
  try {
    const deps = { db, now: Date.now, settings: DEFAULT_SETTINGS };
    new Tenants(deps).ensurePublic();
    const accounts = new Accounts(deps);
    const passwordHash = groups.some((g) => g.recipe === "emailpassword") ? hashPassword("Seeded-password-1") : null;
    let time = options.joinedFrom ?? Date.now();
    const users: SeededUser[] = [];
    db.transaction(() => {
      for (const g of groups) {
        for (let i = 0; i < g.count; i++) {
          const email = g.emailPrefix !== undefined ? `${g.emailPrefix}${i}@${g.domain ?? "example.com"}` : null;
          const phoneNumber = g.phonePrefix !== undefined ? `${g.phonePrefix}${String(i).padStart(g.phoneDigits ?? 6, "0")}` : null;
          const user: SeededUser = { id: randomUUID(), recipe: g.recipe, timeJoined: time++, email, phoneNumber };
          accounts.insert(
            {
              user_id: user.id,
              recipe_id: g.recipe,
              time_joined: user.timeJoined,
              email,
              phone_number: phoneNumber,
              password_hash: g.recipe === "emailpassword" ? passwordHash : null,
            },
            [options.tenantId ?? "public"],
          );
          users.push(user);
        }
      }
    })();
    return users;
  } finally {
    db.close();
  }
}

/** Gives `role` (which must exist) to every id in `tenantId`, as POST /recipe/user/role does. */
export function seedRoleHolders(dbFile: string, role: string, userIds: readonly string[], tenantId = "public"): void {
  const db = openCoreDb(dbFile);
  try {
    const give = db.prepare("INSERT OR IGNORE INTO user_roles (tenant_id, user_id, role) VALUES (?, ?, ?)");
    db.transaction(() => {
      for (const id of userIds) give.run(tenantId, id, role);
    })();
  } finally {
    db.close();
  }
}
