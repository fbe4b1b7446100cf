/**
 * What writing listed users into the index changes, worked out once for both stores from what is
 * indexed of them: rows written whole, rows whose listing alone changed, users unchanged in the
 * listing whose metadata says something new, the tenant and key rows to drop and to make. The
 * stores then write it in a few statements, whatever the number of users.
 */
import { EMPTY_META, metaChanged, searchKeys, sfOf, type Indexed, type ListedUser, type MetaColumns } from "./listed.ts";

export interface WritePlan {
  /** user_index rows written whole (after profile_id): user_id, time_joined, the listing, the metadata columns, sf_state. */
  full: unknown[][];
  /** Known users whose listing changed and whose metadata was not read: time_joined, the listing, then user_id. */
  listingOnly: unknown[][];
  /** Users unchanged in the listing whose metadata changed. */
  changedMeta: Map<string, MetaColumns>;
  /** Indexed users whose tenant and key rows are made again (their old rows dropped first). */
  dropped: [string, Indexed][];
  /** Search keys to add: [key, user_id]. */
  keys: [string, string][];
  /** Tenant rows to add (after profile_id): tenant_id, time_joined, user_id, temp, rel, sf, invite. */
  tenants: unknown[][];
}

/** The listing's columns of a user: emails, phones, login methods, tenants (JSON), email_verified, sig, pl_phone. */
const listingValues = (u: ListedUser): unknown[] => [JSON.stringify(u.emails), JSON.stringify(u.phones), JSON.stringify(u.recipes), JSON.stringify(u.tenantIds), u.emailVerified ? 1 : 0, u.sig, u.plPhone];

/**
 * With `meta`, users' metadata columns are written too (users missing from `meta` get empty ones);
 * without, a new user gets empty metadata columns and a known one keeps its own.
 */
export function planWrite(olds: Map<string, Indexed>, users: readonly ListedUser[], meta: Map<string, MetaColumns> | null): WritePlan {
  const plan: WritePlan = { full: [], listingOnly: [], changedMeta: new Map(), dropped: [], keys: [], tenants: [] };
  for (const u of users) {
    const old = olds.get(u.id);
    const m = meta ? (meta.get(u.id) ?? EMPTY_META) : null;
    if (old?.sig === u.sig) {
      // Unchanged in the listing: only what the metadata says, when it says something new.
      if (m && metaChanged(old, m)) plan.changedMeta.set(u.id, m);
      continue;
    }
    if (old) plan.dropped.push([u.id, old]);
    for (const k of searchKeys(u.emails, u.phones)) plan.keys.push([k, u.id]);
    const listing = listingValues(u);
    // What the filters ask, kept on each tenant row: from the metadata just read, else as indexed.
    const temp = m ? m.temp : old?.temp_password === 1;
    const invite = m ? m.invite : (old?.invite_state ?? null);
    const sf = m ? sfOf(m.sfLink) : (old?.sf_state ?? "none");
    for (const t of u.tenantIds) plan.tenants.push([t, u.timeJoined, u.id, temp ? 1 : 0, old?.roster_rel ?? "outside-roster", sf, invite]);
    if (old && !m) plan.listingOnly.push([u.timeJoined, ...listing, u.id]);
    else {
      const c = m ?? EMPTY_META;
      plan.full.push([u.id, u.timeJoined, ...listing, c.temp ? 1 : 0, c.sfLink, c.invite, c.migLegacyId, c.migAt, c.migVia, sf]);
    }
  }
  return plan;
}

/** Of `meta`, the users indexed whose metadata columns changed. */
export function changedOnly(meta: Map<string, MetaColumns>, olds: Map<string, Indexed>): Map<string, MetaColumns> {
  return new Map(
    [...meta].filter(([id, m]) => {
      const old = olds.get(id);
      return old !== undefined && metaChanged(old, m);
    }),
  );
}

/** A user's new metadata columns as written to its row: temp, sf_link, invite, mig_*, sf_state (kept unless the link changed). */
export function metaRow(old: Indexed, m: MetaColumns): { values: unknown[]; sf: string } {
  const sf = old.sf_link === m.sfLink ? old.sf_state : sfOf(m.sfLink);
  return { values: [m.temp ? 1 : 0, m.sfLink, m.invite, m.migLegacyId, m.migAt, m.migVia, sf], sf };
}
