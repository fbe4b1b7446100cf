/**
 * Password-reset links for users on a temporary password: one at a time from the "Temporary
 * password" list (support, admins); to all of them as a job (admins: dry run, then start; it
 * mails each user once, skipping anyone who reset meanwhile); and the profile's reset mail
 * (admins: subject and text with {{link}}).
 */
import { useEffect, useState } from "react";
import type { OutputOf } from "../../../../shared/contract/index.ts";
import type { JobSummary } from "../../../../shared/contract/operations/jobs.ts";
import { fieldError } from "../../api/errors.ts";
import { useCan, useStores } from "../../app/StoresContext.tsx";
import { TenantScopeOptions } from "./TenantScopeOptions.tsx";
import { hrefFor } from "../../app/router.ts";
import { ErrorBanner } from "../../components/ErrorBanner.tsx";
import { plural } from "../../lib/format.ts";
import { useAsyncAction } from "../../lib/hooks.ts";

/** The job kind (the contract's MIGRATION_END_KINDS.resetLinks, beside zod: not imported, see stateColumns.tsx). */
const RESET_LINKS_KIND = "migration.resetLinks";

type Settings = OutputOf<"resetLinks.settings.get">;

export function ResetLinksPanel() {
  const canSend = useCan("reset-links:send");
  const canRunJobs = useCan("jobs:control");
  const canEditTemplate = useCan("profiles:write");
  if (!canSend) return null;
  return (
    <section className="card" aria-labelledby="reset-links-title" data-testid="reset-links">
      <div className="card__header">
        <h2 id="reset-links-title">Reset links</h2>
      </div>
      <p className="field__hint">
        Users on a temporary password started a password reset and never finished it. Send one a new link from the “Temporary password” list below
        {canRunJobs ? ", or send every one of them a link as a job" : ""}.
      </p>
      {canRunJobs ? <ResetAllJob /> : null}
      {canEditTemplate ? <ResetMailTemplate /> : null}
    </section>
  );
}

function ResetAllJob() {
  const { client } = useStores();
  const [tenant, setTenant] = useState("");
  const [draft, setDraft] = useState<{ job: JobSummary; users: number } | null>(null);
  const [started, setStarted] = useState<JobSummary | null>(null);
  const dryRun = useAsyncAction(async () => {
    setStarted(null);
    const { job } = await client.invoke("jobs.dryRun", { kind: RESET_LINKS_KIND, input: tenant ? { tenantId: tenant } : {} });
    setDraft({ job, users: job.valid });
  });
  const start = useAsyncAction(async () => {
    if (!draft) return;
    const { job } = await client.invoke("jobs.start", { jobId: draft.job.id });
    setStarted(job);
    setDraft(null);
  });
  return (
    <form
      className="form"
      aria-label="Reset links to everyone on a temporary password"
      onSubmit={(e) => {
        e.preventDefault();
        void dryRun.run();
      }}
    >
      <div className="toolbar">
        <label className="inline-field">
          <span>Users of</span>
          <select value={tenant} onChange={(e) => (setTenant(e.target.value), setDraft(null))} data-testid="reset-all-tenant">
            <TenantScopeOptions />
          </select>
        </label>
        <button type="submit" disabled={dryRun.pending} data-testid="reset-all-dry-run">
          {dryRun.pending ? "Finding them on the Core…" : "Dry run: who would get a link"}
        </button>
      </div>
      {dryRun.error ? <ErrorBanner error={dryRun.error} title="The dry run failed" onDismiss={dryRun.reset} /> : null}
      {draft ? (
        <div className="toolbar" data-testid="reset-all-plan">
          <span>
            {draft.users === 0 ? "Nobody is on a temporary password" : `${plural(draft.users, "user is", "users are")} on a temporary password`}
            {draft.job.total > draft.users ? ` (${plural(draft.job.total - draft.users, "skipped")})` : ""}.
          </span>
          <button type="button" className="button--primary" disabled={draft.users === 0 || start.pending} onClick={() => void start.run()} data-testid="reset-all-start">
            Send {plural(draft.users, "link")}
          </button>
        </div>
      ) : null}
      {start.error ? <ErrorBanner error={start.error} title="The job did not start" onDismiss={start.reset} /> : null}
      {started ? (
        <p role="status" data-testid="reset-all-started">
          Started: {started.inputSummary}. <a href={hrefFor({ page: "jobs" })}>Follow it on the Jobs page</a> (progress, pause, result CSV with each link).
        </p>
      ) : null}
    </form>
  );
}

function ResetMailTemplate() {
  const { client, ui } = useStores();
  const [settings, setSettings] = useState<Settings | null>(null);
  const [subject, setSubject] = useState("");
  const [text, setText] = useState("");
  const load = useAsyncAction(async () => {
    const s = await client.invoke("resetLinks.settings.get", {});
    setSettings(s);
    setSubject(s.template.subject);
    setText(s.template.text);
  });
  useEffect(() => {
    void load.run();
  }, [client]);
  const save = useAsyncAction(async () => {
    setSettings(await client.invoke("resetLinks.settings.update", { template: { subject, text } }));
    ui.getState().notify("Reset mail saved");
  });
  const subjectError = fieldError(save.error, "template.subject");
  const textError = fieldError(save.error, "template.text");
  if (!settings) return load.error ? <ErrorBanner error={load.error} title="Could not load the reset mail" /> : null;
  return (
    <details className="advanced">
      <summary>Reset mail of this profile</summary>
      <form
        className="form"
        aria-label="Reset mail"
        onSubmit={(e) => {
          e.preventDefault();
          void save.run();
        }}
      >
        <p className="field__hint">
          Links open {settings.appUrl}
          {settings.websiteBasePath}/reset-password; mail goes {settings.smtp ? "through this profile's SMTP server" : "to the outbox (no SMTP server is set)"} — both from Invites → Invite
          settings. Placeholders: {"{{link}}"} (required), {"{{expiresInMinutes}}"}, {"{{email}}"}, {"{{appUrl}}"}.
        </p>
        <label className="field">
          <span className="field__label">Subject</span>
          <input value={subject} onChange={(e) => setSubject(e.target.value)} aria-invalid={subjectError ? true : undefined} data-testid="reset-mail-subject" />
          {subjectError ? <span className="field__error">{subjectError}</span> : null}
        </label>
        <label className="field">
          <span className="field__label">Text</span>
          <textarea rows={6} value={text} onChange={(e) => setText(e.target.value)} aria-invalid={textError ? true : undefined} data-testid="reset-mail-text" />
          {textError ? <span className="field__error">{textError}</span> : null}
        </label>
        {save.error && !subjectError && !textError ? <ErrorBanner error={save.error} title="The reset mail was not saved" onDismiss={save.reset} /> : null}
        <div className="toolbar">
          <button type="submit" disabled={save.pending} data-testid="reset-mail-save">
            {save.pending ? "Saving…" : "Save reset mail"}
          </button>
        </div>
      </form>
    </details>
  );
}
