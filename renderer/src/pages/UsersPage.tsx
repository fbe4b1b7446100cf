/** Users of the selected tenant, a page at a time from the Core, in a virtualized table. */
import { useEffect } from "react";
import { useStore } from "zustand";
import type { UserRow } from "../../../shared/contract/schemas.ts";
import { navigate, userHref } from "../app/router.ts";
import { useStores } from "../app/StoresContext.tsx";
import { EmptyState } from "../components/EmptyState.tsx";
import { ErrorBanner } from "../components/ErrorBanner.tsx";
import { Spinner } from "../components/Spinner.tsx";
import { VirtualTable } from "../components/VirtualTable.tsx";
import { plural } from "../lib/format.ts";
import type { UsersState } from "../stores/users.ts";
import { IndexNotice } from "./users/IndexNotice.tsx";
import { SearchCutNotice } from "./users/SearchCutNotice.tsx";
import { USER_COLUMNS, USERS_MIN_WIDTH } from "./users/userColumns.tsx";
import { UsersToolbar } from "./users/UsersToolbar.tsx";

const openUser = (row: UserRow) => navigate(userHref(row.id));
const rowKey = (row: UserRow) => row.id;
const rowClass = (row: UserRow) => (row.secondFactor.state === "broken" ? "vt-row--warn" : undefined);

/** "25 users", or for a search page (or one from the user index) "users 26–50 of 2,000 matches". */
function pageSummary({ rows, search, scanned, index, page, query }: Pick<UsersState, "rows" | "search" | "scanned" | "index" | "page" | "query">): string {
  if (index) {
    if (rows.length === 0) return `no users of ${plural(index.matches, "match", "matches")}`;
    const from = (page - 1) * query.limit + 1;
    return `users ${from.toLocaleString()}–${(from + rows.length - 1).toLocaleString()} of ${plural(index.matches, "match", "matches")}`;
  }
  if (!search || scanned !== null) return plural(rows.length, "user");
  if (rows.length === 0) return `no users of ${plural(search.matches, "match", "matches")}`;
  return `users ${(search.offset + 1).toLocaleString()}–${(search.offset + rows.length).toLocaleString()} of ${plural(search.matches, "match", "matches")}`;
}

export function UsersPage() {
  const { users, tenants } = useStores();
  const state = useStore(users);
  const tenant = useStore(tenants, (s) => s.selected);

  // First visit, or the tenant changed (here or on another page): load page 1 of that tenant.
  useEffect(() => {
    const current = users.getState();
    if (current.status === "idle" || current.query.tenantId !== tenant) void current.setQuery({ tenantId: tenant });
  }, [users, tenant]);

  const searching = state.query.search.trim() !== "";
  return (
    <section className="page page--fill" aria-labelledby="users-title">
      <header className="page__header">
        <h1 id="users-title">Users</h1>
        <UsersToolbar />
      </header>
      {state.error ? <ErrorBanner error={state.error} title="Could not load users" onRetry={() => void state.reload()} /> : null}
      {searching && state.search ? <SearchCutNotice search={state.search} text={state.query.search.trim()} /> : null}
      {state.index ? <IndexNotice index={state.index} /> : null}
      <div className="table-area">
        {state.status === "loading" && state.rows.length === 0 ? (
          <Spinner label="Loading users…" />
        ) : state.status === "ready" && state.rows.length === 0 ? (
          <EmptyState
            title={
              searching
                ? `No user's email or phone starts with “${state.query.search.trim()}”.`
                : state.index
                  ? `No user of tenant “${state.query.tenantId}” matches these filters in the user index.`
                  : state.query.secondFactor
                    ? `No user with second factor “${state.query.secondFactor}” among the ${state.scanned ?? 0} scanned.`
                    : `No users in tenant “${state.query.tenantId}”.`
            }
          >
            {searching ? "Search is by prefix: try the start of the address or number (phones as +1…)." : "Users appear here once they sign up, are invited or migrated."}
          </EmptyState>
        ) : state.rows.length > 0 ? (
          <VirtualTable
            rows={state.rows}
            columns={USER_COLUMNS}
            rowKey={rowKey}
            rowHeight={40}
            minWidth={USERS_MIN_WIDTH}
            label={`Users of tenant ${state.query.tenantId}, page ${state.page}`}
            onOpen={openUser}
            testId="users-table"
            rowTestId="user-row"
            rowClassName={rowClass}
          />
        ) : null}
      </div>
      <footer className="pager" aria-label="Pages">
        <button type="button" onClick={() => void state.previous()} disabled={state.previousTokens.length === 0 || state.status === "loading"} data-testid="users-previous">
          ← Previous
        </button>
        <span className="pager__info" aria-live="polite" data-testid="users-pager-info">
          Page {state.page} · {pageSummary(state)}
          {state.scanned !== null ? ` (of ${state.scanned.toLocaleString()} scanned)` : ""} {state.status === "loading" ? <Spinner inline label="Loading…" /> : null}
        </span>
        <button type="button" onClick={() => void state.next()} disabled={!state.nextToken || state.status === "loading"} data-testid="users-next">
          Next →
        </button>
      </footer>
    </section>
  );
}
