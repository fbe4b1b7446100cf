/**
 * Classifying the roster against the local user index (no Core calls: SQL over what the last scan
 * saw, in the classification store: classification/), and the totals per tenant that snapshots
 * and the summary show. What both stores share is here.
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

/** SuperTokens user ids are UUIDs; any other id the Core reports is an external (mapped) one. */
const SUPERTOKENS_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export type Totals = Omit<TenantTotals, "tenantId">;

/** An account with a roster user's email in their tenant (in_roster: its id is another roster user's). */
export interface Candidate {
  legacy_id: string;
  user_id: string;
  login_methods: string;
  mig_legacy_id: string | null;
  in_roster: number | boolean;
}

/** Why a roster user without an account of their own is in conflict with the accounts that have their email. */
export function conflictReason(legacyId: string, accounts: readonly Candidate[]): string {
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

/** What the stores count for the totals: roster users per tenant and state, users outside the roster per tenant and overall. */
export interface TotalsCounts {
  byState: { tenant: string; state: string; n: number }[];
  outsideByTenant: { tenant: string; n: number }[];
  outside: number;
}

/** The totals overall and per tenant, as the last classification left them. */
export function totalsFrom({ byState, outsideByTenant, outside }: TotalsCounts): { overall: Totals; tenants: TenantTotals[] } {
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

/** The conflicts the candidates make (read in legacy id, then join time order): one per roster user, and the accounts in conflict. */
export function conflictsFrom(candidates: readonly Candidate[]): { rows: [legacyId: string, userId: string | null, reason: string][]; users: Set<string> } {
  const byLegacy = new Map<string, Candidate[]>();
  for (const c of candidates) byLegacy.set(c.legacy_id, [...(byLegacy.get(c.legacy_id) ?? []), c]);
  const rows: [string, string | null, string][] = [];
  const users = new Set<string>();
  for (const [legacyId, accounts] of byLegacy) {
    rows.push([legacyId, accounts[0]?.user_id ?? null, conflictReason(legacyId, accounts)]);
    for (const a of accounts) users.add(a.user_id);
  }
  return { rows, users };
}

/** Why a roster user shares an email with other roster users of the tenant. */
export const sharedEmailReason = (others: string) => `the roster has other legacy users with this email in the tenant (${others}); only one of them can have an account`;

/**
 * How each SuperTokens user relates to the roster now: the state of the roster user it is, else
 * conflict when it holds a conflicting email, else (for users related before) outside the roster.
 */
export function relationsFrom(mapped: readonly { user_id: string; state: string }[], conflictUsers: Iterable<string>, relatedBefore: Iterable<string>): Map<string, string> {
  const rel = new Map<string, string>();
  for (const m of mapped) rel.set(m.user_id, m.state);
  for (const id of conflictUsers) if (!rel.has(id)) rel.set(id, "conflict");
  for (const id of relatedBefore) if (!rel.has(id)) rel.set(id, "outside-roster");
  return rel;
}
