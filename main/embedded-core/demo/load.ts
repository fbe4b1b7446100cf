import type { Accounts } from "../accounts/accounts.ts";
import { hashPassword } from "../crypto.ts";
import type { MetadataStore } from "../recipes/metadata.ts";
import type { Tenants } from "../recipes/multitenancy.ts";
import type { Db } from "../storage/db.ts";
import { buildDemoDataSet } from "./data-set.ts";

export interface DemoDeps {
  db: Db;
  accounts: Accounts;
  tenants: Tenants;
  metadata: MetadataStore;
}

/**
 * Every demo email-password user signs in with this password, except migrated users who signed
 * in with their LegacyAuth password (`Legacy-<number>`, which is theirs now) and those mid-reset.
 */
export const DEMO_PASSWORD = "Gatehouse-demo-1";

/** Loads the demo data set into an empty database (one that already has users is left alone). */
export function loadDemoData({ db, accounts, tenants, metadata }: DemoDeps): boolean {
  const { n } = db.prepare("SELECT COUNT(*) AS n FROM users").get() as { n: number };
  if (n > 0) return false;
  const data = buildDemoDataSet();
  // Each distinct password is hashed once: most users share the demo password, so loading stays fast.
  const hashes = new Map<string, string>();
  const hashOf = (password: string): string => {
    let hash = hashes.get(password);
    if (!hash) hashes.set(password, (hash = hashPassword(password)));
    return hash;
  };
  db.transaction(() => {
    for (const t of data.tenants) tenants.save(t.tenantId, { firstFactors: t.firstFactors, coreConfig: {} });
    const addRole = db.prepare("INSERT INTO roles (role) VALUES (?)");
    const addPermission = db.prepare("INSERT INTO role_permissions (role, permission) VALUES (?, ?)");
    for (const r of data.roles) {
      addRole.run(r.role);
      for (const p of r.permissions) addPermission.run(r.role, p);
    }
    const map = db.prepare("INSERT INTO userid_mapping (supertokens_user_id, external_user_id, external_user_id_info) VALUES (?, ?, ?)");
    const verify = db.prepare("INSERT INTO email_verified (user_id, email) VALUES (?, ?)");
    const giveRole = db.prepare("INSERT INTO user_roles (tenant_id, user_id, role) VALUES (?, ?, ?)");
    for (const u of data.users) {
      const row = u.row.recipe_id === "emailpassword" ? { ...u.row, password_hash: hashOf(u.password ?? DEMO_PASSWORD) } : u.row;
      accounts.insert(row, u.tenantIds);
      if (u.externalId) map.run(row.user_id, u.externalId, u.externalInfo ?? null);
      const publicId = u.externalId ?? row.user_id; // data of mapped users lives under the external id
      if (u.emailVerified && row.email) verify.run(publicId, row.email);
      if (u.metadata) metadata.update(publicId, u.metadata);
      for (const r of u.roles ?? []) giveRole.run(r.tenantId, publicId, r.role);
    }
    for (const m of data.syntheticMetadata) metadata.update(m.userId, m.metadata);
  })();
  return true;
}
