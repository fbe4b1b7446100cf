/**
 * The end of the migration's dry run: the path and why, how many accounts (of them how many keep
 * their password, how many get a reset link), the conflicts skipped and why, every item in a
 * virtualized table; Start asks for the number of accounts to be typed, since it makes them all
 * and mails the links.
 */
import { useEffect, useState } from "react";
import type { JobItem, JobSummary } from "../../../../shared/contract/operations/jobs.ts";
import { useStores } from "../../app/StoresContext.tsx";
import { ConfirmDialog } from "../../components/ConfirmDialog.tsx";
import { VirtualTable, type Column } from "../../components/VirtualTable.tsx";
import { plural } from "../../lib/format.ts";
import type { Plan } from "./EndOfMigrationPanel.tsx";

const PAGE = 5000;
const str = (v: unknown) => (typeof v === "string" || typeof v === "number" ? String(v) : "");

const COLUMNS: Column<JobItem>[] = [
  { id: "who", header: "Email · legacy id", width: "minmax(240px, 2fr)", render: (i) => <span title={str(i.input.legacyId)}>{str(i.input.email)}</span> },
  { id: "legacy", header: "Legacy id", width: "140px", render: (i) => <span className="mono">{str(i.input.legacyId)}</span> },
  { id: "tenant", header: "Tenant", width: "90px", render: (i) => str(i.input.tenantId) },
  { id: "plan", header: "Plan or why skipped", width: "minmax(280px, 3fr)", render: (i) => (i.error ? <span className="job-error">{i.error}</span> : <span title={i.plan ?? ""}>{i.plan ?? ""}</span>) },
];

export function EndPlanView({ plan, onStarted, onDiscard }: { plan: Plan; onStarted: (job: JobSummary) => void; onDiscard: () => void }) {
  const { client } = useStores();
  const [items, setItems] = useState<JobItem[]>(plan.items);
  const [confirming, setConfirming] = useState(false);
  // The dry run answers with the first items; the rest are paged in from the draft.
  useEffect(() => {
    let current = true;
    void (async () => {
      const all = [...plan.items];
      const job = plan.job;
      while (current && job && all.length < job.total) {
        const page = await client.invoke("jobs.get", { jobId: job.id, offset: all.length, limit: PAGE });
        if (page.items.length === 0) break;
        all.push(...page.items);
      }
      if (current) setItems(all);
    })().catch(() => undefined);
    return () => {
      current = false;
    };
  }, [client, plan]);

  const { counts } = plan;
  return (
    <div className="migration-end__plan" data-testid="end-plan">
      <p data-testid="end-plan-path">
        <strong>{plan.path === "bulk-import" ? "The Core's bulk import" : "supertokens-node calls"}</strong>: {plan.pathReason}
      </p>
      <p data-testid="end-plan-counts">
        <strong>{plural(counts.accounts, "account")}</strong> to create: {counts.keepPassword.toLocaleString()} keep their legacy password, {plural(counts.resetLinks, "user gets", "users get")} a
        temporary password and a reset link. Skipped: {plural(counts.conflicts, "conflict")}, {counts.alreadyMigrated.toLocaleString()} already migrated since the last scan.
      </p>
      {plan.nothing ? (
        <p className="callout callout--info" data-testid="end-plan-nothing">
          {plan.nothing}
        </p>
      ) : null}
      <VirtualTable
        rows={items}
        columns={COLUMNS}
        rowKey={(i) => String(i.index)}
        rowHeight={32}
        height={320}
        label="The end of the migration, user by user"
        testId="end-plan-items"
        rowTestId="end-plan-item"
        rowClassName={(i) => (i.error || i.state === "skipped" ? "vt-row--warn" : undefined)}
      />
      <div className="toolbar">
        <button type="button" className="button--primary" disabled={counts.accounts === 0 || !plan.job} onClick={() => setConfirming(true)} data-testid="end-start">
          Start: create {plural(counts.accounts, "account")}
        </button>
        <button type="button" onClick={onDiscard} data-testid="end-discard">
          Not now
        </button>
        {counts.accounts === 0 ? <span className="muted">Every legacy user has an account or is a conflict: nothing to create.</span> : null}
      </div>
      {confirming && plan.job ? (
        <ConfirmDialog
          title="End the migration?"
          confirmLabel={`Create ${plural(counts.accounts, "account")}`}
          typeToConfirm={[String(counts.accounts)]}
          testId="end-start-dialog"
          onCancel={() => setConfirming(false)}
          onConfirm={async () => {
            const { job } = await client.invoke("jobs.start", { jobId: plan.job?.id ?? "" });
            setConfirming(false);
            onStarted(job);
          }}
        >
          <p>
            This creates {plural(counts.accounts, "account")} on the Core and sends {plural(counts.resetLinks, "reset link")}. It runs as a job: it can be paused, and it resumes
            after a restart without making anyone twice.
          </p>
        </ConfirmDialog>
      ) : null}
    </div>
  );
}
