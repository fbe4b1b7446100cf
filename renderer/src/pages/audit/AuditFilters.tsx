/**
 * Filters of the audit log: operator, operation, target, time range. Operator and operation match
 * whatever their case; the operation is picked from those Gatehouse audits. Times are typed to the
 * minute, and a bound means the whole minute as typed: "To 14:03" includes 14:03:36.
 */
import { useId, useRef, useState } from "react";
import { formatDateTime, fromLocalInput, toLocalInput } from "../../lib/format.ts";
import type { AuditFilter } from "../../stores/audit.ts";

interface Props {
  filter: AuditFilter;
  onApply: (filter: AuditFilter) => void;
  /** Operation names to pick from. */
  operations: readonly string[];
}

/**
 * The last millisecond of the time as typed: to the minute ("14:03" → 14:03:59.999), or to the
 * second when seconds were typed. <input type="datetime-local"> gives "YYYY-MM-DDTHH:MM[:SS[.mmm]]".
 */
export function endOfTyped(value: string): number | undefined {
  const start = fromLocalInput(value);
  if (start === undefined) return undefined;
  const time = value.split("T")[1] ?? "";
  const parts = time.split(":");
  if (parts.length < 3) return start + 60_000 - 1;
  return (parts[2] ?? "").includes(".") ? start : start + 1_000 - 1;
}

type Draft = { operator: string; operation: string; target: string; from: string; to: string };
const EMPTY: Draft = { operator: "", operation: "", target: "", from: "", to: "" };

export function AuditFilters({ filter, onApply, operations }: Props) {
  const [draft, setDraft] = useState<Draft>({
    operator: filter.operator ?? "",
    operation: filter.operation ?? "",
    target: filter.target ?? "",
    from: toLocalInput(filter.from),
    to: toLocalInput(filter.to),
  });
  const [rangeError, setRangeError] = useState<string | null>(null);
  const fromRef = useRef<HTMLInputElement>(null);
  const errorId = useId();
  const set = (key: keyof Draft) => (e: React.ChangeEvent<HTMLInputElement | HTMLSelectElement>) => {
    setDraft({ ...draft, [key]: e.target.value });
    if (key === "from" || key === "to") setRangeError(null);
  };

  const apply = (values: Draft) => {
    const from = fromLocalInput(values.from);
    const to = endOfTyped(values.to);
    if (from !== undefined && to !== undefined && from > to) {
      setRangeError(`“From” (${formatDateTime(from)}) is after “To” (${formatDateTime(fromLocalInput(values.to) ?? to)}), so no entry could match. Choose a From before the To.`);
      fromRef.current?.focus();
      return;
    }
    setRangeError(null);
    onApply({ operator: values.operator, operation: values.operation, target: values.target, ...(from !== undefined ? { from } : {}), ...(to !== undefined ? { to } : {}) });
  };

  // The applied operation stays pickable even if no longer offered.
  const choices = draft.operation && !operations.includes(draft.operation) ? [draft.operation, ...operations] : operations;
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
        <input value={draft.operator} onChange={set("operator")} size={12} data-testid="audit-filter-operator" title="Matches whatever the case" />
      </label>
      <label className="inline-field">
        <span>Operation</span>
        <select value={draft.operation} onChange={set("operation")} data-testid="audit-filter-operation">
          <option value="">any operation</option>
          {choices.map((op) => (
            <option key={op} value={op}>
              {op}
            </option>
          ))}
        </select>
      </label>
      <label className="inline-field">
        <span>Target</span>
        <input value={draft.target} onChange={set("target")} size={16} placeholder="user id, role, profile" data-testid="audit-filter-target" />
      </label>
      <label className="inline-field">
        <span>From</span>
        <input
          ref={fromRef}
          type="datetime-local"
          value={draft.from}
          onChange={set("from")}
          aria-invalid={rangeError ? true : undefined}
          aria-describedby={rangeError ? errorId : undefined}
          data-testid="audit-filter-from"
        />
      </label>
      <label className="inline-field">
        <span>To</span>
        <input type="datetime-local" value={draft.to} onChange={set("to")} title="Includes the whole minute" data-testid="audit-filter-to" />
      </label>
      <button type="submit" className="button--primary" data-testid="audit-filter-apply">
        Apply
      </button>
      <button
        type="button"
        onClick={() => {
          setDraft(EMPTY);
          apply(EMPTY);
        }}
        data-testid="audit-filter-clear"
      >
        Clear
      </button>
      {rangeError ? (
        <span className="inline-field__error" id={errorId} role="alert" data-testid="audit-filter-error">
          {rangeError}
        </span>
      ) : null}
    </form>
  );
}
