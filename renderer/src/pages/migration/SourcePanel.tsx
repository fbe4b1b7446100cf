/**
 * The migration source of the profile in force: the legacy roster (every share's denominator),
 * where it came from (a CSV, or a legacy service's listing read as a job), and for admins the
 * dialog that sets it.
 */
import { useState } from "react";
import { useStore } from "zustand";
import type { RosterStatus } from "../../../../shared/contract/operations/migration.ts";
import { Can, useStores } from "../../app/StoresContext.tsx";
import { hrefFor } from "../../app/router.ts";
import { ErrorBanner } from "../../components/ErrorBanner.tsx";
import { isoDateTime, plural } from "../../lib/format.ts";
import { useAsyncAction } from "../../lib/hooks.ts";
import { STATE_LABEL } from "../JobsPage.tsx";
import type { OverviewStore } from "./overviewStore.ts";
import { SourceDialog } from "./SourceDialog.tsx";

/** A roster from a file: a CSV an admin imported, or the Local demo's built-in one (its fileName names it). */
const fromFile = (s: { kind: string; fileName: string | null }): string =>
  s.kind === "csv" ? `imported from ${s.fileName ? `the CSV file ${s.fileName}` : "a CSV file"}` : `from ${s.fileName ?? "the demo data"}`;

export function sourceText(roster: RosterStatus): string {
  const s = roster.source;
  if (!s) return "No migration source is set: there is no legacy roster to measure the migration against.";
  const from = s.kind === "service" ? `read from the legacy service at ${s.url} (tenant ${s.tenantId})` : fromFile(s);
  return `${plural(roster.total, "legacy user")}, ${from}; set by ${s.setBy} on ${isoDateTime(s.setAt)}.`;
}

export function SourcePanel({ overview }: { overview: OverviewStore }) {
  const roster = useStore(overview, (s) => s.source);
  const error = useStore(overview, (s) => s.errors.source);
  const [editing, setEditing] = useState(false);
  const { client, ui } = useStores();
  const read = roster?.read ?? null;
  const reading = read !== null && (read.job.state === "running" || read.job.state === "waiting" || read.job.state === "paused");
  const readAgain = useAsyncAction(async () => {
    await client.invoke("migration.source.read", {});
    ui.getState().notify("Reading the roster again from the legacy service");
    await overview.getState().load();
  });
  return (
    <section className="card" aria-labelledby="migration-source-title" data-testid="migration-source">
      <div className="card__header">
        <h2 id="migration-source-title">Legacy roster</h2>
        <span className="toolbar__spacer" />
        <Can permission="migration:write">
          {roster?.source?.kind === "service" ? (
            <button type="button" onClick={() => void readAgain.run()} disabled={readAgain.pending || reading} data-testid="source-read-again">
              {reading ? "Reading…" : "Read again"}
            </button>
          ) : null}
          <button type="button" onClick={() => setEditing(true)} data-testid="source-edit">
            {roster?.source ? "Change source…" : "Set source…"}
          </button>
        </Can>
      </div>
      {error ? <ErrorBanner error={error} title="Could not load the migration source" /> : null}
      {readAgain.error ? <ErrorBanner error={readAgain.error} title="The roster was not read again" onDismiss={readAgain.reset} /> : null}
      {roster ? (
        <>
          <p data-testid="source-summary">{sourceText(roster)}</p>
          {roster.total > 0 ? (
            <p className="field__hint" data-testid="source-details">
              {roster.tenants.map((t) => `${t.tenantId}: ${t.count.toLocaleString()}`).join(" · ")}
              {` · ${plural(roster.withHashes, "entry", "entries")} with a password hash (they keep their password when the migration ends)`}
              {roster.skippedDisabled > 0 ? ` · ${plural(roster.skippedDisabled, "disabled account")} left out (they can never migrate)` : ""}
              {roster.updatedAt ? ` · roster replaced ${isoDateTime(roster.updatedAt)}` : ""}
            </p>
          ) : null}
          {roster.source?.kind === "service" ? (
            <p className="field__hint" data-testid="source-token">
              {roster.source.hasToken ? "A bearer token is stored, sealed; it is never shown again." : "No bearer token is stored: the service is read without one."}
            </p>
          ) : null}
          {read ? (
            <p data-testid="source-read" className={read.error ? "field__error" : undefined}>
              Latest read of the legacy service: {STATE_LABEL[read.job.state]}, {read.job.done.toLocaleString()} of {read.job.total.toLocaleString()}
              {read.error ? ` — ${read.error}` : ""} · <a href={hrefFor({ page: "jobs" })}>Open in Jobs</a>
            </p>
          ) : null}
        </>
      ) : null}
      {editing && roster ? <SourceDialog roster={roster} overview={overview} onClose={() => setEditing(false)} /> : null}
    </section>
  );
}
