/** The users that hold the selected role in the selected tenant (roles.users). */
import { useStore } from "zustand";
import { userHref } from "../../app/router.ts";
import { useStores } from "../../app/StoresContext.tsx";
import { EmptyState } from "../../components/EmptyState.tsx";
import { ErrorBanner } from "../../components/ErrorBanner.tsx";
import { Spinner } from "../../components/Spinner.tsx";

export function RoleHolders() {
  const { roles } = useStores();
  const role = useStore(roles, (s) => s.selectedRole);
  const holders = useStore(roles, (s) => s.holders);
  const status = useStore(roles, (s) => s.holdersStatus);
  const error = useStore(roles, (s) => s.holdersError);
  const tenantId = useStore(roles, (s) => s.tenantId);
  if (!role) return <EmptyState title="Choose a role to see who holds it." />;
  return (
    <section className="card" aria-labelledby="holders-title" data-testid="role-holders">
      <h2 id="holders-title">
        Users with <span className="mono">{role}</span> in {tenantId}
      </h2>
      {error ? <ErrorBanner error={error} title="Could not list the role's users" onRetry={() => void roles.getState().selectRole(role)} /> : null}
      {status === "loading" ? <Spinner label="Loading users…" /> : null}
      {status === "ready" && holders.length === 0 ? <p className="muted">Nobody holds this role in {tenantId}.</p> : null}
      <ul className="link-list">
        {holders.map((u) => (
          <li key={u.id}>
            <a href={userHref(u.id)}>{u.label}</a>
            {u.label !== u.id ? <span className="muted mono small"> {u.id}</span> : null}
          </li>
        ))}
      </ul>
    </section>
  );
}
