/**
 * Classifying the roster against the local user index (no Core calls: SQL over what the last scan
 * saw), and the totals per tenant that snapshots and the summary show.
 *
 * A roster user is:
 * - migrated / temporary-password: a SuperTokens user is reported under their legacy id (the Core
 *   reports a mapped user by its external id), with or without the temporary-password flag;
 * - conflict: no such user, but a SuperTokens account in the roster user's tenant has their email
 *   (not mapped to them: unmapped, mapped to another roster user, or mapped to a legacy id the
 *   roster does not have), or another roster user of the tenant has the same email; the end of the
 *   migration cannot create their account;
 * - not-migrated: neither.
 * A SuperTokens user is migrated / temporary-password when its id is a roster legacy id, conflict
 * when it holds a conflicting email, else outside the roster.
 */
import type { TenantTotals } from "../../shared/contract/operations/migration.ts";
import type { StoreDb } from "../store/database.ts";
import { preparedFor } from "../store/statements.ts";
import type { IndexStore } from "./user-index/store.ts";

/** SuperTokens user ids are UUIDs; any other id the Core reports is an external (mapped) one. */
const SUPERTOKENS_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export type Totals = Omit<TenantTotals, "tenantId">;

interface Candidate {
  legacy_id: string;
  user_id: string;
  login_methods: string;
  mig_legacy_id: string | null;
  in_roster: number;
}

export function classify(db: StoreDb, profileId: string, index: IndexStore): void {
  const sql = preparedFor(db);
  db.transaction(() => {
    sql("DELETE FROM migration_status WHERE profile_id = ?").run(profileId);
    sql(
      `INSERT INTO migration_status (profile_id, legacy_id, state, user_id, reason)
       SELECT r.profile_id, r.legacy_id, CASE WHEN u.temp_password = 1 THEN 'temporary-password' ELSE 'migrated' END, u.user_id, NULL
       FROM migration_roster r JOIN user_index u ON u.profile_id = r.profile_id AND u.user_id = r.legacy_id WHERE r.profile_id = ?`,
    ).run(profileId);

    // Accounts with a roster user's email in their tenant, for roster users without their own account.
    const candidates = sql(
      `SELECT r.legacy_id, u.user_id, u.login_methods, u.mig_legacy_id,
              EXISTS (SELECT 1 FROM migration_roster o WHERE o.profile_id = r.profile_id AND o.legacy_id = u.user_id) AS in_roster
       FROM migration_roster r
       CROSS JOIN user_index_keys k ON k.profile_id = r.profile_id AND k.key = r.email_lower
       CROSS JOIN user_index u ON u.profile_id = r.profile_id AND u.user_id = k.user_id
       WHERE r.profile_id = ? AND EXISTS (SELECT 1 FROM json_each(u.tenant_ids) WHERE value = r.tenant_id) AND NOT EXISTS (SELECT 1 FROM migration_status s WHERE s.profile_id = r.profile_id AND s.legacy_id = r.legacy_id)
       ORDER BY r.legacy_id, u.time_joined`,
    ).all(profileId) as Candidate[];
    const byLegacy = new Map<string, Candidate[]>();
    for (const c of candidates) byLegacy.set(c.legacy_id, [...(byLegacy.get(c.legacy_id) ?? []), c]);
    const conflict = sql("INSERT INTO migration_status (profile_id, legacy_id, state, user_id, reason) VALUES (?, ?, 'conflict', ?, ?)");
    const conflictUsers = new Set<string>();
    for (const [legacyId, accounts] of byLegacy) {
      conflict.run(profileId, legacyId, accounts[0]?.user_id ?? null, conflictReason(legacyId, accounts));
      for (const a of accounts) conflictUsers.add(a.user_id);
    }

    // Roster users of one tenant sharing an email: at most one of them could get an account.
    const shared = sql(
      `SELECT r.legacy_id, (SELECT group_concat(o.legacy_id, ', ') FROM migration_roster o
                            WHERE o.profile_id = r.profile_id AND o.email_lower = r.email_lower AND o.tenant_id = r.tenant_id AND o.legacy_id != r.legacy_id) AS others
       FROM migration_roster r
       WHERE r.profile_id = ? AND NOT EXISTS (SELECT 1 FROM migration_status s WHERE s.profile_id = r.profile_id AND s.legacy_id = r.legacy_id)
         AND (r.tenant_id, r.email_lower) IN (SELECT tenant_id, email_lower FROM migration_roster WHERE profile_id = ? GROUP BY tenant_id, email_lower HAVING COUNT(*) > 1)`,
    ).all(profileId, profileId) as { legacy_id: string; others: string }[];
    for (const s of shared) conflict.run(profileId, s.legacy_id, null, `the roster has other legacy users with this email in the tenant (${s.others}); only one of them can have an account`);

    sql(
      `INSERT INTO migration_status (profile_id, legacy_id, state, user_id, reason)
       SELECT r.profile_id, r.legacy_id, 'not-migrated', NULL, NULL FROM migration_roster r
       WHERE r.profile_id = ? AND NOT EXISTS (SELECT 1 FROM migration_status s WHERE s.profile_id = r.profile_id AND s.legacy_id = r.legacy_id)`,
    ).run(profileId);

    // How each SuperTokens user relates to the roster now; written only where it changed.
    const rel = new Map<string, string>();
    const mapped = sql("SELECT user_id, state FROM migration_status WHERE profile_id = ? AND state IN ('migrated', 'temporary-password')").all(profileId) as { user_id: string; state: string }[];
    for (const m of mapped) rel.set(m.user_id, m.state);
    for (const id of conflictUsers) if (!rel.has(id)) rel.set(id, "conflict");
    for (const id of index.relations(profileId).keys()) if (!rel.has(id)) rel.set(id, "outside-roster");
    index.setRel(profileId, rel);
  })();
}

function conflictReason(legacyId: string, accounts: Candidate[]): string {
  const one = (a: Candidate): string => {
    const recipes = (JSON.parse(a.login_methods) as string[]).join("+");
    if (a.in_roster) return `user ${a.user_id} (${recipes}) is mapped to another legacy user, ${a.user_id}`;
    const external = !SUPERTOKENS_ID.test(a.user_id);
    if (external || a.mig_legacy_id) return `user ${a.user_id} (${recipes}) is mapped to legacy id ${a.mig_legacy_id ?? a.user_id}, which is not in the roster`;
    return `user ${a.user_id} (${recipes}) is not mapped to ${legacyId}`;
  };
  const head = accounts.length === 1 ? "an account with this email exists: " : `${accounts.length} accounts with this email exist: `;
  return head + accounts.map(one).join("; ");
}

const share = (t: Omit<Totals, "share">) => (t.rosterTotal === 0 ? 0 : (t.migrated + t.temporaryPassword) / t.rosterTotal);

/** The totals overall and per tenant, as the last classification left them. */
export function totals(db: StoreDb, profileId: string): { overall: Totals; tenants: TenantTotals[] } {
  const sql = preparedFor(db);
  const byState = sql(
    `SELECT r.tenant_id AS tenant, s.state AS state, COUNT(*) AS n FROM migration_status s
     JOIN migration_roster r ON r.profile_id = s.profile_id AND r.legacy_id = s.legacy_id
     WHERE s.profile_id = ? GROUP BY r.tenant_id, s.state`,
  ).all(profileId) as { tenant: string; state: string; n: number }[];
  const outsideByTenant = sql(
    "SELECT tenant_id AS tenant, COUNT(*) AS n FROM user_index_tenants WHERE profile_id = ? AND rel = 'outside-roster' GROUP BY tenant_id",
  ).all(profileId) as { tenant: string; n: number }[];
  const all = (sql("SELECT COUNT(*) AS n FROM user_index WHERE profile_id = ?").get(profileId) as { n: number }).n;
  const related = (sql("SELECT COUNT(*) AS n FROM user_index WHERE profile_id = ? AND roster_rel != 'outside-roster'").get(profileId) as { n: number }).n;
  const outside = all - related;
  const blank = () => ({ rosterTotal: 0, migrated: 0, temporaryPassword: 0, notMigrated: 0, conflict: 0, outsideRoster: 0 });
  const perTenant = new Map<string, Omit<Totals, "share">>();
  const overall = blank();
  const field = { migrated: "migrated", "temporary-password": "temporaryPassword", "not-migrated": "notMigrated", conflict: "conflict" } as const;
  for (const r of byState) {
    const t = perTenant.get(r.tenant) ?? blank();
    perTenant.set(r.tenant, t);
    const f = field[r.state as keyof typeof field];
    t[f] += r.n;
    t.rosterTotal += r.n;
    overall[f] += r.n;
    overall.rosterTotal += r.n;
  }
  for (const r of outsideByTenant) {
    const t = perTenant.get(r.tenant) ?? blank();
    perTenant.set(r.tenant, t);
    t.outsideRoster = r.n;
  }
  overall.outsideRoster = outside;
  return {
    overall: { ...overall, share: share(overall) },
    tenants: [...perTenant.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([tenantId, t]) => ({ tenantId, ...t, share: share(t) })),
  };
}
