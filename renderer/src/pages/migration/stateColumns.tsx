/** The columns of a list per state: what matters differs (when and how they migrated, why a conflict, …). */
import type { MigrationListState, MigrationRow } from "../../../../shared/contract/operations/migration.ts";
import type { Column } from "../../components/VirtualTable.tsx";
import { PhoneNumber } from "../../components/PhoneNumber.tsx";
import { isoDate, isoDateTime } from "../../lib/format.ts";

/** Every list state (the Record makes tsc name any state the contract adds), in the tabs' order. */
export const STATE_LABELS: Record<MigrationListState, string> = {
  migrated: "Migrated",
  "temporary-password": "Temporary password",
  "not-migrated": "Not migrated",
  conflict: "Conflict",
  "outside-roster": "Outside the roster",
};
/**
 * The contract's MIGRATION_LIST_STATES lives beside zod schemas, which the renderer may import
 * only as types (zod's probe for `new Function` breaks the page's CSP); hence the keys above.
 */
export const LIST_STATES = Object.keys(STATE_LABELS) as MigrationListState[];

/** What each list holds, said once above it. */
export const STATE_HINTS: Record<MigrationListState, string> = {
  migrated: "Legacy users with an account under their legacy id, who have their own password.",
  "temporary-password": "Legacy users with an account under their legacy id whose password reset has started but not finished (isUsingTemporaryPassword).",
  "not-migrated": "Legacy users without an account yet: they migrate on their first sign-in, or when the migration ends.",
  conflict: "Legacy users the migration cannot simply finish: an account with their email not mapped to their legacy id, or a mapping to a legacy id the roster lacks.",
  "outside-roster": "SuperTokens users the roster does not have (signed up directly, invited, …). They count in no share.",
};

const VIA: Record<string, string> = { "sign-in": "first sign-in", "password-reset": "password reset", bulk: "end of migration" };

const dash = <span className="muted">—</span>;

const who: Column<MigrationRow> = {
  id: "who",
  header: "Email · legacy id",
  width: "minmax(240px, 2fr)",
  render: (r) => (
    <div className="cell-stack">
      <span className="ellipsis" title={r.email ?? undefined}>
        {r.email ?? (r.phoneNumbers[0] ? <PhoneNumber phone={r.phoneNumbers[0]} /> : (r.userId ?? "—"))}
      </span>
      {r.legacyId ? <span className="cell-sub mono">{r.legacyId}</span> : null}
    </div>
  ),
};
const tenant: Column<MigrationRow> = { id: "tenant", header: "Tenant", width: "100px", render: (r) => r.tenantId };
const migrated: Column<MigrationRow> = {
  id: "migrated",
  header: "Migrated",
  width: "minmax(170px, 1fr)",
  render: (r) =>
    r.migratedAt ? (
      <div className="cell-stack">
        <span>{isoDateTime(r.migratedAt)}</span>
        {r.via ? <span className="cell-sub">{VIA[r.via] ?? r.via}</span> : null}
      </div>
    ) : (
      dash
    ),
};
const joined: Column<MigrationRow> = { id: "joined", header: "Account made", width: "110px", render: (r) => (r.timeJoined ? isoDate(r.timeJoined) : dash) };
const legacyCreated: Column<MigrationRow> = { id: "legacy-created", header: "Legacy account made", width: "170px", render: (r) => (r.legacyCreatedAt ? isoDate(r.legacyCreatedAt) : dash) };
const verified: Column<MigrationRow> = { id: "verified", header: "Email verified", width: "110px", render: (r) => (r.emailVerified === null ? dash : r.emailVerified ? "yes" : "no") };
const reason: Column<MigrationRow> = { id: "reason", header: "Why", width: "minmax(260px, 3fr)", render: (r) => <span className="ellipsis" title={r.reason ?? undefined}>{r.reason ?? "—"}</span> };
const userId: Column<MigrationRow> = { id: "user", header: "User id", width: "minmax(160px, 1fr)", render: (r) => (r.userId ? <span className="mono ellipsis" title={r.userId}>{r.userId}</span> : <span className="muted">no account</span>) };
const phones: Column<MigrationRow> = {
  id: "phones",
  header: "Phones",
  width: "150px",
  render: (r) => (r.phoneNumbers.length ? r.phoneNumbers.map((p) => <PhoneNumber key={p} phone={p} />) : dash),
};

export const COLUMNS: Record<MigrationListState, Column<MigrationRow>[]> = {
  migrated: [who, tenant, migrated, joined, verified],
  "temporary-password": [who, tenant, migrated, joined, verified],
  "not-migrated": [who, tenant, legacyCreated, verified],
  conflict: [who, tenant, reason, userId],
  "outside-roster": [who, tenant, userId, phones, joined],
};
