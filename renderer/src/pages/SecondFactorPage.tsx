/**
 * Second-factor problems across a tenant: broken links, orphaned phone users, shared phone users;
 * CSV. The tenant comes from the shared picker, and the report loads as soon as the screen opens
 * (and again when the tenant changes); an answer for a tenant no longer selected is dropped.
 */
import { useEffect, useRef, useState } from "react";
import { useStore } from "zustand";
import type { OutputOf } from "../../../shared/contract/index.ts";
import { userHref } from "../app/router.ts";
import { Can, useStores } from "../app/StoresContext.tsx";
import { CsvDownload } from "../components/CsvDownload.tsx";
import { ErrorBanner } from "../components/ErrorBanner.tsx";
import { Spinner } from "../components/Spinner.tsx";
import { TenantPicker } from "../components/TenantPicker.tsx";
import { useAsyncAction } from "../lib/hooks.ts";

const KIND_LABELS = { "missing-user": "Link to a missing user", "no-phone": "Link to a user without a phone", orphan: "Phone user nobody points to", shared: "Phone user shared by several users" } as const;

export function SecondFactorPage() {
  const { client, tenants } = useStores();
  const tenantId = useStore(tenants, (s) => s.selected);
  const [report, setReport] = useState<(OutputOf<"secondFactor.report"> & { tenantId: string }) | null>(null);
  const latest = useRef(tenantId);
  latest.current = tenantId;
  const load = useAsyncAction(async (tenant: string) => {
    const out = await client.invoke("secondFactor.report", { tenantId: tenant });
    if (latest.current === tenant) setReport({ ...out, tenantId: tenant });
  });
  const run = load.run; // stable: the hook keeps the latest function
  useEffect(() => {
    void run(tenantId);
  }, [run, tenantId]);
  const shown = report?.tenantId === tenantId ? report : null;

  return (
    <section className="page" aria-labelledby="sf-title" data-testid="second-factor-page">
      <header className="page__header">
        <h1 id="sf-title">Second factor</h1>
        <TenantPicker />
        <button type="button" onClick={() => !load.pending && void run(tenantId)} aria-disabled={load.pending} data-testid="sf-report-run">
          Scan again
        </button>
        <Can permission="users:export">
          <CsvDownload
            label="Export CSV"
            produce={async () => {
              const out = await client.invoke("secondFactor.reportCsv", { tenantId });
              return { content: out.csv, filename: `second-factor-problems-${tenantId}.csv`, note: `${out.rows} rows${out.truncated ? " (scan truncated)" : ""}` };
            }}
          />
        </Can>
      </header>
      {load.error ? <ErrorBanner error={load.error} title="Could not scan" onRetry={() => void run(tenantId)} /> : null}
      {load.pending ? <Spinner label={`Scanning the users of ${tenantId}…`} /> : null}
      {shown ? (
        <>
          <p className="muted" data-testid="sf-report-summary">
            {shown.scanned} {shown.scanned === 1 ? "user" : "users"} scanned in {shown.tenantId}
            {shown.truncated ? " (stopped at the cap)" : ""}; {shown.problems.length === 0 ? "no problems" : shown.problems.length === 1 ? "1 problem" : `${shown.problems.length} problems`}.
          </p>
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Problem</th>
                <th scope="col">Users</th>
                <th scope="col">Passwordless user</th>
                <th scope="col">Phone</th>
                <th scope="col">Detail</th>
              </tr>
            </thead>
            <tbody>
              {shown.problems.map((p, i) => (
                <tr key={i} data-testid="sf-report-row">
                  <td>{KIND_LABELS[p.kind]}</td>
                  <td>
                    {p.userIds.map((id, j) => (
                      <div key={id}>
                        <a href={userHref(id)}>{p.userLabels[j] || id}</a>
                      </div>
                    ))}
                  </td>
                  <td className="mono small">{p.kind === "orphan" ? <a href={userHref(p.passwordlessUserId)}>{p.passwordlessUserId}</a> : p.passwordlessUserId}</td>
                  <td>{p.phoneNumber || "—"}</td>
                  <td className="small">{p.detail}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      ) : null}
    </section>
  );
}
