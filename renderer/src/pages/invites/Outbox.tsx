/** Messages to send by hand (no SMTP, or phone invites): copy, export as JSON lines, mark handled. */
import type { OutboxEntry } from "../../../../shared/contract/operations/invites.ts";
import { useCan, useStores } from "../../app/StoresContext.tsx";
import { ErrorBanner } from "../../components/ErrorBanner.tsx";
import { prepareDownload, startDownload } from "../../lib/download.ts";
import { isoDateTime } from "../../lib/format.ts";
import { useAsyncAction } from "../../lib/hooks.ts";
import { CopyText } from "./CopyText.tsx";

export function Outbox({ entries, onChanged }: { entries: OutboxEntry[]; onChanged: () => void }) {
  const { client } = useStores();
  const canWrite = useCan("invites:write");
  const exportAll = useAsyncAction(async () => {
    const { jsonl } = await client.invoke("invites.outbox.export", {});
    const download = prepareDownload(jsonl, "gatehouse-invite-outbox.jsonl", "application/x-ndjson");
    startDownload(download);
    setTimeout(download.revoke, 10_000);
  });
  const mark = useAsyncAction(async (ids: number[]) => {
    await client.invoke("invites.outbox.markHandled", { ids });
    onChanged();
  });
  return (
    <section className="card" aria-labelledby="outbox-title" data-testid="outbox">
      <div className="card__header">
        <h2 id="outbox-title">Outbox ({entries.length})</h2>
        <span className="toolbar__spacer" />
        <button type="button" className="button--small" onClick={() => void exportAll.run()} disabled={entries.length === 0} data-testid="outbox-export">
          Export JSON lines
        </button>
        {canWrite && entries.length > 0 ? (
          <button type="button" className="button--small" onClick={() => void mark.run(entries.map((e) => e.id))} data-testid="outbox-mark-all">
            Mark all handled
          </button>
        ) : null}
      </div>
      {exportAll.error ? <ErrorBanner error={exportAll.error} title="Could not export" onDismiss={exportAll.reset} /> : null}
      {mark.error ? <ErrorBanner error={mark.error} title="Could not mark handled" onDismiss={mark.reset} /> : null}
      {entries.length === 0 ? <p className="field__hint">Nothing waiting. Invites by phone, and by email without a mail server, land here.</p> : null}
      {entries.map((e) => (
        <article key={e.id} className="outbox-entry" data-testid="outbox-row">
          <p>
            <strong>{e.to}</strong> ({e.channel === "sms" ? "text message" : "email"}, {isoDateTime(e.createdAt)}, link until {isoDateTime(e.linkExpiresAt)})
          </p>
          <CopyText text={e.link} label={`Link for ${e.to}`} />
          <details>
            <summary>Message: {e.subject}</summary>
            <CopyText text={e.text} label={`Message for ${e.to}`} />
            <pre className="outbox-entry__text">{e.text}</pre>
          </details>
          {canWrite ? (
            <button type="button" className="button--small" onClick={() => void mark.run([e.id])} data-testid="outbox-mark">
              Mark handled
            </button>
          ) : null}
        </article>
      ))}
    </section>
  );
}
