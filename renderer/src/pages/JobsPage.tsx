/** Jobs: bulk work with live progress and ETA; a job's items and errors; pause, resume, cancel; the result CSV. */
import { useEffect } from "react";
import { useStore } from "zustand";
import type { JobItem, JobSummary } from "../../../shared/contract/operations/jobs.ts";
import { Can, useStores } from "../app/StoresContext.tsx";
import { CsvDownload } from "../components/CsvDownload.tsx";
import { EmptyState } from "../components/EmptyState.tsx";
import { ErrorBanner } from "../components/ErrorBanner.tsx";
import { Spinner } from "../components/Spinner.tsx";
import { VirtualTable, type Column } from "../components/VirtualTable.tsx";
import { useAsyncAction } from "../lib/hooks.ts";

export function formatEta(ms: number | null): string {
  if (ms === null) return "—";
  const s = Math.ceil(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${s % 60} s`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}

const finishedOf = (j: JobSummary) => j.done + j.failed + (j.skipped - (j.total - j.valid));

function Progress({ job }: { job: JobSummary }) {
  const todo = Math.max(1, job.valid);
  const finished = Math.max(0, finishedOf(job));
  const pct = Math.round((finished / todo) * 100);
  return (
    <div className="job-progress" role="progressbar" aria-valuemin={0} aria-valuemax={todo} aria-valuenow={finished} aria-label={`${pct}% of ${todo} items`} data-testid="job-progress">
      <div className="job-progress__bar" style={{ width: `${pct}%` }} />
      <span className="job-progress__text">{pct}%</span>
    </div>
  );
}

export function JobsPage() {
  const { jobs, client } = useStores();
  const state = useStore(jobs);

  useEffect(() => {
    void jobs.getState().load();
    return client.on("job.progress", (p) => jobs.getState().applyProgress(p));
  }, [jobs, client]);

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
      {state.status === "loading" && state.jobs.length === 0 ? <Spinner label="Loading jobs…" /> : null}
      {state.status === "ready" && state.jobs.length === 0 ? <EmptyState title="No jobs yet.">Bulk work (role assignment, CSV invites) runs here as jobs, after a dry run.</EmptyState> : null}
      {state.jobs.length > 0 ? (
        <table className="table table--interactive" data-testid="jobs-table">
          <thead>
            <tr>
              <th scope="col">Job</th>
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
                <td data-testid="job-state">{j.state}</td>
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

function JobView({ job, items, itemsTotal }: { job: JobSummary; items: JobItem[]; itemsTotal: number }) {
  const { jobs } = useStores();
  const control = useAsyncAction((action: "pause" | "resume" | "cancel") => jobs.getState().control(action, job.id));
  const live = job.state === "running" || job.state === "paused";
  return (
    <section className="panel" aria-label={`Job ${job.kind}`} data-testid="job-view">
      <header className="toolbar">
        <h2>
          {job.kind} <span className="muted">· {job.inputSummary}</span>
        </h2>
        <span className="toolbar__spacer" />
        <Can permission="jobs:control">
          {job.state === "running" ? (
            <button type="button" onClick={() => void control.run("pause")} disabled={control.pending} data-testid="job-pause">
              Pause
            </button>
          ) : null}
          {job.state === "paused" ? (
            <button type="button" onClick={() => void control.run("resume")} disabled={control.pending} data-testid="job-resume">
              Resume
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
      {job.error ? <ErrorBanner error={{ code: "INTERNAL", message: job.error }} title="The job stopped" /> : null}
      <p className="muted">
        {job.state} · by {job.createdBy} · {job.done} done, {job.failed} failed, {job.skipped} skipped of {job.total}
        {job.state === "running" ? ` · about ${formatEta(job.etaMs)} left` : ""}
        {itemsTotal > items.length ? ` · showing the first ${items.length} of ${itemsTotal} items (the result CSV has all)` : ""}
      </p>
      <VirtualTable rows={items} columns={ITEM_COLUMNS} rowKey={(i) => String(i.index)} rowHeight={32} label="Job items" height={420} testId="job-items" rowTestId="job-item" />
    </section>
  );
}
