/**
 * Paging the audit log: to the newest entries, newer, older, to the oldest entries, and the page
 * size. Plain buttons, so Tab and Enter (or Space) page through the whole log from the keyboard.
 */
import { useStore } from "zustand";
import { useStores } from "../../app/StoresContext.tsx";
import { Spinner } from "../../components/Spinner.tsx";
import { AUDIT_PAGE_SIZES } from "../../stores/audit.ts";

export function AuditPager() {
  const { audit } = useStores();
  const s = useStore(audit);
  const loading = s.status === "loading";
  const first = s.entries.length ? s.position + 1 : 0;
  const last = s.position + s.entries.length;
  const atNewest = s.newerAfterSeq === null;
  const atOldest = s.nextBeforeSeq === null;
  return (
    <footer className="pager" aria-label="Pages of the audit log" data-testid="audit-pager">
      <span className="pager__info" aria-live="polite" data-testid="audit-pager-info">
        {s.total === 0 ? "No entries" : `Entries ${first.toLocaleString()}–${last.toLocaleString()} of ${s.total.toLocaleString()}, newest first`}{" "}
        {loading ? <Spinner inline label="Loading…" /> : null}
      </span>
      <label className="inline-field">
        <span>Page size</span>
        <select value={s.pageSize} onChange={(e) => void s.setPageSize(Number(e.target.value))} data-testid="audit-page-size">
          {AUDIT_PAGE_SIZES.map((n) => (
            <option key={n} value={n}>
              {n}
            </option>
          ))}
        </select>
      </label>
      <button type="button" onClick={() => void s.newest()} disabled={atNewest || loading} data-testid="audit-newest">
        ⇤ Newest
      </button>
      <button type="button" onClick={() => void s.newer()} disabled={atNewest || loading} data-testid="audit-newer">
        ← Newer
      </button>
      <button type="button" onClick={() => void s.older()} disabled={atOldest || loading} data-testid="audit-older">
        Older →
      </button>
      <button type="button" onClick={() => void s.oldest()} disabled={atOldest || loading} data-testid="audit-oldest">
        Oldest ⇥
      </button>
    </footer>
  );
}
