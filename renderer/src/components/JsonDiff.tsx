/**
 * What saving will change: the top-level keys changed, added and removed, and a line diff of the
 * stored metadata before and after the Core merges the update.
 */
import type { JsonObject } from "../../../shared/contract/schemas.ts";
import { lineDiff } from "../lib/lineDiff.ts";
import { applyMetadataUpdate, diffMetadata, prettyJson } from "../lib/metadataDiff.ts";

export function JsonDiff({ current, proposed }: { current: JsonObject; proposed: JsonObject }) {
  const diff = diffMetadata(current, proposed);
  if (diff.empty) return <p className="json-diff__none" data-testid="json-diff">No changes.</p>;
  const lines = lineDiff(prettyJson(current), prettyJson(applyMetadataUpdate(current, diff.update)));
  return (
    <section className="json-diff" aria-label="Changes to save" data-testid="json-diff">
      <ul className="json-diff__summary">
        <KeyList label="Changed" keys={diff.changed} tone="changed" />
        <KeyList label="Added" keys={diff.added} tone="added" />
        <KeyList label="Removed" keys={diff.removed} tone="removed" />
      </ul>
      <pre className="json-diff__lines" aria-label="Line diff">
        {lines.map((line, i) => (
          <span key={i} className={`json-diff__line json-diff__line--${line.kind}`}>
            <span className="json-diff__sign" aria-hidden="true">
              {line.kind === "add" ? "+" : line.kind === "remove" ? "−" : " "}
            </span>
            <span className="visually-hidden">{line.kind === "add" ? "added: " : line.kind === "remove" ? "removed: " : ""}</span>
            {line.text}
            {"\n"}
          </span>
        ))}
      </pre>
      <details className="json-diff__update">
        <summary>Update sent to the Core</summary>
        <pre data-testid="json-diff-update">{prettyJson(diff.update)}</pre>
      </details>
    </section>
  );
}

function KeyList({ label, keys, tone }: { label: string; keys: string[]; tone: string }) {
  if (keys.length === 0) return null;
  return (
    <li className={`json-diff__keys json-diff__keys--${tone}`}>
      <strong>{label}:</strong> {keys.map((k) => <code key={k}>{k}</code>)}
    </li>
  );
}
