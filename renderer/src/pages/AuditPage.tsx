/** The audit log, newest first, a page at a time, with filters, chain verification and exports. */
import { useEffect, useMemo, useState } from "react";
import { useStore } from "zustand";
import type { AuditEntry } from "../../../shared/contract/schemas.ts";
import { useStores } from "../app/StoresContext.tsx";
import { CsvDownload } from "../components/CsvDownload.tsx";
import { EmptyState } from "../components/EmptyState.tsx";
import { ErrorBanner } from "../components/ErrorBanner.tsx";
import { Spinner } from "../components/Spinner.tsx";
import { VirtualTable } from "../components/VirtualTable.tsx";
import { plural, timestampForFile } from "../lib/format.ts";
import { AUDIT_COLUMNS, AUDIT_MIN_WIDTH } from "./audit/auditColumns.tsx";
import { AuditEntryDialog } from "./audit/AuditEntryDialog.tsx";
import { AuditFilters } from "./audit/AuditFilters.tsx";
import { AuditPager } from "./audit/AuditPager.tsx";
import { VerifyChain } from "./audit/VerifyChain.tsx";

const entryKey = (e: AuditEntry) => String(e.seq);
const entryClass = (e: AuditEntry) => (e.outcome === "error" ? "vt-row--error" : undefined);

export function AuditPage() {
  const { audit, client } = useStores();
  const state = useStore(audit);
  const [open, setOpen] = useState<AuditEntry | null>(null);

  useEffect(() => {
    void audit.getState().reload();
    void audit.getState().loadOperations();
    return client.on("audit.appended", () => void audit.getState().refresh());
  }, [audit, client]);

  // The known operations, and any on the page the list did not have (a log written by another version).
  const operations = useMemo(() => [...new Set([...state.operations, ...state.entries.map((e) => e.operation)])].sort(), [state.operations, state.entries]);
  const filtered = Object.keys(state.filter).length > 0;
  // Another page or filter starts at the top; the same page refreshed (new entries came in) keeps its scroll.
  const resetKey = useMemo(() => ({ filter: state.filter, cursor: state.cursor, pageSize: state.pageSize }), [state.filter, state.cursor, state.pageSize]);
  const exportFile = (format: "jsonl" | "csv") => async () => {
    const result = await state.exportAs(format);
    return { content: result.content, filename: `gatehouse-audit-${timestampForFile(Date.now())}.${format}`, note: plural(result.entries, "entry", "entries") };
  };

  return (
    <section className="page page--fill" aria-labelledby="audit-title">
      <header className="page__header">
        <h1 id="audit-title">Audit log</h1>
        <div className="toolbar">
          <VerifyChain />
          <span className="toolbar__spacer" />
          <CsvDownload label="Export JSON lines" mime="application/x-ndjson" produce={exportFile("jsonl")} testId="audit-export-jsonl" />
          <CsvDownload label="Export CSV" produce={exportFile("csv")} testId="audit-export-csv" />
        </div>
        <AuditFilters filter={state.filter} operations={operations} onApply={(f) => void state.setFilter(f)} />
      </header>
      {state.error ? <ErrorBanner error={state.error} title="Could not load the audit log" onRetry={() => void state.reload()} /> : null}
      <div className="table-area">
        {state.status === "loading" && state.entries.length === 0 ? <Spinner label="Loading the audit log…" /> : null}
        {state.status === "ready" && state.entries.length === 0 ? (
          <EmptyState title={filtered ? "No entry matches these filters." : "The audit log is empty."}>
            {filtered ? "Clear or widen the filters." : "Every change an operator makes is recorded here, with who, when, what, target and result."}
          </EmptyState>
        ) : null}
        {state.entries.length > 0 ? (
          <VirtualTable
            rows={state.entries}
            columns={AUDIT_COLUMNS}
            rowKey={entryKey}
            rowHeight={32}
            minWidth={AUDIT_MIN_WIDTH}
            label={`Audit entries ${state.position + 1} to ${state.position + state.entries.length} of ${state.total}, newest first`}
            onOpen={setOpen}
            testId="audit-table"
            rowTestId="audit-row"
            rowClassName={entryClass}
            resetKey={resetKey}
          />
        ) : null}
      </div>
      <AuditPager />
      {open ? <AuditEntryDialog entry={open} onClose={() => setOpen(null)} /> : null}
    </section>
  );
}
