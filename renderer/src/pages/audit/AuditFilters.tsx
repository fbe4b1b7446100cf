/** Filters of the audit log: operator, operation, target user, time range. */
import { useId, useState } from "react";
import { fromLocalInput, toLocalInput } from "../../lib/format.ts";
import type { AuditFilter } from "../../stores/audit.ts";

interface Props {
  filter: AuditFilter;
  onApply: (filter: AuditFilter) => void;
  /** Operation names to suggest (those seen in the log). */
  operations: readonly string[];
}

export function AuditFilters({ filter, onApply, operations }: Props) {
  const [draft, setDraft] = useState({
    operator: filter.operator ?? "",
    operation: filter.operation ?? "",
    target: filter.target ?? "",
    from: toLocalInput(filter.from),
    to: toLocalInput(filter.to),
  });
  const listId = useId();
  const set = (key: keyof typeof draft) => (e: React.ChangeEvent<HTMLInputElement>) => setDraft({ ...draft, [key]: e.target.value });
  const apply = (values: typeof draft) => {
    const from = fromLocalInput(values.from);
    const to = fromLocalInput(values.to);
    onApply({ operator: values.operator, operation: values.operation, target: values.target, ...(from !== undefined ? { from } : {}), ...(to !== undefined ? { to } : {}) });
  };
  const empty = { operator: "", operation: "", target: "", from: "", to: "" };
  return (
    <form
      className="toolbar filters"
      aria-label="Filter the audit log"
      onSubmit={(e) => {
        e.preventDefault();
        apply(draft);
      }}
      data-testid="audit-filters"
    >
      <label className="inline-field">
        <span>Operator</span>
        <input value={draft.operator} onChange={set("operator")} size={12} data-testid="audit-filter-operator" />
      </label>
      <label className="inline-field">
        <span>Operation</span>
        <input value={draft.operation} onChange={set("operation")} list={listId} size={18} data-testid="audit-filter-operation" />
        <datalist id={listId}>
          {operations.map((op) => (
            <option key={op} value={op} />
          ))}
        </datalist>
      </label>
      <label className="inline-field">
        <span>Target</span>
        <input value={draft.target} onChange={set("target")} size={16} placeholder="user id, role, profile" data-testid="audit-filter-target" />
      </label>
      <label className="inline-field">
        <span>From</span>
        <input type="datetime-local" value={draft.from} onChange={set("from")} />
      </label>
      <label className="inline-field">
        <span>To</span>
        <input type="datetime-local" value={draft.to} onChange={set("to")} />
      </label>
      <button type="submit" className="button--primary">
        Apply
      </button>
      <button
        type="button"
        onClick={() => {
          setDraft(empty);
          apply(empty);
        }}
      >
        Clear
      </button>
    </form>
  );
}
