/** Second-factor problems across a tenant: broken links, orphaned phone users, shared phone users; CSV. */
import { useState } from "react";
import { useStore } from "zustand";
import type { OutputOf } from "../../../shared/contract/index.ts";
import { userHref } from "../app/router.ts";
import { Can, useStores } from "../app/StoresContext.tsx";
import { CsvDownload } from "../components/CsvDownload.tsx";
import { ErrorBanner } from "../components/ErrorBanner.tsx";
import { Spinner } from "../components/Spinner.tsx";
import { useAsyncAction } from "../lib/hooks.ts";

const KIND_LABELS = { "missing-user": "Link to a missing user", "no-phone": "Link to a user without a phone", orphan: "Phone user nobody points to", shared: "Phone user shared by several users" } as const;

export function SecondFactorPage() {
  const { client, session } = useStores();
  const defaultTenant = useStore(session, (s) => s.whoami?.profile?.defaultTenant ?? "public");
  const [tenantId, setTenantId] = useState(defaultTenant);
  const [report, setReport] = useState<OutputOf<"secondFactor.report"> | null>(null);
  const load = useAsyncAction(async () => setReport(await client.invoke("secondFactor.report", { tenantId })));

  return (
    <section className="page" aria-labelledby="sf-title" data-testid="second-factor-page">
      <header className="page__header">
        <h1 id="sf-title">Second factor</h1>
        <input aria-label="Tenant" value={tenantId} onChange={(e) => setTenantId(e.target.value)} />
        <button type="button" onClick={() => void load.run()} disabled={load.pending} data-testid="sf-report-run">
          {report ? "Scan again" : "Scan for problems"}
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
      {load.error ? <ErrorBanner error={load.error} title="Could not scan" /> : null}
      {load.pending ? <Spinner label="Scanning users…" /> : null}
      {report ? (
        <>
          <p className="muted">
            {report.scanned} users scanned{report.truncated ? " (stopped at the cap)" : ""}; {report.problems.length} problems.
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
              {report.problems.map((p, i) => (
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
