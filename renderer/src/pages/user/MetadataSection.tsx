/** A user's metadata as JSON; admins edit it and review the diff before it is saved. */
import { useState } from "react";
import type { JsonObject } from "../../../../shared/contract/schemas.ts";
import { Can, useStores } from "../../app/StoresContext.tsx";
import { ErrorBanner } from "../../components/ErrorBanner.tsx";
import { JsonDiff } from "../../components/JsonDiff.tsx";
import { JsonEditor } from "../../components/JsonEditor.tsx";
import { Modal } from "../../components/Modal.tsx";
import { useAsyncAction } from "../../lib/hooks.ts";
import { diffMetadata, parseJsonObject, prettyJson } from "../../lib/metadataDiff.ts";

export function MetadataSection({ metadata }: { metadata: JsonObject }) {
  const [editing, setEditing] = useState(false);
  return (
    <section className="card" aria-labelledby="metadata-title">
      <div className="card__header">
        <h2 id="metadata-title">Metadata</h2>
        <Can permission="users:write">
          <button type="button" onClick={() => setEditing(true)} data-testid="metadata-edit">
            Edit metadata
          </button>
        </Can>
      </div>
      {Object.keys(metadata).length === 0 ? <p className="muted">No metadata.</p> : <pre className="json-view" data-testid="metadata-json">{prettyJson(metadata)}</pre>}
      {editing ? <MetadataEditor metadata={metadata} onClose={() => setEditing(false)} /> : null}
    </section>
  );
}

function MetadataEditor({ metadata, onClose }: { metadata: JsonObject; onClose: () => void }) {
  const { userDetail, ui } = useStores();
  const [base, setBase] = useState(metadata);
  const [text, setText] = useState(() => prettyJson(metadata));
  const [conflict, setConflict] = useState(false);
  const parsed = parseJsonObject(text);
  const diff = parsed.ok ? diffMetadata(base, parsed.value) : null;
  const save = useAsyncAction(async () => {
    if (!diff || diff.empty) return;
    const result = await userDetail.getState().saveMetadata(base, diff.update);
    if (result.conflict) {
      setBase(result.latest);
      setConflict(true);
      return;
    }
    ui.getState().notify("Metadata saved");
    onClose();
  });

  return (
    <Modal title="Edit metadata" onClose={onClose} wide testId="metadata-editor" initialFocus="textarea">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void save.run();
        }}
        onKeyDown={(e) => {
          if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
            e.preventDefault();
            if (diff && !diff.empty && !save.pending) void save.run();
          }
        }}
      >
        <div className="split">
          <JsonEditor value={text} onChange={setText} label="Proposed metadata" />
          <div>
            <h3 className="subheading">Diff against the stored metadata</h3>
            {conflict ? (
              <p className="warning-text" role="alert">
                Someone changed this user's metadata after you opened the editor. The diff now compares against the latest version: review it, then save again.
              </p>
            ) : null}
            {parsed.ok ? <JsonDiff current={base} proposed={parsed.value} /> : <p className="muted">Fix the JSON to see the diff.</p>}
          </div>
        </div>
        {save.error ? <ErrorBanner error={save.error} title="Could not save metadata" /> : null}
        <div className="dialog-actions">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="button--primary" disabled={!diff || diff.empty || save.pending} aria-keyshortcuts="Control+Enter Meta+Enter" data-testid="metadata-save">
            {save.pending ? "Saving…" : "Save changes"}
          </button>
        </div>
      </form>
    </Modal>
  );
}
