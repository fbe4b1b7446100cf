/**
 * The local user index: how fresh it is, and a scan to refresh it (every role may: it changes
 * nothing on the Core). While a scan runs: its progress and ETA, and for admins Pause / Resume.
 */
import { useStore } from "zustand";
import type { JobSummary } from "../../../../shared/contract/operations/jobs.ts";
import { Can, useCan } from "../../app/StoresContext.tsx";
import { hrefFor } from "../../app/router.ts";
import { ErrorBanner } from "../../components/ErrorBanner.tsx";
import { plural } from "../../lib/format.ts";
import { useAsyncAction } from "../../lib/hooks.ts";
import { formatEta } from "../JobsPage.tsx";
import { freshnessText } from "./freshness.ts";
import type { OverviewStore } from "./overviewStore.ts";

const running = (job: JobSummary | null | undefined): job is JobSummary => !!job && (job.state === "running" || job.state === "waiting" || job.state === "paused");

function ScanProgress({ job }: { job: JobSummary }) {
  const total = Math.max(1, job.total);
  const done = Math.min(total, job.done + job.failed + job.skipped);
  const pct = Math.floor((done / total) * 100);
  return (
    <div className="migration-scan__progress" data-testid="scan-progress">
      <div className="job-progress" role="progressbar" aria-valuemin={0} aria-valuemax={total} aria-valuenow={done} aria-label={`Scan: ${pct}% of ${plural(job.total, "step")}`}>
        <div className="job-progress__bar" style={{ width: `${pct}%` }} />
        <span className="job-progress__text">{pct}%</span>
      </div>
      <span data-testid="scan-state">
        {job.state === "paused" ? "Paused" : job.state === "waiting" ? "Waiting for the Core" : "Scanning"} · {done.toLocaleString()} of {job.total.toLocaleString()}
        {job.state === "running" && job.etaMs !== null ? ` · about ${formatEta(job.etaMs)} left` : ""}
      </span>{" "}
      <a href={hrefFor({ page: "jobs" })}>Open in Jobs</a>
    </div>
  );
}

export function IndexPanel({ overview }: { overview: OverviewStore }) {
  const scan = useStore(overview, (s) => s.scan);
  const error = useStore(overview, (s) => s.errors.scan);
  const mayScan = useCan("migration:read");
  const start = useAsyncAction((mode: "full" | "refresh") => overview.getState().startScan(mode));
  const control = useAsyncAction((action: "pause" | "resume") => overview.getState().controlScan(action));
  const job = scan?.job;
  const live = running(job);
  const index = scan?.index;
  return (
    <section className="card migration-index" aria-labelledby="migration-index-title" data-testid="migration-index">
      <div className="card__header">
        <h2 id="migration-index-title">User index</h2>
        {index?.stale ? <span className="badge badge--warn">stale</span> : null}
        <span className="toolbar__spacer" />
        {mayScan && !live ? (
          <>
            <button type="button" onClick={() => void start.run("refresh")} disabled={start.pending} data-testid="scan-refresh">
              {start.pending ? "Starting…" : "Refresh"}
            </button>
            <button type="button" onClick={() => void start.run("full")} disabled={start.pending} data-testid="scan-full">
              Full scan
            </button>
          </>
        ) : null}
        {live ? (
          <Can permission="jobs:control">
            {job.state === "paused" ? (
              <button type="button" onClick={() => void control.run("resume")} disabled={control.pending} data-testid="scan-resume">
                Resume scan
              </button>
            ) : (
              <button type="button" onClick={() => void control.run("pause")} disabled={control.pending} data-testid="scan-pause">
                Pause scan
              </button>
            )}
          </Can>
        ) : null}
      </div>
      {index ? (
        <p data-testid="index-freshness">
          {freshnessText(index)}
          {index.stale ? " Figures below are from then; refresh to bring them up to date." : ""}
        </p>
      ) : null}
      <p className="field__hint">A refresh reads what changed since the last scan; a full scan reads every user again (second-factor links added since are seen only by a full scan). Neither changes anything on the Core.</p>
      {live ? <ScanProgress job={job} /> : null}
      {job && job.state === "failed" ? <p className="field__error">The last scan failed: {job.error ?? "see Jobs"}</p> : null}
      {error ? <ErrorBanner error={error} title="Could not read the index's state" /> : null}
      {start.error ? <ErrorBanner error={start.error} title="The scan did not start" onDismiss={start.reset} /> : null}
      {control.error ? <ErrorBanner error={control.error} title="The scan did not change" onDismiss={control.reset} /> : null}
    </section>
  );
}
