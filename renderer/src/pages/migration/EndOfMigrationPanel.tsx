/**
 * The end of the migration (seed 04's last step): every legacy user not yet migrated gets an
 * account under their legacy id — with their legacy password where the roster has its hash, else
 * a random temporary password, the flag and a reset link. Admins plan it (the dry run: how many
 * accounts, which conflicts are skipped and why, which path), confirm it by typing the number of
 * accounts, and follow it here: progress, ETA, phase, links sent, and on the bulk-import path the
 * Core's own processing state while its background task imports. Everyone sees the latest run.
 */
import { useCallback, useEffect, useState } from "react";
import { useStore } from "zustand";
import type { OutputOf } from "../../../../shared/contract/index.ts";
import type { JobSummary } from "../../../../shared/contract/operations/jobs.ts";
import { Can, useCan, useStores } from "../../app/StoresContext.tsx";
import { TenantScopeOptions } from "./TenantScopeOptions.tsx";
import { hrefFor } from "../../app/router.ts";
import { ConfirmDialog } from "../../components/ConfirmDialog.tsx";
import { CsvDownload } from "../../components/CsvDownload.tsx";
import { ErrorBanner } from "../../components/ErrorBanner.tsx";
import { isoDateTime, plural } from "../../lib/format.ts";
import { useAsyncAction } from "../../lib/hooks.ts";
import { formatEta, STATE_LABEL } from "../JobsPage.tsx";
import { EndPlanView } from "./EndPlanView.tsx";
import type { OverviewStore } from "./overviewStore.ts";

type Status = OutputOf<"migrationEnd.status">;
type Capabilities = OutputOf<"migrationEnd.capabilities">;
export type Plan = OutputOf<"migrationEnd.plan">;
type PathChoice = "auto" | "bulk-import" | "sdk";

/** While a run is under way its status is asked again this often (the Core's import runs on its own clock). */
const STATUS_POLL_MS = 3000;

const PATH_LABEL = { "bulk-import": "the Core's bulk import", sdk: "supertokens-node calls, one user at a time" } as const;
const PHASE_LABEL: Record<NonNullable<Status["phase"]>, string> = {
  planned: "planned, not started",
  "creating-accounts": "creating accounts",
  "waiting-for-core": "waiting for the Core to import the staged users",
  "sending-links": "sending reset links",
  finished: "finished",
};
const LIVE = new Set(["running", "waiting", "paused"]);

export function EndOfMigrationPanel({ overview }: { overview: OverviewStore }) {
  const { client } = useStores();
  const profileId = useStore(useStores().session, (s) => s.whoami?.profile?.id ?? null);
  const criterion = useStore(overview, (s) => s.criterion);
  const summary = useStore(overview, (s) => s.summary);
  const [status, setStatus] = useState<Status | null>(null);
  const [capabilities, setCapabilities] = useState<Capabilities | null>(null);
  const [plan, setPlan] = useState<Plan | null>(null);
  const mayEnd = useCan("migration:end");

  const loadStatus = useAsyncAction(async (jobId?: string) => {
    setStatus(await client.invoke("migrationEnd.status", jobId ? { jobId } : {}));
  });
  const refresh = useCallback(() => void loadStatus.run(status?.job?.id), [status?.job?.id]);
  useEffect(() => {
    void loadStatus.run();
    client.invoke("migrationEnd.capabilities", {}).then(setCapabilities, () => setCapabilities(null));
  }, [client, profileId]);

  const job = status?.job ?? null;
  const live = job !== null && LIVE.has(job.state);
  // Job events move the counts; the status (phase, links, the Core's import) is asked again.
  useEffect(() => {
    if (!job) return;
    return client.on("job.progress", (p) => {
      if (p.jobId !== job.id || p.profileId !== profileId) return;
      refresh();
      if (p.state === "completed") void overview.getState().load();
    });
  }, [client, job?.id, profileId, refresh]);
  useEffect(() => {
    if (!live) return;
    const timer = setInterval(refresh, STATUS_POLL_MS);
    return () => clearInterval(timer);
  }, [live, refresh]);

  const started = (j: JobSummary) => {
    setPlan(null);
    void loadStatus.run(j.id);
  };

  const notMigrated = summary?.overall.notMigrated ?? null;
  return (
    <section className="card" aria-labelledby="migration-end-title" data-testid="migration-end">
      <div className="card__header">
        <h2 id="migration-end-title">End of the migration</h2>
      </div>
      <p className="field__hint">
        Creates an account under their legacy id for every legacy user not yet migrated
        {notMigrated !== null ? ` (${notMigrated.toLocaleString()} at the last scan)` : ""}: those whose password hash is in the roster keep their password; the others get a
        random temporary password and a reset link. Conflicts are skipped and listed. A dry run comes first; nothing is created before you start.
      </p>
      {capabilities ? (
        <p data-testid="migration-end-path">
          This Core: {capabilities.bulkImport.available ? "offers the bulk import, so accounts are staged in batches and the Core imports them." : `no bulk import${capabilities.bulkImport.reason ? ` (${capabilities.bulkImport.reason})` : ""}, so accounts are made with ${PATH_LABEL.sdk}.`}
        </p>
      ) : null}
      {criterion?.criterion ? (
        <p className={criterion.met ? "callout callout--info" : "field__hint"} data-testid="migration-end-criterion">
          {criterion.met ? "The end criterion is met: the migration can end." : "The end criterion is not met yet; an admin may still end the migration now."}
        </p>
      ) : null}
      {loadStatus.error ? <ErrorBanner error={loadStatus.error} title="Could not read the end of the migration" onRetry={refresh} /> : null}
      {job ? <RunView status={status as Status} onChanged={refresh} /> : null}
      {mayEnd && !live && !plan ? <PlanForm capabilities={capabilities} onPlanned={setPlan} /> : null}
      {plan ? <EndPlanView plan={plan} onStarted={started} onDiscard={() => setPlan(null)} /> : null}
    </section>
  );
}

function PlanForm({ capabilities, onPlanned }: { capabilities: Capabilities | null; onPlanned: (p: Plan) => void }) {
  const { client } = useStores();
  const [tenant, setTenant] = useState("");
  const [provider, setProvider] = useState("legacy");
  const [path, setPath] = useState<PathChoice>("auto");
  const dryRun = useAsyncAction(async () => {
    onPlanned(await client.invoke("migrationEnd.plan", { provider: provider.trim(), path, ...(tenant ? { tenantId: tenant } : {}) }));
  });
  return (
    <form
      className="form"
      aria-label="Plan the end of the migration"
      onSubmit={(e) => {
        e.preventDefault();
        void dryRun.run();
      }}
    >
      <div className="form-grid">
        <label className="field">
          <span className="field__label">Legacy users of</span>
          <select value={tenant} onChange={(e) => setTenant(e.target.value)} data-testid="end-tenant">
            <TenantScopeOptions />
          </select>
        </label>
        <label className="field">
          <span className="field__label">Legacy provider's name</span>
          <input value={provider} onChange={(e) => setProvider(e.target.value)} autoComplete="off" data-testid="end-provider" />
          <span className="field__hint">Written into each user's migration record ("migrated from …").</span>
        </label>
        <label className="field">
          <span className="field__label">How</span>
          <select value={path} onChange={(e) => setPath(e.target.value as PathChoice)} data-testid="end-path">
            <option value="auto">as this Core allows{capabilities ? ` (${capabilities.path === "bulk-import" ? "bulk import" : "supertokens-node"})` : ""}</option>
            <option value="bulk-import">the Core's bulk import</option>
            <option value="sdk">supertokens-node calls</option>
          </select>
        </label>
      </div>
      {dryRun.error ? <ErrorBanner error={dryRun.error} title="The dry run failed" onDismiss={dryRun.reset} /> : null}
      <div className="toolbar">
        <button type="submit" disabled={dryRun.pending || provider.trim() === ""} data-testid="end-dry-run">
          {dryRun.pending ? "Checking every legacy user…" : "Dry run"}
        </button>
      </div>
    </form>
  );
}

function RunView({ status, onChanged }: { status: Status; onChanged: () => void }) {
  const { jobs } = useStores();
  const job = status.job as JobSummary;
  const control = useAsyncAction(async (action: "pause" | "resume" | "cancel" | "retryFailed") => {
    await jobs.getState().control(action, job.id);
    onChanged();
  });
  const [cancelling, setCancelling] = useState(false);
  const todo = Math.max(1, job.valid);
  const finished = Math.max(0, job.done + job.failed + (job.skipped - (job.total - job.valid)));
  const pct = Math.floor((Math.min(finished, todo) / todo) * 100);
  const live = LIVE.has(job.state);
  const bulk = status.bulk;
  return (
    <div className="migration-end__run" data-testid="migration-end-run">
      <h3>
        Latest run <span className="muted">· started by {job.createdBy}{job.startedAt ? ` on ${isoDateTime(job.startedAt)}` : ""}</span>
      </h3>
      <div className="migration-scan__progress">
        <div className="job-progress" role="progressbar" aria-valuemin={0} aria-valuemax={todo} aria-valuenow={Math.min(finished, todo)} aria-label={`End of the migration: ${pct}% of ${plural(todo, "account")}`}>
          <div className="job-progress__bar" style={{ width: `${pct}%` }} />
          <span className="job-progress__text">{pct}%</span>
        </div>
        <span data-testid="migration-end-state">
          {STATE_LABEL[job.state]}
          {status.phase ? ` · ${PHASE_LABEL[status.phase]}` : ""}
          {job.state === "running" && job.etaMs !== null ? ` · about ${formatEta(job.etaMs)} left` : ""}
        </span>
      </div>
      <p data-testid="migration-end-counts">
        {job.done.toLocaleString()} done, {job.failed.toLocaleString()} failed, {job.skipped.toLocaleString()} skipped of {plural(job.total, "legacy user")}
        {status.path ? ` · by ${PATH_LABEL[status.path]}` : ""} · reset links: {status.links.sent.toLocaleString()} mailed, {status.links.outbox.toLocaleString()} in the outbox
      </p>
      {job.state === "waiting" && job.error ? <p className="callout callout--warn">Waiting for the Core: {job.error}</p> : null}
      {job.state === "failed" && job.error ? <p className="field__error">The run stopped: {job.error}</p> : null}
      {bulk ? (
        <p className="field__hint" data-testid="migration-end-bulk">
          On the Core: {bulk.staged.toLocaleString()} of this run's users staged, {bulk.imported.toLocaleString()} imported, {bulk.refused.toLocaleString()} refused
          {bulk.core ? ` (the Core's queue: ${bulk.core.new.toLocaleString()} new, ${bulk.core.processing.toLocaleString()} processing, ${bulk.core.failed.toLocaleString()} failed)` : ""}
          {bulk.checkedAt ? `, as of ${isoDateTime(bulk.checkedAt)}` : ""}. {bulk.note}
        </p>
      ) : null}
      <div className="toolbar">
        <Can permission="jobs:control">
          {job.state === "running" || job.state === "waiting" ? (
            <button type="button" onClick={() => void control.run("pause")} disabled={control.pending} data-testid="end-pause">
              Pause
            </button>
          ) : null}
          {job.state === "paused" ? (
            <button type="button" onClick={() => void control.run("resume")} disabled={control.pending} data-testid="end-resume">
              Resume
            </button>
          ) : null}
          {job.failed > 0 && !live && job.state !== "cancelled" ? (
            <button type="button" onClick={() => void control.run("retryFailed")} disabled={control.pending} data-testid="end-retry">
              Retry {plural(job.failed, "failed user")}
            </button>
          ) : null}
          {live ? (
            <button type="button" className="button--danger" onClick={() => setCancelling(true)} disabled={control.pending} data-testid="end-cancel">
              Cancel
            </button>
          ) : null}
        </Can>
        <CsvDownload label="Result CSV" testId="end-result" produce={() => jobs.getState().result(job.id)} />
        <a href={hrefFor({ page: "jobs" })}>Open in Jobs</a>
      </div>
      {control.error ? <ErrorBanner error={control.error} title="The run did not change" onDismiss={control.reset} /> : null}
      {cancelling ? (
        <ConfirmDialog
          title="Cancel the end of the migration?"
          confirmLabel="Cancel the run"
          testId="end-cancel-dialog"
          onCancel={() => setCancelling(false)}
          onConfirm={async () => {
            await jobs.getState().control("cancel", job.id);
            setCancelling(false);
            onChanged();
          }}
        >
          <p>Accounts already made stay, with their reset links. The legacy users not reached yet stay not migrated; a new run can take them later.</p>
        </ConfirmDialog>
      ) : null}
    </div>
  );
}
