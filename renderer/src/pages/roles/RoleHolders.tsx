/**
 * The users that hold the selected role in the selected tenant (roles.users), a page at a time in
 * a virtualized table: a role held by 10,000 users costs a page of look-ups and a screenful of rows.
 */
import { useMemo } from "react";
import { useStore } from "zustand";
import { navigate, userHref } from "../../app/router.ts";
import { useStores } from "../../app/StoresContext.tsx";
import { EmptyState } from "../../components/EmptyState.tsx";
import { ErrorBanner } from "../../components/ErrorBanner.tsx";
import { Spinner } from "../../components/Spinner.tsx";
import { VirtualTable, type Column } from "../../components/VirtualTable.tsx";
import { plural } from "../../lib/format.ts";
import { HOLDERS_PAGE } from "../../stores/roles.ts";
import type { RoleUser } from "../../stores/types.ts";

const COLUMNS: Column<RoleUser>[] = [
  {
    id: "user",
    header: "User",
    width: "minmax(160px, 1fr)",
    render: (u) => (
      // A real link too, so it opens with a middle click; the row opens with Enter or a click.
      <a href={userHref(u.id)} title={u.label} tabIndex={-1}>
        {u.label}
      </a>
    ),
  },
  { id: "id", header: "User id", width: "minmax(120px, 1fr)", render: (u) => <span className="mono small muted" title={u.id}>{u.id}</span> },
];
const holderKey = (u: RoleUser) => u.id;
const openHolder = (u: RoleUser) => navigate(userHref(u.id));

export function RoleHolders() {
  const { roles } = useStores();
  const role = useStore(roles, (s) => s.selectedRole);
  const holders = useStore(roles, (s) => s.holders);
  const total = useStore(roles, (s) => s.holdersTotal);
  const offset = useStore(roles, (s) => s.holdersOffset);
  const status = useStore(roles, (s) => s.holdersStatus);
  const error = useStore(roles, (s) => s.holdersError);
  const tenantId = useStore(roles, (s) => s.tenantId);
  const resetKey = useMemo(() => ({ role, offset, tenantId }), [role, offset, tenantId]);
  if (!role) return <EmptyState title="Choose a role to see who holds it." />;
  return (
    <section className="card" aria-labelledby="holders-title" data-testid="role-holders">
      <h2 id="holders-title">
        Users with <span className="mono">{role}</span> in {tenantId}
        {status === "ready" && total > 0 ? <span className="muted"> · {plural(total, "user")}</span> : null}
      </h2>
      {error ? <ErrorBanner error={error} title="Could not list the role's users" onRetry={() => void roles.getState().holdersPage(offset)} /> : null}
      {status === "loading" && holders.length === 0 ? <Spinner label="Loading users…" /> : null}
      {status === "ready" && total === 0 ? <p className="muted">Nobody holds this role in {tenantId}.</p> : null}
      {holders.length > 0 ? (
        <div className="table-area" style={{ height: Math.min(420, 32 + holders.length * 32 + 2) }}>
          <VirtualTable
            rows={holders}
            columns={COLUMNS}
            rowKey={holderKey}
            rowHeight={32}
            label={`Holders of ${role} in ${tenantId}, ${offset + 1} to ${offset + holders.length} of ${total}`}
            onOpen={openHolder}
            testId="role-holders-table"
            rowTestId="role-holder"
            resetKey={resetKey}
          />
        </div>
      ) : null}
      {total > HOLDERS_PAGE ? <HoldersPager offset={offset} shown={holders.length} total={total} loading={status === "loading"} onOffset={(o) => void roles.getState().holdersPage(o)} /> : null}
    </section>
  );
}

/** First, previous, next and last page of holders, so the last of 10,000 is two key presses away. */
function HoldersPager({ offset, shown, total, loading, onOffset }: { offset: number; shown: number; total: number; loading: boolean; onOffset: (offset: number) => void }) {
  const lastPage = Math.floor((total - 1) / HOLDERS_PAGE) * HOLDERS_PAGE;
  const atStart = offset === 0;
  const atEnd = offset + shown >= total;
  return (
    <footer className="pager" aria-label="Pages of holders" data-testid="role-holders-pager">
      <button type="button" onClick={() => onOffset(0)} disabled={atStart || loading} data-testid="role-holders-pager-first">
        ⇤ First
      </button>
      <button type="button" onClick={() => onOffset(Math.max(0, offset - HOLDERS_PAGE))} disabled={atStart || loading} data-testid="role-holders-pager-previous">
        ← Previous
      </button>
      <span className="pager__info" aria-live="polite" data-testid="role-holders-pager-info">
        {`${(offset + 1).toLocaleString()}–${(offset + shown).toLocaleString()} of ${total.toLocaleString()}`} {loading ? <Spinner inline label="Loading…" /> : null}
      </span>
      <button type="button" onClick={() => onOffset(offset + HOLDERS_PAGE)} disabled={atEnd || loading} data-testid="role-holders-pager-next">
        Next →
      </button>
      <button type="button" onClick={() => onOffset(lastPage)} disabled={atEnd || loading} data-testid="role-holders-pager-last">
        Last ⇥
      </button>
    </footer>
  );
}
