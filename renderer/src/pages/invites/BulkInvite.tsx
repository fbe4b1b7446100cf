/**
 * Bulk invite from CSV: pick a file (or paste), the dry run ("invites.bulk" job kind) with its
 * counts and a virtualized table of every row's plan or error, then Start: the job runs on the
 * Jobs page (progress, ETA, pause, cancel, result CSV).
 */
import { useState } from "react";
import { useStore } from "zustand";
import type { JobItem, JobSummary } from "../../../../shared/contract/operations/jobs.ts";
import { useStores } from "../../app/StoresContext.tsx";
import { hrefFor, navigate } from "../../app/router.ts";
import { ErrorBanner } from "../../components/ErrorBanner.tsx";
import { VirtualTable, type Column } from "../../components/VirtualTable.tsx";
import { useAsyncAction } from "../../lib/hooks.ts";

/** The main process refuses larger files too; here they are not even read. */
export const MAX_CSV_BYTES = 50 * 1024 * 1024;
const PAGE = 5000;

const str = (v: unknown) => (typeof v === "string" || typeof v === "number" ? String(v) : "");

const COLUMNS: Column<JobItem>[] = [
  { id: "line", header: "Line", width: "60px", render: (i) => str(i.input.line) },
  { id: "contact", header: "Email or phone", width: "minmax(200px, 2fr)", render: (i) => str(i.input.email) || str(i.input.phoneNumber) },
  { id: "tenant", header: "Tenant", width: "110px", render: (i) => str(i.input.tenantId) },
  { id: "roles", header: "Roles", width: "minmax(100px, 1fr)", render: (i) => str(i.input.roles).split(";").join(", ") },
  {
    id: "plan",
    header: "Plan or error",
    width: "minmax(260px, 3fr)",
    render: (i) => (i.error ? <span className="job-error">{i.error}</span> : (i.plan ?? "")),
  },
];

export function summarize(items: readonly JobItem[]): { invite: number; link: number; skip: number; errors: number } {
  const counts = { invite: 0, link: 0, skip: 0, errors: 0 };
  for (const i of items) {
    if (i.error) counts.errors += 1;
    else if (i.plan?.startsWith("invite")) counts.invite += 1;
    else if (i.plan?.startsWith("already exists")) counts.link += 1;
    else counts.skip += 1;
  }
  return counts;
}

export function BulkInvite() {
  const { client, jobs, tenants } = useStores();
  const tenantId = useStore(tenants, (s) => s.selected);
  const [csv, setCsv] = useState("");
  const [fileName, setFileName] = useState<string | null>(null);
  const [fileError, setFileError] = useState<string | null>(null);
  const [plan, setPlan] = useState<{ job: JobSummary; items: JobItem[] } | null>(null);
  const [started, setStarted] = useState<JobSummary | null>(null);

  const dryRun = useAsyncAction(async () => {
    setPlan(null);
    setStarted(null);
    const answer = await client.invoke("jobs.dryRun", { kind: "invites.bulk", input: { csv, defaultTenant: tenantId } });
    const items = [...answer.items];
    // The dry run answers with the first rows; the rest are paged in from the draft.
    while (items.length < answer.job.total) {
      const page = await client.invoke("jobs.get", { jobId: answer.job.id, offset: items.length, limit: PAGE });
      if (page.items.length === 0) break;
      items.push(...page.items);
    }
    setPlan({ job: answer.job, items });
  });
  const start = useAsyncAction(async (jobId: string) => {
    const { job } = await client.invoke("jobs.start", { jobId });
    setStarted(job);
  });

  const pick = async (file: File | undefined) => {
    setFileError(null);
    setPlan(null);
    setStarted(null);
    if (!file) return;
    setFileName(file.name);
    if (file.size > MAX_CSV_BYTES) {
      setCsv("");
      setFileError(`${file.name} is ${(file.size / 1024 / 1024).toFixed(1)} MB; the limit is 50 MB. Split it into smaller files.`);
      return;
    }
    setCsv(await file.text());
  };

  const openJob = async (jobId: string) => {
    await jobs.getState().select(jobId);
    navigate(hrefFor({ page: "jobs" }));
  };

  const counts = plan ? summarize(plan.items) : null;
  return (
    <section className="card" aria-labelledby="bulk-invite-title" data-testid="bulk-invite">
      <h2 id="bulk-invite-title">Bulk invite from CSV</h2>
      <p className="muted">
        Columns: <code>email</code> or <code>phone</code> (one per row), optional <code>tenant</code> (default {tenantId}) and <code>roles</code> (separated by ";" or "|").
        Comma, semicolon or tab separated; at most 50 MB. Nothing is changed before you start.
      </p>
      <form
        className="form"
        aria-label="Bulk invite CSV"
        onSubmit={(e) => {
          e.preventDefault();
          void dryRun.run();
        }}
      >
        <label>
          CSV file
          <input type="file" accept=".csv,.tsv,.txt,text/csv,text/plain" data-testid="bulk-invite-file" onChange={(e) => void pick(e.target.files?.[0])} />
        </label>
        <label>
          …or paste the rows
          <textarea
            rows={5}
            value={csv.length > 200_000 ? "" : csv}
            placeholder={csv.length > 200_000 ? `${fileName ?? "The file"} is loaded (${csv.length.toLocaleString()} characters)` : "email,tenant,roles\nann@example.com,public,support"}
            onChange={(e) => {
              setFileName(null);
              setFileError(null);
              setCsv(e.target.value);
            }}
            data-testid="bulk-invite-paste"
          />
        </label>
        {fileError ? <p className="field__error" role="alert" data-testid="bulk-invite-file-error">{fileError}</p> : null}
        <div className="toolbar">
          <button type="submit" disabled={dryRun.pending || csv.trim() === ""} data-testid="bulk-invite-plan">
            {dryRun.pending ? "Checking…" : "Dry run"}
          </button>
        </div>
      </form>
      {dryRun.error ? <ErrorBanner error={dryRun.error} title="The file cannot be used" onDismiss={dryRun.reset} /> : null}
      {plan && counts ? (
        <div data-testid="bulk-invite-dryrun">
          <p>
            <strong>{plan.job.total}</strong> rows: <span data-testid="bulk-invite-count-invite">{counts.invite}</span> new invites, <span data-testid="bulk-invite-count-link">{counts.link}</span> new links for existing users,{" "}
            <span data-testid="bulk-invite-count-skip">{counts.skip}</span> skipped, <span data-testid="bulk-invite-count-errors">{counts.errors}</span> with errors (not invited).
          </p>
          <VirtualTable rows={plan.items} columns={COLUMNS} rowKey={(i) => String(i.index)} rowHeight={32} label="Dry run rows" height={360} testId="bulk-invite-rows" rowTestId="bulk-invite-row" rowClassName={(i) => (i.error ? "vt-row--error" : undefined)} />
          {started ? (
            <p role="status" data-testid="bulk-invite-started">
              Started.{" "}
              <a
                href={hrefFor({ page: "jobs" })}
                onClick={(e) => {
                  e.preventDefault();
                  void openJob(started.id);
                }}
                data-testid="bulk-invite-job-link"
              >
                Follow it on the Jobs page
              </a>{" "}
              (progress, ETA, pause, cancel, result CSV).
            </p>
          ) : (
            <div className="toolbar">
              <button type="button" className="button--primary" disabled={start.pending || plan.job.valid === 0} onClick={() => void start.run(plan.job.id)} data-testid="bulk-invite-start">
                Start: invite {plan.job.valid} row{plan.job.valid === 1 ? "" : "s"}
              </button>
              {plan.job.valid === 0 ? <span className="muted">No row can be invited; fix the file and run the dry run again.</span> : null}
            </div>
          )}
          {start.error ? <ErrorBanner error={start.error} title="The job did not start" onDismiss={start.reset} /> : null}
        </div>
      ) : null}
    </section>
  );
}
