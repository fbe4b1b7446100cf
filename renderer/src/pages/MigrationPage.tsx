/**
 * Migration from the legacy provider (seed 04), for the profile in force: the user index and its
 * scan, the share migrated per tenant with the legacy roster as denominator, the chart over time
 * with the 7-day rate and the ETA to the end criterion, the roster's source, the lists per state,
 * and the auditor's report. Every role reads it; admins set the source and the criterion.
 */
import { useEffect, useMemo, useState } from "react";
import { useStore } from "zustand";
import { useStores } from "../app/StoresContext.tsx";
import { ErrorBanner } from "../components/ErrorBanner.tsx";
import { Spinner } from "../components/Spinner.tsx";
import { isoDateTime } from "../lib/format.ts";
import { CriterionPanel } from "./migration/CriterionPanel.tsx";
import { EndOfMigrationPanel } from "./migration/EndOfMigrationPanel.tsx";
import { pointOf } from "./migration/forecast.ts";
import { IndexPanel } from "./migration/IndexPanel.tsx";
import { MigrationChart } from "./migration/MigrationChart.tsx";
import { createOverviewStore } from "./migration/overviewStore.ts";
import { ReportExport } from "./migration/ReportExport.tsx";
import { ResetLinksPanel } from "./migration/ResetLinksPanel.tsx";
import { SourcePanel } from "./migration/SourcePanel.tsx";
import { StateLists } from "./migration/StateLists.tsx";
import { TotalsTable } from "./migration/TotalsTable.tsx";
import "./migration/migration.css";

export function MigrationPage() {
  const { client, session } = useStores();
  const [overview] = useState(() => createOverviewStore(client));
  const profileId = useStore(session, (s) => s.whoami?.profile?.id ?? null);
  const state = useStore(overview);

  // Everything here belongs to the profile in force: another profile loads afresh.
  useEffect(() => {
    void overview.getState().load();
  }, [overview, profileId]);
  useEffect(() => client.on("job.progress", (p) => p.profileId === profileId && overview.getState().applyProgress(p)), [client, overview, profileId]);

  const points = useMemo(() => (state.history?.snapshots ?? []).map(pointOf), [state.history]);
  // "In 3 days" is counted from when the figures came in, so the words do not shift on every render.
  const now = useMemo(() => Date.now(), [state.version]);
  const { summary, errors } = state;
  const demoHistory = state.history?.snapshots.some((s) => s.demo) ?? false;

  return (
    <section className="page migration-page" aria-labelledby="migration-title" data-testid="migration-page">
      <header className="page__header">
        <h1 id="migration-title">Migration</h1>
        <div className="toolbar">
          <button type="button" className="icon-button" aria-label="Reload the migration figures" onClick={() => void overview.getState().load()} data-testid="migration-reload">
            ↻
          </button>
          <span className="toolbar__spacer" />
          <ReportExport />
        </div>
      </header>
      {state.loading ? <Spinner label="Loading the migration…" /> : null}
      {summary?.rosterChangedSinceScan ? (
        <p className="callout callout--warn" role="status" data-testid="roster-changed">
          The roster changed after the last scan: the figures below are from the previous roster until the index is refreshed.
        </p>
      ) : null}
      <IndexPanel overview={overview} />
      <section className="card" aria-labelledby="migration-progress-title" data-testid="migration-progress">
        <div className="card__header">
          <h2 id="migration-progress-title">Progress</h2>
          {summary?.asOf ? <span className="muted">as of {isoDateTime(summary.asOf)}</span> : null}
        </div>
        {errors.summary ? <ErrorBanner error={errors.summary} title="Could not load the totals" /> : null}
        {errors.history ? <ErrorBanner error={errors.history} title="Could not load the snapshots" /> : null}
        {errors.rate ? <ErrorBanner error={errors.rate} title="Could not load the rate" /> : null}
        <div className="migration-progress">
          {!state.loading ? <MigrationChart snapshots={points} rate={state.rate} criterion={state.criterion} now={now} /> : null}
          <CriterionPanel overview={overview} />
        </div>
        {demoHistory ? <p className="field__hint">The weeks before the first scan are the demo's made-up history.</p> : null}
        {summary ? <TotalsTable overall={summary.overall} tenants={summary.tenants} asOf={summary.asOf} /> : null}
      </section>
      <SourcePanel overview={overview} />
      <EndOfMigrationPanel overview={overview} />
      <ResetLinksPanel />
      <StateLists overview={overview} />
    </section>
  );
}
