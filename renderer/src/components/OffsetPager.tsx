/** Previous / Next for a list paged by offset, with "51–100 of 2,000" between them. */
import { Spinner } from "./Spinner.tsx";

interface Props {
  offset: number;
  pageSize: number;
  /** Rows on this page. */
  shown: number;
  total: number;
  loading?: boolean;
  onOffset: (offset: number) => void;
  /** What the rows are, e.g. "invites" (for the accessible name and the empty text). */
  noun: string;
  testId?: string;
}

export function OffsetPager({ offset, pageSize, shown, total, loading = false, onOffset, noun, testId }: Props) {
  const from = shown === 0 ? 0 : offset + 1;
  const to = offset + shown;
  return (
    <footer className="pager" aria-label={`Pages of ${noun}`} data-testid={testId}>
      <button type="button" onClick={() => onOffset(Math.max(0, offset - pageSize))} disabled={offset === 0 || loading} data-testid={testId ? `${testId}-previous` : undefined}>
        ← Previous
      </button>
      <span className="pager__info" aria-live="polite" data-testid={testId ? `${testId}-info` : undefined}>
        {total === 0 ? `No ${noun}` : `${from.toLocaleString()}–${to.toLocaleString()} of ${total.toLocaleString()}`} {loading ? <Spinner inline label="Loading…" /> : null}
      </span>
      <button type="button" onClick={() => onOffset(offset + pageSize)} disabled={to >= total || loading} data-testid={testId ? `${testId}-next` : undefined}>
        Next →
      </button>
    </footer>
  );
}
