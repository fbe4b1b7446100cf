/**
 * Above a Users page the local user index answered: how fresh it is and how many users match in
 * all, with a refresh (a scan job; the page loads again when it ends). Without an index yet, says
 * that these filters need one.
 */
import { useCallback, useEffect, useState } from "react";
import { useStore } from "zustand";
import { useStores } from "../../app/StoresContext.tsx";
import { ErrorBanner } from "../../components/ErrorBanner.tsx";
import { plural } from "../../lib/format.ts";
import { useAsyncAction } from "../../lib/hooks.ts";
import { caughtUp, FINISHED, ProgressMemory } from "../../lib/jobProgress.ts";
import { freshnessText } from "../migration/freshness.ts";
import type { IndexInfo } from "../../stores/users.ts";

export function IndexNotice({ index }: { index: IndexInfo }) {
  const { client, users, session } = useStores();
  const profileId = useStore(session, (s) => s.whoami?.profile?.id ?? null);
  const [scanId, setScanId] = useState<string | null>(index.scanning?.jobId ?? null);
  const [progress, setProgress] = useState<{ done: number; total: number } | null>(null);
  const ended = useCallback(() => {
    setScanId(null);
    setProgress(null);
    void users.getState().reload();
  }, [users]);
  // Events that overtake the answer starting the scan (lib/jobProgress.ts).
  const [memory] = useState(() => new ProgressMemory());
  useEffect(() => client.on("job.progress", (p) => p.profileId === profileId && memory.note(p)), [client, memory, profileId]);
  const refresh = useAsyncAction(async () => {
    const answer = await client.invoke("migration.scan.start", { mode: "refresh" });
    const job = caughtUp(answer.job, memory.latest(answer.job.id));
    if (FINISHED.has(job.state)) return ended();
    setScanId(job.id);
    setProgress({ done: job.done + job.failed + job.skipped, total: job.total });
  });
  // The scan's end brings the page up to date.
  useEffect(() => {
    if (!scanId) return;
    return client.on("job.progress", (p) => {
      if (p.jobId !== scanId || p.profileId !== profileId) return;
      setProgress({ done: p.done + p.failed + p.skipped, total: p.total });
      if (FINISHED.has(p.state)) ended();
    });
  }, [client, ended, scanId, profileId]);

  const scanning = scanId !== null;
  return (
    <div className={`callout ${index.stale || index.state === "none" ? "callout--warn" : "callout--info"}`} role="status" data-testid="users-index-notice">
      {index.state === "none" ? (
        <>These filters are answered from the local user index, which has not been built for this connection yet. </>
      ) : (
        <>
          From the local user index: <strong data-testid="users-index-matches">{plural(index.matches, "matching user")}</strong>. {freshnessText(index)}{" "}
          {index.stale ? "Users changed since then are not reflected. " : ""}
        </>
      )}
      {scanning ? (
        <span data-testid="users-index-scanning">Refreshing the index{progress && progress.total > 0 ? ` (${Math.floor((progress.done / progress.total) * 100)}%)` : ""}…</span>
      ) : (
        <button type="button" className="button--small" onClick={() => void refresh.run()} disabled={refresh.pending} data-testid="users-index-refresh">
          {index.state === "none" ? "Build the index" : "Refresh the index"}
        </button>
      )}
      {refresh.error ? <ErrorBanner error={refresh.error} title="The index was not refreshed" onDismiss={refresh.reset} /> : null}
    </div>
  );
}
