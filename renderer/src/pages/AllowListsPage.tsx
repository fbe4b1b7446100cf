/** Allow-lists (seed 02) of the selected tenant: the list with its flags, changes with a preview, CSV import and export. */
import { useEffect, useState } from "react";
import { useStore } from "zustand";
import { Can, useStores } from "../app/StoresContext.tsx";
import { CsvDownload } from "../components/CsvDownload.tsx";
import { EmptyState } from "../components/EmptyState.tsx";
import { ErrorBanner } from "../components/ErrorBanner.tsx";
import { Spinner } from "../components/Spinner.tsx";
import { TenantPicker } from "../components/TenantPicker.tsx";
import { AllowListTable } from "./allowlists/AllowListTable.tsx";
import { ChangeForm } from "./allowlists/ChangeForm.tsx";
import { ImportForm } from "./allowlists/ImportForm.tsx";
import { PreviewPanel } from "./allowlists/PreviewPanel.tsx";

export function AllowListsPage() {
  const { allowLists, tenants } = useStores();
  const state = useStore(allowLists);
  const tenant = useStore(tenants, (s) => s.selected);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  // Bumped when typed entries were saved: the form starts empty again, so the next preview does not re-add them.
  const [changeForm, setChangeForm] = useState(0);

  useEffect(() => {
    setSelected(new Set());
    void allowLists.getState().load(tenant);
  }, [allowLists, tenant]);

  const setKind = (kind: "email" | "phone") => {
    setSelected(new Set());
    void allowLists.getState().load(undefined, kind);
  };

  return (
    <section className="page" aria-labelledby="allowlists-title">
      <header className="page__header">
        <h1 id="allowlists-title">Allow-lists</h1>
        <div className="toolbar">
          <TenantPicker />
          <span className="segmented" role="group" aria-label="List">
            {(["email", "phone"] as const).map((kind) => (
              <button key={kind} type="button" aria-pressed={state.kind === kind} onClick={() => setKind(kind)} data-testid={`allowlist-kind-${kind}`}>
                {kind === "email" ? "Emails" : "Phone numbers"}
              </button>
            ))}
          </span>
          <button type="button" className="icon-button" aria-label="Reload the allow-list" onClick={() => void state.load()}>
            ↻
          </button>
          <span className="toolbar__spacer" />
          <CsvDownload label="Export CSV" produce={() => allowLists.getState().exportCsv()} testId="allowlist-export" />
        </div>
      </header>
      {state.list ? (
        <p className="muted">
          Stored in the metadata of <code className="mono">{state.list.metadataId}</code> under <code className="mono">allowList</code>; the app&apos;s sign-up guard admits exactly these
          entries.
        </p>
      ) : null}
      {state.error ? <ErrorBanner error={state.error} title="Could not load the allow-list" onRetry={() => void state.load()} /> : null}
      {state.list?.malformed ? <p className="warning-text">{state.list.malformed}</p> : null}
      {state.applied ? (
        <p className="notice" role="status" data-testid="allowlist-saved">
          Saved: {state.applied.added.length} added, {state.applied.removed.length} removed
          {state.applied.concurrentChange ? " (the list had changed meanwhile; the change was merged with it, nothing was lost)" : ""}.
        </p>
      ) : null}
      {state.status === "loading" && !state.list ? <Spinner label="Loading the allow-list…" /> : null}
      {state.list && state.list.entries.length === 0 ? <EmptyState title="This allow-list is empty.">Nobody can sign up through the allow-list guard yet.</EmptyState> : null}
      {state.list && state.list.entries.length > 0 ? <AllowListTable list={state.list} selected={selected} onSelect={setSelected} /> : null}
      <Can permission="allowlists:write">
        <div className="split">
          <ChangeForm key={changeForm} remove={[...selected]} />
          <ImportForm />
        </div>
      </Can>
      {state.previewError ? <ErrorBanner error={state.previewError} title="Could not preview the change" onDismiss={() => allowLists.getState().discard()} /> : null}
      {state.preview ? (
        <PreviewPanel
          onSaved={(source) => {
            setSelected(new Set());
            if (source === "typed") setChangeForm((n) => n + 1);
          }}
        />
      ) : null}
    </section>
  );
}
