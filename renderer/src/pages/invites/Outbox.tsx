/**
 * This profile's messages to send by hand (no SMTP, or phone invites), a page at a time: copy
 * the link or the whole message (line breaks kept), export as JSON lines, mark handled. Roles that
 * may not see sign-in links get the messages without them (main leaves them out).
 */
import { useEffect, useRef, useState } from "react";
import type { OutputOf } from "../../../../shared/contract/index.ts";
import { useCan, useStores } from "../../app/StoresContext.tsx";
import { ErrorBanner } from "../../components/ErrorBanner.tsx";
import { OffsetPager } from "../../components/OffsetPager.tsx";
import { PhoneNumber } from "../../components/PhoneNumber.tsx";
import { prepareDownload, startDownload } from "../../lib/download.ts";
import { isoDateTime } from "../../lib/format.ts";
import { useAsyncAction } from "../../lib/hooks.ts";
import { CopyText } from "./CopyText.tsx";

export const OUTBOX_PAGE_SIZE = 20;

export function Outbox({ version, onChanged }: { version: number; onChanged: () => void }) {
  const { client } = useStores();
  const canMark = useCan("invites:resend");
  const [offset, setOffset] = useState(0);
  const [page, setPage] = useState<OutputOf<"invites.outbox.list"> | null>(null);
  const latest = useRef(0);
  const load = useAsyncAction(async () => {
    const ticket = ++latest.current;
    const answer = await client.invoke("invites.outbox.list", { offset, limit: OUTBOX_PAGE_SIZE });
    if (ticket === latest.current) setPage(answer);
  });
  useEffect(() => {
    void load.run();
  }, [client, offset, version]);
  // Marking the last messages of a page handled leaves it empty: step back to one that has some.
  useEffect(() => {
    if (page && page.entries.length === 0 && offset > 0) setOffset(Math.max(0, Math.floor((page.total - 1) / OUTBOX_PAGE_SIZE) * OUTBOX_PAGE_SIZE));
  }, [page, offset]);

  const exportAll = useAsyncAction(async () => {
    const { jsonl } = await client.invoke("invites.outbox.export", {});
    const download = prepareDownload(jsonl, "gatehouse-invite-outbox.jsonl", "application/x-ndjson");
    startDownload(download);
    setTimeout(download.revoke, 10_000);
  });
  const mark = useAsyncAction(async (which: { ids: number[] } | { all: true }) => {
    await client.invoke("invites.outbox.markHandled", which);
    onChanged();
  });
  const total = page?.total ?? 0;
  return (
    <section className="card" aria-labelledby="outbox-title" data-testid="outbox">
      <div className="card__header">
        <h2 id="outbox-title">Outbox ({total.toLocaleString()})</h2>
        <span className="toolbar__spacer" />
        <button type="button" className="button--small" onClick={() => void exportAll.run()} disabled={total === 0} data-testid="outbox-export">
          Export JSON lines
        </button>
        {canMark && total > 0 ? (
          <button type="button" className="button--small" onClick={() => void mark.run({ all: true })} disabled={mark.pending} data-testid="outbox-mark-all">
            Mark all {total.toLocaleString()} handled
          </button>
        ) : null}
      </div>
      {load.error ? <ErrorBanner error={load.error} title="Could not load the outbox" onRetry={() => void load.run()} /> : null}
      {exportAll.error ? <ErrorBanner error={exportAll.error} title="Could not export" onDismiss={exportAll.reset} /> : null}
      {mark.error ? <ErrorBanner error={mark.error} title="Could not mark handled" onDismiss={mark.reset} /> : null}
      {page && total === 0 ? <p className="field__hint">Nothing waiting. Invites by phone, and by email without a mail server, land here.</p> : null}
      {page?.entries.map((e) => (
        <article key={e.id} className="outbox-entry" data-testid="outbox-row">
          <p>
            <strong>{e.channel === "sms" ? <PhoneNumber phone={e.to} /> : e.to}</strong> ({e.channel === "sms" ? "text message" : "email"}, {isoDateTime(e.createdAt)}, link until{" "}
            {isoDateTime(e.linkExpiresAt)})
          </p>
          {e.link !== null ? (
            <CopyText text={e.link} label={`Link for ${e.to}`} testId="outbox-link" />
          ) : (
            <p className="field__hint" data-testid="outbox-link-hidden">
              The sign-in link is not shown: your role may not send links.
            </p>
          )}
          <details>
            <summary>Message: {e.subject}</summary>
            {e.link !== null ? <CopyText text={e.text} label={`Message for ${e.to}`} multiline testId="outbox-message" /> : <pre className="outbox-entry__text">{e.text}</pre>}
          </details>
          {canMark ? (
            <button type="button" className="button--small" onClick={() => void mark.run({ ids: [e.id] })} disabled={mark.pending} data-testid="outbox-mark">
              Mark handled
            </button>
          ) : null}
        </article>
      ))}
      {page && total > OUTBOX_PAGE_SIZE ? (
        <OffsetPager offset={offset} pageSize={OUTBOX_PAGE_SIZE} shown={page.entries.length} total={total} loading={load.pending} onOffset={setOffset} noun="messages" testId="outbox-pager" />
      ) : null}
    </section>
  );
}
