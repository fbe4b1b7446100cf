/** The change about to be saved: per-entry outcomes, errors with their lines, and its impact on people who have accounts. */
import { useStore } from "zustand";
import { Can, useStores } from "../../app/StoresContext.tsx";
import { ErrorBanner } from "../../components/ErrorBanner.tsx";
import { plural } from "../../lib/format.ts";
import { useAsyncAction } from "../../lib/hooks.ts";

const OUTCOME: Record<string, string> = {
  new: "added",
  "already-listed": "already listed",
  removed: "removed",
  "not-listed": "not on the list",
  duplicate: "duplicate",
  invalid: "invalid",
};

/** `onSaved` gets where the saved change came from ("typed" entries or a "file"). */
export function PreviewPanel({ onSaved }: { onSaved: (source: "typed" | "file" | null) => void }) {
  const { allowLists } = useStores();
  const preview = useStore(allowLists, (s) => s.preview);
  const source = useStore(allowLists, (s) => s.previewSource);
  const save = useAsyncAction(async () => {
    const from = allowLists.getState().previewSource;
    await allowLists.getState().apply();
    onSaved(from);
  });
  if (!preview) return null;
  const { impact } = preview;
  const nothing = preview.add.length === 0 && preview.remove.length === 0;
  return (
    <section className="card" aria-label="Preview of the change" data-testid="allowlist-preview">
      <h2 className="subheading">{source === "file" ? "Import preview (dry run)" : "Preview"}</h2>
      {preview.fileErrors.map((e) => (
        <p key={e} className="warning-text" role="alert" data-testid="allowlist-file-error">
          {e}
        </p>
      ))}
      <ul className="facts" data-testid="allowlist-impact">
        <li>
          {plural(preview.before, "entry", "entries")} now → {preview.after.length.toLocaleString()} after
        </li>
        <li>{impact.newEntries} new</li>
        <li>{impact.removed} removed</li>
        {impact.addedWithAccounts.length > 0 ? <li>{impact.addedWithAccounts.length} added already have an account</li> : null}
        {impact.removedWithAccounts.length > 0 ? <li>{impact.removedWithAccounts.length} removed belong to existing users</li> : null}
        {impact.duplicates > 0 ? <li>{impact.duplicates} duplicates</li> : null}
        {impact.noOps > 0 ? <li>{impact.noOps} change nothing</li> : null}
        {impact.invalid > 0 ? <li>{impact.invalid} invalid</li> : null}
      </ul>
      {preview.notes.map((n) => (
        <p key={n} className="notice">
          {n}
        </p>
      ))}
      {preview.errors.length > 0 ? (
        <ul className="warning-text" data-testid="allowlist-errors">
          {preview.errors.map((e, i) => (
            <li key={i}>{e.message}</li>
          ))}
        </ul>
      ) : null}
      {preview.items.length > 0 ? (
        <table className="table">
          <thead>
            <tr>
              <th scope="col">Line</th>
              <th scope="col">Entry</th>
              <th scope="col">Becomes</th>
              <th scope="col">Outcome</th>
              <th scope="col">Account</th>
            </tr>
          </thead>
          <tbody>
            {preview.items.map((i, n) => (
              <tr key={n} data-testid="allowlist-preview-row" data-outcome={i.outcome}>
                <td className="numeric">{i.line ?? ""}</td>
                <td className="mono">{i.entry}</td>
                <td className="mono">{i.value ?? "—"}</td>
                <td>
                  {i.action === "remove" && i.outcome === "removed" ? "removed" : OUTCOME[i.outcome]}
                  {i.message && i.outcome !== "invalid" ? <span className="cell-sub muted"> {i.message}</span> : null}
                </td>
                <td>{i.account ? (i.account.passwordless ? "has account — keeps signing in" : "has account") : ""}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {save.error ? <ErrorBanner error={save.error} title="Could not save the change" onDismiss={save.reset} /> : null}
      <div className="dialog-actions">
        <button type="button" onClick={() => allowLists.getState().discard()}>
          Discard
        </button>
        <Can permission="allowlists:write">
          <button type="button" className="button--primary" disabled={nothing || save.pending} onClick={() => void save.run()} data-testid="allowlist-save">
            {save.pending
              ? "Saving…"
              : preview.errors.length > 0
                ? `Save the ${plural(preview.add.length + preview.remove.length, "valid change")} (skip ${plural(preview.errors.length, "error")})`
                : `Save ${plural(preview.add.length + preview.remove.length, "change")}`}
          </button>
        </Can>
      </div>
    </section>
  );
}
