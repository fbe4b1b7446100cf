/** Roles of the selected tenant: permissions, holders, create, edit permissions, delete. */
import { useEffect, useState } from "react";
import { useStore } from "zustand";
import { Can, useCan, useStores } from "../app/StoresContext.tsx";
import { ChipsEditor } from "../components/ChipsEditor.tsx";
import { ConfirmDialog } from "../components/ConfirmDialog.tsx";
import { EmptyState } from "../components/EmptyState.tsx";
import { ErrorBanner } from "../components/ErrorBanner.tsx";
import { Spinner } from "../components/Spinner.tsx";
import { TenantPicker } from "../components/TenantPicker.tsx";
import { plural } from "../lib/format.ts";
import { useAsyncAction } from "../lib/hooks.ts";
import type { RoleSummary } from "../stores/types.ts";
import { CreateRoleForm } from "./roles/CreateRoleForm.tsx";
import { DeleteRoleDialog } from "./roles/DeleteRoleDialog.tsx";
import { RoleHolders } from "./roles/RoleHolders.tsx";

export function RolesPage() {
  const { roles, tenants } = useStores();
  const state = useStore(roles);
  const tenant = useStore(tenants, (s) => s.selected);
  const [creating, setCreating] = useState(false);
  const [deleting, setDeleting] = useState<string | null>(null);

  useEffect(() => {
    void roles.getState().load(tenant);
  }, [roles, tenant]);

  return (
    <section className="page" aria-labelledby="roles-title">
      <header className="page__header">
        <h1 id="roles-title">Roles</h1>
        <div className="toolbar">
          <TenantPicker />
          <button type="button" className="icon-button" aria-label="Reload roles" onClick={() => void state.load()}>
            ↻
          </button>
          <span className="toolbar__spacer" />
          <Can permission="roles:write">
            <button type="button" className="button--primary" onClick={() => setCreating(true)} disabled={creating} data-testid="role-create">
              New role
            </button>
          </Can>
        </div>
      </header>
      {creating ? <CreateRoleForm onDone={() => setCreating(false)} /> : null}
      {state.error ? <ErrorBanner error={state.error} title="Could not load roles" onRetry={() => void state.load()} /> : null}
      {state.status === "loading" && state.roles.length === 0 ? <Spinner label="Loading roles…" /> : null}
      {state.status === "ready" && state.roles.length === 0 ? <EmptyState title="No roles yet.">Roles you create here can be given to users per tenant.</EmptyState> : null}
      {state.roles.length > 0 ? (
        <div className="split split--list">
          <table className="table table--interactive" data-testid="roles-table">
            <thead>
              <tr>
                <th scope="col">Role</th>
                <th scope="col">Permissions</th>
                <th scope="col" className="numeric">
                  Users in {state.tenantId}
                </th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {state.roles.map((r) => (
                <RoleRow key={r.role} role={r} tenantId={state.tenantId} selected={state.selectedRole === r.role} onDelete={() => setDeleting(r.role)} />
              ))}
            </tbody>
          </table>
          <RoleHolders />
        </div>
      ) : null}
      {deleting ? <DeleteRoleDialog role={deleting} onClose={() => setDeleting(null)} /> : null}
    </section>
  );
}

function RoleRow({ role, tenantId, selected, onDelete }: { role: RoleSummary; tenantId: string; selected: boolean; onDelete: () => void }) {
  const { roles, ui } = useStores();
  const canWrite = useCan("roles:write");
  const change = useAsyncAction((add: string[], remove: string[]) => roles.getState().setPermissions(role.role, add, remove));
  // Taking a permission away acts at once on everyone who holds the role: ask first.
  const [removing, setRemoving] = useState<string | null>(null);
  return (
    <tr className={selected ? "row--selected" : undefined} aria-selected={selected} data-testid="role-row">
      <th scope="row">
        <button type="button" className="link-button" onClick={() => void roles.getState().selectRole(role.role)} aria-pressed={selected}>
          {role.role}
        </button>
      </th>
      <td>
        <ChipsEditor
          values={role.permissions}
          label={`Permissions of ${role.role}`}
          editable={canWrite}
          onAdd={(p) => void change.run([p], [])}
          onRemove={(p) => setRemoving(p)}
          placeholder="Add permission…"
          testId="role-permissions"
        />
        {change.error ? <ErrorBanner error={change.error} title="Could not change permissions" onDismiss={change.reset} /> : null}
        {removing !== null ? (
          <ConfirmDialog
            title={`Remove “${removing}” from ${role.role}?`}
            confirmLabel="Remove permission"
            onCancel={() => setRemoving(null)}
            onConfirm={async () => {
              await roles.getState().setPermissions(role.role, [], [removing]);
              ui.getState().notify(`Removed ${removing} from ${role.role}`);
              setRemoving(null);
            }}
            testId="permission-remove-dialog"
          >
            <p>
              Everyone who holds <strong className="mono">{role.role}</strong>, in every tenant, loses <strong className="mono">{removing}</strong> — {plural(role.userCount, "user")} in {tenantId}{" "}
              alone. Apps see the change when their sessions next refresh the permission claim.
            </p>
          </ConfirmDialog>
        ) : null}
      </td>
      <td className="numeric">{role.userCount.toLocaleString()}</td>
      <td>
        {canWrite ? (
          <button type="button" className="button--danger button--small" onClick={onDelete} data-testid="role-delete">
            Delete…
          </button>
        ) : null}
      </td>
    </tr>
  );
}
