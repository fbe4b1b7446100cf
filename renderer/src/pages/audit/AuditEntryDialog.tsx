/** One audit entry in full: its input and its hash. */
import type { AuditEntry } from "../../../../shared/contract/schemas.ts";
import { Modal } from "../../components/Modal.tsx";
import { formatDateTime } from "../../lib/format.ts";
import { prettyJson } from "../../lib/metadataDiff.ts";

export function AuditEntryDialog({ entry, onClose }: { entry: AuditEntry; onClose: () => void }) {
  return (
    <Modal title={`Audit entry #${entry.seq}`} onClose={onClose} wide testId="audit-entry">
      <dl className="facts">
        <div>
          <dt>When</dt>
          <dd>{formatDateTime(entry.at)}</dd>
        </div>
        <div>
          <dt>Operator</dt>
          <dd>
            {entry.operator} ({entry.role}) on {entry.profile}
          </dd>
        </div>
        <div>
          <dt>Operation</dt>
          <dd className="mono">{entry.operation}</dd>
        </div>
        <div>
          <dt>Target</dt>
          <dd className="mono">{entry.target ?? "—"}</dd>
        </div>
        <div>
          <dt>Result</dt>
          <dd>
            {entry.outcome}
            {entry.detail ? ` — ${entry.detail}` : ""}
          </dd>
        </div>
        <div>
          <dt>Hash</dt>
          <dd className="mono small">{entry.hash}</dd>
        </div>
      </dl>
      <h3 className="subheading">Input</h3>
      <pre className="json-view">{prettyJson(entry.input)}</pre>
      <div className="dialog-actions">
        <button type="button" onClick={onClose}>
          Close
        </button>
      </div>
    </Modal>
  );
}
