/**
 * The Users list's filters that the local user index answers (the Core cannot filter by
 * metadata): temporary password, relation to the migration roster, invited or accepted.
 */
import { useStore } from "zustand";
import { useStores } from "../../app/StoresContext.tsx";
import type { UsersQuery } from "../../stores/users.ts";

/** Every migration filter (the Record makes tsc name one the contract adds; its list lives beside zod, which the renderer imports as types only). */
const MIGRATION_LABELS: Record<Exclude<UsersQuery["migrationState"], "">, string> = {
  migrated: "migrated",
  "temporary-password": "on a temporary password",
  conflict: "in conflict",
  "outside-roster": "outside the roster",
};

export function IndexFilters() {
  const { users } = useStores();
  const query = useStore(users, (s) => s.query);
  const set = (change: Partial<UsersQuery>) => void users.getState().setQuery(change);
  return (
    <>
      <label className="inline-field">
        <span>Temp. password</span>
        <select value={query.temporaryPassword} onChange={(e) => set({ temporaryPassword: e.target.value as UsersQuery["temporaryPassword"] })} data-testid="temporary-password-filter">
          <option value="">any</option>
          <option value="yes">yes</option>
          <option value="no">no</option>
        </select>
      </label>
      <label className="inline-field">
        <span>Migration</span>
        <select value={query.migrationState} onChange={(e) => set({ migrationState: e.target.value as UsersQuery["migrationState"] })} data-testid="migration-filter">
          <option value="">any</option>
          {Object.entries(MIGRATION_LABELS).map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </select>
      </label>
      <label className="inline-field">
        <span>Invite</span>
        <select value={query.invite} onChange={(e) => set({ invite: e.target.value as UsersQuery["invite"] })} data-testid="invite-filter">
          <option value="">any</option>
          <option value="invited">invited, not signed in</option>
          <option value="accepted">accepted</option>
        </select>
      </label>
    </>
  );
}
