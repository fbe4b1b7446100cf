/** The audit table's columns. */
import type { AuditEntry } from "../../../../shared/contract/schemas.ts";
import type { Column } from "../../components/VirtualTable.tsx";
import { formatDateTime, isoDateTime } from "../../lib/format.ts";

export const AUDIT_COLUMNS: Column<AuditEntry>[] = [
  { id: "seq", header: "#", width: "64px", render: (e) => <span className="mono">{e.seq}</span> },
  { id: "at", header: "When", width: "175px", render: (e) => <time dateTime={new Date(e.at).toISOString()} title={formatDateTime(e.at)}>{isoDateTime(e.at)}</time> },
  { id: "operator", header: "Operator", width: "120px", render: (e) => <span title={e.operator}>{e.operator}</span> },
  { id: "role", header: "Role", width: "80px", render: (e) => e.role },
  { id: "profile", header: "Profile", width: "130px", render: (e) => <span title={e.profile}>{e.profile}</span> },
  { id: "operation", header: "Operation", width: "190px", render: (e) => <span className="mono">{e.operation}</span> },
  { id: "target", header: "Target", width: "minmax(160px, 1fr)", render: (e) => (e.target ? <span className="mono" title={e.target}>{e.target}</span> : <span className="muted">—</span>) },
  {
    id: "outcome",
    header: "Result",
    width: "70px",
    render: (e) => <span className={e.outcome === "ok" ? "badge badge--ok" : "badge badge--error"}>{e.outcome}</span>,
  },
  { id: "detail", header: "Detail", width: "minmax(200px, 1.5fr)", render: (e) => (e.detail ? <span title={e.detail}>{e.detail}</span> : <span className="muted">—</span>) },
];

export const AUDIT_MIN_WIDTH = 1200;
