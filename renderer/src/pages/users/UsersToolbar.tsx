/** Users: search, tenant, order, page size, export. */
import { useEffect, useState } from "react";
import { useStore } from "zustand";
import { Can, useStores } from "../../app/StoresContext.tsx";
import { CsvDownload } from "../../components/CsvDownload.tsx";
import { TenantPicker } from "../../components/TenantPicker.tsx";
import { plural, timestampForFile } from "../../lib/format.ts";
import { useDebounced } from "../../lib/hooks.ts";
import { PAGE_SIZES } from "../../stores/users.ts";
import { ago } from "../migration/freshness.ts";
import { IndexFilters } from "./IndexFilters.tsx";

export const SEARCH_DEBOUNCE_MS = 300;

export function UsersToolbar() {
  const { users } = useStores();
  const query = useStore(users, (s) => s.query);
  const [search, setSearch] = useState(query.search);
  const settled = useDebounced(search, SEARCH_DEBOUNCE_MS);

  useEffect(() => {
    if (settled.trim() !== users.getState().query.search.trim()) void users.getState().setQuery({ search: settled });
  }, [settled, users]);

  return (
    <div className="toolbar" role="toolbar" aria-label="Users list options">
      <input
        type="search"
        className="toolbar__search"
        aria-label="Search by email or phone prefix"
        placeholder="Email or phone prefix…"
        value={search}
        onChange={(e) => setSearch(e.target.value)}
        onKeyDown={(e) => e.key === "Enter" && void users.getState().setQuery({ search })}
        data-testid="users-search"
      />
      <TenantPicker />
      <span className="segmented" role="group" aria-label="Order">
        {(["newest", "oldest"] as const).map((order) => (
          <button key={order} type="button" aria-pressed={query.order === order} onClick={() => void users.getState().setQuery({ order })} data-testid={`order-${order}`}>
            {order === "newest" ? "Newest first" : "Oldest first"}
          </button>
        ))}
      </span>
      <label className="inline-field">
        <span>2FA</span>
        <select
          value={query.secondFactor}
          onChange={(e) => void users.getState().setQuery({ secondFactor: e.target.value as typeof query.secondFactor })}
          data-testid="second-factor-filter"
        >
          <option value="">any</option>
          <option value="enrolled">enrolled</option>
          <option value="none">not enrolled</option>
          <option value="broken">broken</option>
        </select>
      </label>
      <IndexFilters />
      <label className="inline-field">
        <span>Page size</span>
        <select value={query.limit} onChange={(e) => void users.getState().setQuery({ limit: Number(e.target.value) })} data-testid="page-size">
          {PAGE_SIZES.map((n) => (
            <option key={n} value={n}>
              {n}
            </option>
          ))}
        </select>
      </label>
      <span className="toolbar__spacer" />
      <Can permission="users:export">
        <CsvDownload
          label="Export CSV"
          testId="users-export"
          produce={async () => {
            const result = await users.getState().exportCsv();
            return {
              content: result.csv,
              filename: `users-${query.tenantId}-${timestampForFile(Date.now())}.csv`,
              note: `${plural(result.rows, "row")}${result.index ? ` from the user index (refreshed ${ago(result.index.ageMs ?? 0)})` : ""}${
                result.coreCapped?.length
                  ? " (not every match: the Core returns at most 1,000 per sign-in method; narrow the search)"
                  : result.truncated
                    ? " (stopped at the export cap)"
                    : ""
              }`,
            };
          }}
        />
      </Can>
    </div>
  );
}
