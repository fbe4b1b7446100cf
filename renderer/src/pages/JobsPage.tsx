/**
 * Jobs of the profile in force, a page at a time, with live progress and ETA; a job's items a page
 * at a time (filtered by state) with their errors; pause, resume, cancel, run failed items again;
 * the result CSV. A job that waits for its Core says so, and why.
 */
import { useEffect } from "react";
import { useStore } from "zustand";
import type { JobItem, JobState, JobSummary } from "../../../shared/contract/operations/jobs.ts";
import { Can, useStores } from "../app/StoresContext.tsx";
import { CsvDownload } from "../components/CsvDownload.tsx";
import { EmptyState } from "../components/EmptyState.tsx";
import { ErrorBanner } from "../components/ErrorBanner.tsx";
import { Spinner } from "../components/Spinner.tsx";
import { VirtualTable, type Column } from "../components/VirtualTable.tsx";
import { plural } from "../lib/format.ts";
import { useAsyncAction } from "../lib/hooks.ts";
import { JOBS_PAGE, JOB_ITEMS_PAGE, type ItemFilter, type JobAction } from "../stores/jobs.ts";

export function formatEta(ms: number | null): string {
  if (ms === null) return "—";
  const s = Math.ceil(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${s % 60} s`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}

/** How a job's state reads: "waiting" is the job's own pause for an unreachable Core, not the operator's. */
export const STATE_LABEL: Record<JobState, string> = {
  draft: "draft",
  running: "running",
  waiting: "waiting for the Core",
  paused: "paused",
  completed: "completed",
  cancelled: "cancelled",
  failed: "failed",
};

const finishedOf = (j: JobSummary) => j.done + j.failed + (j.skipped - (j.total - j.valid));

/** "1–50 of 3,210" */
const range = (offset: number, shown: number, total: number) => (shown === 0 ? `0 of ${total.toLocaleString()}` : `${(offset + 1).toLocaleString()}–${(offset + shown).toLocaleString()} of ${total.toLocaleString()}`);

function Progress({ job }: { job: JobSummary }) {
  const todo = Math.max(1, job.valid);
  const finished = Math.max(0, finishedOf(job));
  const pct = Math.round((finished / todo) * 100);
  return (
    <div className="job-progress" role="progressbar" aria-valuemin={0} aria-valuemax={todo} aria-valuenow={finished} aria-label={`${pct}% of ${plural(todo, "item")}`} data-testid="job-progress">
      <div className="job-progress__bar" style={{ width: `${pct}%` }} />
      <span className="job-progress__text">{pct}%</span>
    </div>
  );
}

function StateLabel({ state }: { state: JobState }) {
  return state === "waiting" ? <span className="badge badge--warn">{STATE_LABEL[state]}</span> : <>{STATE_LABEL[state]}</>;
}

export function JobsPage() {
  const { jobs, client } = useStores();
  const state = useStore(jobs);

  useEffect(() => {
    void jobs.getState().load();
    return client.on("job.progress", (p) => jobs.getState().applyProgress(p));
  }, [jobs, client]);

  const busy = state.status === "loading";
  return (
    <section className="page" aria-labelledby="jobs-title">
      <header className="page__header">
        <h1 id="jobs-title">Jobs</h1>
        <div className="toolbar">
          <button type="button" className="icon-button" aria-label="Reload jobs" onClick={() => void state.load()}>
            ↻
          </button>
        </div>
      </header>
      {state.error ? <ErrorBanner error={state.error} title="Could not load jobs" onRetry={() => void state.load()} /> : null}
      {busy && state.jobs.length === 0 ? <Spinner label="Loading jobs…" /> : null}
      {state.status === "ready" && state.total === 0 ? <EmptyState title="No jobs yet.">Bulk work of this connection profile (role assignment, CSV invites) runs here as jobs, after a dry run.</EmptyState> : null}
      {state.jobs.length > 0 ? (
        <table className="table table--interactive" data-testid="jobs-table">
          <thead>
            <tr>
              <th scope="col">Job</th>
              <th scope="col">Profile</th>
              <th scope="col">State</th>
              <th scope="col">Progress</th>
              <th scope="col" className="numeric">Done</th>
              <th scope="col" className="numeric">Failed</th>
              <th scope="col" className="numeric">Skipped</th>
              <th scope="col" className="numeric">Total</th>
              <th scope="col">ETA</th>
            </tr>
          </thead>
          <tbody>
            {state.jobs.map((j) => (
              <tr key={j.id} data-testid="job-row" aria-selected={state.selectedId === j.id}>
                <td>
                  <button type="button" className="link-button" onClick={() => void state.select(j.id)}>
                    {j.kind}
                  </button>
                  <div className="muted">{j.inputSummary}</div>
                </td>
                <td data-testid="job-profile">{j.profileName || "(removed profile)"}</td>
                <td data-testid="job-state">
                  <StateLabel state={j.state} />
                </td>
                <td>
                  <Progress job={j} />
                </td>
                <td className="numeric">{j.done}</td>
                <td className="numeric">{j.failed}</td>
                <td className="numeric">{j.skipped}</td>
                <td className="numeric">{j.total}</td>
                <td data-testid="job-eta">{j.state === "running" ? formatEta(j.etaMs) : "—"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {state.total > JOBS_PAGE || state.offset > 0 ? (
        <footer className="pager" aria-label="Pages of jobs">
          <button type="button" onClick={() => void state.load(Math.max(0, state.offset - JOBS_PAGE))} disabled={state.offset === 0 || busy} data-testid="jobs-newer">
            ← Newer
          </button>
          <span className="pager__info" aria-live="polite" data-testid="jobs-range">
            Jobs {range(state.offset, state.jobs.length, state.total)}
          </span>
          <button type="button" onClick={() => void state.load(state.offset + JOBS_PAGE)} disabled={state.offset + JOBS_PAGE >= state.total || busy} data-testid="jobs-older">
            Older →
          </button>
        </footer>
      ) : null}
      {state.detail ? <JobView job={state.detail.job} items={state.detail.items} itemsTotal={state.detail.itemsTotal} /> : null}
    </section>
  );
}

const ITEM_COLUMNS: Column<JobItem>[] = [
  { id: "index", header: "#", width: "60px", render: (i) => i.index },
  { id: "input", header: "Input", width: "minmax(220px, 2fr)", render: (i) => Object.values(i.input).map(String).join(" · ") },
  { id: "state", header: "State", width: "90px", render: (i) => i.state },
  { id: "attempts", header: "Attempts", width: "80px", render: (i) => i.attempts },
  { id: "result", header: "Result / plan", width: "minmax(160px, 1fr)", render: (i) => (i.result ? Object.values(i.result).map(String).join(" · ") : (i.plan ?? "")) },
  { id: "error", header: "Error", width: "minmax(200px, 2fr)", render: (i) => (i.error ? <span className="job-error">{i.error}</span> : null) },
];

const FILTERS: { value: ItemFilter; label: string }[] = [
  { value: "all", label: "All items" },
  { value: "failed", label: "Failed" },
  { value: "pending", label: "Pending" },
  { value: "running", label: "Under way" },
  { value: "done", label: "Done" },
  { value: "skipped", label: "Skipped" },
  { value: "invalid", label: "Invalid in the dry run" },
];

function JobView({ job, items, itemsTotal }: { job: JobSummary; items: JobItem[]; itemsTotal: number }) {
  const { jobs } = useStores();
  const query = useStore(jobs, (s) => s.items);
  const control = useAsyncAction((action: JobAction) => jobs.getState().control(action, job.id));
  const live = job.state === "running" || job.state === "waiting" || job.state === "paused";
  const canRetry = job.failed > 0 && job.state !== "draft" && job.state !== "cancelled";
  return (
    <section className="panel" aria-label={`Job ${job.kind}`} data-testid="job-view">
      <header className="toolbar">
        <h2>
          {job.kind} <span className="muted">· {job.inputSummary}</span>
        </h2>
        <span className="toolbar__spacer" />
        <Can permission="jobs:control">
          {job.state === "running" || job.state === "waiting" ? (
            <button type="button" onClick={() => void control.run("pause")} disabled={control.pending} data-testid="job-pause">
              Pause
            </button>
          ) : null}
          {job.state === "paused" ? (
            <button type="button" onClick={() => void control.run("resume")} disabled={control.pending} data-testid="job-resume">
              Resume
            </button>
          ) : null}
          {job.state === "waiting" ? (
            <button type="button" onClick={() => void control.run("resume")} disabled={control.pending} data-testid="job-try-now">
              Try the Core now
            </button>
          ) : null}
          {canRetry ? (
            <button type="button" onClick={() => void control.run("retryFailed")} disabled={control.pending} data-testid="job-retry-failed">
              Retry {plural(job.failed, "failed item")}
            </button>
          ) : null}
          {live ? (
            <button type="button" className="button--danger" onClick={() => void control.run("cancel")} disabled={control.pending} data-testid="job-cancel">
              Cancel
            </button>
          ) : null}
        </Can>
        <CsvDownload label="Result CSV" testId="job-result" produce={() => jobs.getState().result(job.id)} />
      </header>
      {control.error ? <ErrorBanner error={control.error} title="The job did not change" onDismiss={control.reset} /> : null}
      {job.state === "waiting" ? (
        <div className="callout callout--warn" role="status" data-testid="job-waiting">
          <strong>Waiting for the Core.</strong> {job.error} No item fails meanwhile: those cut off are tried again, without counting, when it answers.
        </div>
      ) : job.state === "failed" && job.error ? (
        <ErrorBanner error={{ code: "INTERNAL", message: job.error }} title="The job stopped" />
      ) : job.error ? (
        <p className="callout callout--info">{job.error}</p>
      ) : null}
      <p className="muted">
        {STATE_LABEL[job.state]} · {job.profileName || "(removed profile)"} · by {job.createdBy} · {job.done} done, {job.failed} failed, {job.skipped} skipped of {plural(job.total, "item")}
        {job.state === "running" ? ` · about ${formatEta(job.etaMs)} left` : ""}
      </p>
      <div className="toolbar">
        <label>
          Show{" "}
          <select value={query.filter} onChange={(e) => void jobs.getState().setItems({ filter: e.target.value as ItemFilter })} data-testid="job-items-filter">
            {FILTERS.map((f) => (
              <option key={f.value} value={f.value}>
                {f.label}
              </option>
            ))}
          </select>
        </label>
        <span className="toolbar__spacer" />
        <button type="button" onClick={() => void jobs.getState().setItems({ offset: Math.max(0, query.offset - JOB_ITEMS_PAGE) })} disabled={query.offset === 0} data-testid="job-items-previous">
          ← Previous
        </button>
        <span className="pager__info" aria-live="polite" data-testid="job-items-range">
          Items {range(query.offset, items.length, itemsTotal)}
        </span>
        <button type="button" onClick={() => void jobs.getState().setItems({ offset: query.offset + JOB_ITEMS_PAGE })} disabled={query.offset + JOB_ITEMS_PAGE >= itemsTotal} data-testid="job-items-next">
          Next →
        </button>
      </div>
      <VirtualTable rows={items} columns={ITEM_COLUMNS} rowKey={(i) => String(i.index)} rowHeight={32} label="Job items" height={420} testId="job-items" rowTestId="job-item" />
    </section>
  );
}
