/**
 * The lists per state (migrated, temporary password, not migrated, conflict, outside the roster):
 * counts on the tabs, a tenant filter, a search by the start of the email or legacy id, 500 rows a
 * page in a virtualized table (thousands of rows stay quick), CSV export of the whole list; a row
 * with an account opens the user (Enter or click).
 */
import { useEffect, useMemo, useRef, useState } from "react";
import { useStore } from "zustand";
import type { OutputOf } from "../../../../shared/contract/index.ts";
import type { MigrationListState, MigrationRow, TenantTotals } from "../../../../shared/contract/operations/migration.ts";
import { navigate, userHref } from "../../app/router.ts";
import { useCan, useStores } from "../../app/StoresContext.tsx";
import { CsvDownload } from "../../components/CsvDownload.tsx";
import { ErrorBanner } from "../../components/ErrorBanner.tsx";
import { OffsetPager } from "../../components/OffsetPager.tsx";
import { Spinner } from "../../components/Spinner.tsx";
import { VirtualTable, type Column } from "../../components/VirtualTable.tsx";
import { plural } from "../../lib/format.ts";
import { useAsyncAction, useDebounced } from "../../lib/hooks.ts";
import type { OverviewStore } from "./overviewStore.ts";
import { ResetLinkDialog, ResetLinkSlot } from "./ResetLinkSlot.tsx";
import { COLUMNS, LIST_STATES, STATE_HINTS, STATE_LABELS } from "./stateColumns.tsx";

export const LIST_PAGE_SIZE = 500;
const SEARCH_DEBOUNCE_MS = 250;

type Page = OutputOf<"migration.list">;

const COUNT_OF: Record<MigrationListState, (t: Omit<TenantTotals, "tenantId">) => number> = {
  migrated: (t) => t.migrated,
  "temporary-password": (t) => t.temporaryPassword,
  "not-migrated": (t) => t.notMigrated,
  conflict: (t) => t.conflict,
  "outside-roster": (t) => t.outsideRoster,
};

const rowKey = (r: MigrationRow) => `${r.legacyId ?? ""}\u0000${r.userId ?? ""}`;
const openRow = (r: MigrationRow) => {
  if (r.userId) navigate(userHref(r.userId));
};

export function StateLists({ overview }: { overview: OverviewStore }) {
  const { client } = useStores();
  const summary = useStore(overview, (s) => s.summary);
  const version = useStore(overview, (s) => s.version);
  const sendsLinks = useCan("reset-links:send");
  const [resetFor, setResetFor] = useState<MigrationRow | null>(null);
  const [state, setState] = useState<MigrationListState>("not-migrated");
  const [tenant, setTenant] = useState<string>("");
  const [search, setSearch] = useState("");
  const query = useDebounced(search.trim(), SEARCH_DEBOUNCE_MS);
  // The offset belongs to one state, tenant and search: a change of any starts at the top.
  const filterKey = `${state}\u0000${tenant}\u0000${query}`;
  const [paging, setPaging] = useState({ key: filterKey, offset: 0 });
  // Re-keyed at once (not only read as 0), so going back to an earlier filter does not bring its old page back.
  if (paging.key !== filterKey) setPaging({ key: filterKey, offset: 0 });
  const offset = paging.key === filterKey ? paging.offset : 0;
  const [page, setPage] = useState<Page | null>(null);
  const latest = useRef(0);

  const filter = useMemo(() => ({ state, search: query, ...(tenant ? { tenantId: tenant } : {}) }), [state, query, tenant]);
  const load = useAsyncAction(async () => {
    const ticket = ++latest.current;
    const answer = await client.invoke("migration.list", { ...filter, offset, limit: LIST_PAGE_SIZE });
    if (ticket === latest.current) setPage(answer);
  });
  // After the screen's figures are in (version 1 on), and again whenever they load anew: one load on opening, not two.
  useEffect(() => {
    if (version > 0) void load.run();
  }, [client, filter, offset, version]);

  const counts = tenant ? summary?.tenants.find((t) => t.tenantId === tenant) : summary?.overall;
  const columns: Column<MigrationRow>[] = useMemo(() => {
    const base = COLUMNS[state];
    // Support and admins send a password-reset link from the temporary-password list.
    return sendsLinks && state === "temporary-password"
      ? [...base, { id: "reset", header: "Reset link", width: "150px", render: (r: MigrationRow) => <ResetLinkSlot row={r} onOpen={setResetFor} /> }]
      : base;
  }, [state, sendsLinks]);
  const searching = query !== "";

  return (
    <section className="card migration-lists" aria-labelledby="migration-lists-title" data-testid="migration-lists">
      <div className="card__header">
        <h2 id="migration-lists-title">Legacy users by state</h2>
        <span className="toolbar__spacer" />
        <CsvDownload
          label="Export CSV"
          testId="migration-list-export"
          produce={async () => {
            const file = await client.invoke("migration.export", filter);
            return { content: file.csv, filename: file.filename, note: plural(file.rows, "row") };
          }}
        />
      </div>
      <div className="toolbar">
        <div role="group" aria-label="Show legacy users" className="segmented">
          {LIST_STATES.map((s) => (
            <button key={s} type="button" aria-pressed={state === s} onClick={() => setState(s)} data-testid={`migration-state-${s}`}>
              {STATE_LABELS[s]} {counts ? <span className="segmented__count">{COUNT_OF[s](counts).toLocaleString()}</span> : null}
            </button>
          ))}
        </div>
        <label className="inline-field">
          <span>Tenant</span>
          <select value={tenant} onChange={(e) => setTenant(e.target.value)} data-testid="migration-list-tenant">
            <option value="">All tenants</option>
            {(summary?.tenants ?? []).map((t) => (
              <option key={t.tenantId} value={t.tenantId}>
                {t.tenantId}
              </option>
            ))}
          </select>
        </label>
        <label className="inline-field">
          <span className="visually-hidden">Search by the start of the email or legacy id</span>
          <input type="search" placeholder="Email or legacy id starts with…" value={search} onChange={(e) => setSearch(e.target.value)} data-testid="migration-list-search" />
        </label>
      </div>
      <p className="field__hint" data-testid="migration-list-hint">
        {STATE_HINTS[state]}
        {state !== "not-migrated" ? " Enter or a click opens the user." : ""}
      </p>
      {load.error ? <ErrorBanner error={load.error} title={`Could not load the list “${STATE_LABELS[state]}”`} onRetry={() => void load.run()} /> : null}
      {!page && load.pending ? <Spinner label="Loading…" /> : null}
      {page && page.rows.length === 0 ? (
        <p className="field__hint" data-testid="migration-list-empty">
          {searching ? `No one in “${STATE_LABELS[state]}” has an email or legacy id starting with “${query}”.` : `No legacy users in “${STATE_LABELS[state]}”${tenant ? ` in ${tenant}` : ""}.`}
        </p>
      ) : null}
      {page && page.rows.length > 0 ? (
        <div className="migration-list">
          <VirtualTable
            rows={page.rows}
            columns={columns}
            rowKey={rowKey}
            rowHeight={40}
            height={480}
            label={`${STATE_LABELS[state]}: ${plural(page.total, "user")}`}
            onOpen={openRow}
            testId="migration-list"
            rowTestId="migration-row"
          />
        </div>
      ) : null}
      {resetFor?.userId ? <ResetLinkDialog userId={resetFor.userId} email={resetFor.email ?? resetFor.userId} onClose={() => setResetFor(null)} /> : null}
      {page ? (
        <OffsetPager
          offset={offset}
          pageSize={LIST_PAGE_SIZE}
          shown={page.rows.length}
          total={page.total}
          loading={load.pending}
          onOffset={(o) => setPaging({ key: filterKey, offset: o })}
          noun="users"
          testId="migration-list-pager"
        />
      ) : null}
    </section>
  );
}
