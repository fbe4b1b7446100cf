/** The entries of an allow-list as stored, with their flags and accounts; admins tick entries to remove. */
import { useCan } from "../../app/StoresContext.tsx";
import type { AllowList } from "../../stores/allowlists.ts";
import { plural } from "../../lib/format.ts";

const FLAG_LABEL = { "not-normalised": "never matches", invalid: "invalid", duplicate: "duplicate" } as const;

export function AllowListTable({ list, selected, onSelect }: { list: AllowList; selected: Set<string>; onSelect: (s: Set<string>) => void }) {
  const canWrite = useCan("allowlists:write");
  const flagged = list.entries.filter((e) => e.flags.length > 0).length;
  const toggle = (value: string) => {
    const next = new Set(selected);
    if (next.has(value)) next.delete(value);
    else next.add(value);
    onSelect(next);
  };
  return (
    <div className="table-area">
      <p className="muted" data-testid="allowlist-summary">
        {plural(list.entries.length, "entry", "entries")} · {list.entries.filter((e) => e.account).length.toLocaleString()} with an account · {flagged.toLocaleString()} flagged
      </p>
      <table className="table" data-testid="allowlist-table">
        <thead>
          <tr>
            {canWrite ? (
              <th scope="col" className="col-narrow">
                <span className="visually-hidden">Remove</span>
              </th>
            ) : null}
            <th scope="col">Entry (as stored)</th>
            <th scope="col">Flags</th>
            <th scope="col">Account in {list.tenantId}</th>
          </tr>
        </thead>
        <tbody>
          {list.entries.map((e, i) => (
            <tr key={`${i}:${e.value}`} data-testid="allowlist-row">
              {canWrite ? (
                <td>
                  <input type="checkbox" aria-label={`Remove ${e.value}`} checked={selected.has(e.value)} onChange={() => toggle(e.value)} data-testid="allowlist-remove" />
                </td>
              ) : null}
              <td className="mono">{JSON.stringify(e.value) === `"${e.value}"` && e.value.trim() === e.value ? e.value : JSON.stringify(e.value)}</td>
              <td>
                {e.flags.map((f) => (
                  <span key={f} className={f === "duplicate" ? "badge badge--warn" : "badge badge--error"} title={e.message ?? undefined} data-testid="allowlist-flag" data-flag={f}>
                    {FLAG_LABEL[f]}
                  </span>
                ))}
                {e.flags.includes("not-normalised") && e.normalised ? <span className="cell-sub muted"> should be {e.normalised}</span> : null}
              </td>
              <td>{e.account ? <span className="badge badge--ok" data-testid="allowlist-has-account">{e.account.passwordless ? "has account (passwordless)" : "has account"}</span> : <span className="muted">—</span>}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
