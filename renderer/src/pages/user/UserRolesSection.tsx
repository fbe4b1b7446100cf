/** A user's roles in each of their tenants; operators with roles:write add and remove them. */
import { useEffect, useId, useState } from "react";
import type { ErrorBody } from "../../../../shared/contract/errors.ts";
import { toErrorBody } from "../../api/errors.ts";
import { useCan, useStores } from "../../app/StoresContext.tsx";
import { ConfirmDialog } from "../../components/ConfirmDialog.tsx";
import { ErrorBanner } from "../../components/ErrorBanner.tsx";
import { useAsyncAction } from "../../lib/hooks.ts";
import type { UserDetail } from "../../stores/types.ts";

export function UserRolesSection({ user }: { user: UserDetail }) {
  const tenants = [...new Set([...user.tenantIds, ...Object.keys(user.rolesByTenant)])].sort();
  return (
    <section className="card" aria-labelledby="user-roles-title">
      <h2 id="user-roles-title">Roles</h2>
      {tenants.length === 0 ? <p className="muted">The user belongs to no tenant.</p> : null}
      <table className="table">
        <thead>
          <tr>
            <th scope="col" className="col-narrow">
              Tenant
            </th>
            <th scope="col">Roles</th>
          </tr>
        </thead>
        <tbody>
          {tenants.map((t) => (
            <TenantRoles key={t} tenantId={t} roles={user.rolesByTenant[t] ?? []} />
          ))}
        </tbody>
      </table>
    </section>
  );
}

function TenantRoles({ tenantId, roles }: { tenantId: string; roles: string[] }) {
  const { userDetail, ui } = useStores();
  const canWrite = useCan("roles:write");
  const [removing, setRemoving] = useState<string | null>(null);
  return (
    <tr data-testid="user-tenant-roles">
      <th scope="row">{tenantId}</th>
      <td>
        <ul className="chips__list" aria-label={`Roles in ${tenantId}`}>
          {roles.length === 0 ? <li className="muted">none</li> : null}
          {roles.map((role) => (
            <li key={role} className="chip">
              <span>{role}</span>
              {canWrite ? (
                <button type="button" className="chip__remove" aria-label={`Remove role ${role} in ${tenantId}`} onClick={() => setRemoving(role)} data-testid="role-remove">
                  ×
                </button>
              ) : null}
            </li>
          ))}
        </ul>
        {canWrite ? <AddRole tenantId={tenantId} has={roles} /> : null}
        {removing ? (
          <ConfirmDialog
            title={`Remove role “${removing}”?`}
            confirmLabel="Remove role"
            onCancel={() => setRemoving(null)}
            onConfirm={async () => {
              await userDetail.getState().removeRole(tenantId, removing);
              ui.getState().notify(`Role ${removing} removed in ${tenantId}`);
              setRemoving(null);
            }}
          >
            The user loses the role <strong>{removing}</strong> in tenant <strong>{tenantId}</strong>, and its permissions with the next session refresh.
          </ConfirmDialog>
        ) : null}
      </td>
    </tr>
  );
}

function AddRole({ tenantId, has }: { tenantId: string; has: string[] }) {
  const { userDetail, ui } = useStores();
  const [available, setAvailable] = useState<string[] | null>(null);
  const [loadError, setLoadError] = useState<ErrorBody | null>(null);
  const [choice, setChoice] = useState("");
  const selectId = useId();
  useEffect(() => {
    let current = true;
    userDetail
      .getState()
      .rolesOfTenant(tenantId)
      .then((roles) => current && setAvailable(roles))
      .catch((err: unknown) => current && setLoadError(toErrorBody(err)));
    return () => {
      current = false;
    };
  }, [userDetail, tenantId]);
  const options = (available ?? []).filter((r) => !has.includes(r));
  const add = useAsyncAction(async () => {
    if (!choice) return;
    await userDetail.getState().addRole(tenantId, choice);
    ui.getState().notify(`Role ${choice} added in ${tenantId}`);
    setChoice("");
  });
  if (loadError) return <ErrorBanner error={loadError} title="Could not list roles" />;
  return (
    <form
      className="inline-form"
      onSubmit={(e) => {
        e.preventDefault();
        void add.run();
      }}
    >
      <label htmlFor={selectId} className="visually-hidden">
        Role to add in {tenantId}
      </label>
      <select id={selectId} value={choice} onChange={(e) => setChoice(e.target.value)} disabled={available === null || options.length === 0} data-testid="role-add-select">
        <option value="">{available === null ? "Loading roles…" : options.length ? "Choose a role…" : "No other roles"}</option>
        {options.map((r) => (
          <option key={r} value={r}>
            {r}
          </option>
        ))}
      </select>
      <button type="submit" disabled={!choice || add.pending} data-testid="role-add">
        {add.pending ? "Adding…" : "Add role"}
      </button>
      {add.error ? <ErrorBanner error={add.error} title="Could not add the role" onDismiss={add.reset} /> : null}
    </form>
  );
}
