/**
 * The auditor's report, as CSV or JSON: every snapshot, the end criterion, and who changed the
 * migration (source, criterion, scans, the end) and when, from the audit log. Phones come masked
 * for auditors and no file carries a sign-in or reset link (main's disclosure pass).
 */
import { useStores } from "../../app/StoresContext.tsx";
import { CsvDownload } from "../../components/CsvDownload.tsx";
import { plural } from "../../lib/format.ts";

export function ReportExport() {
  const { client } = useStores();
  const produce = (format: "csv" | "json") => async () => {
    const report = await client.invoke("migration.report", { format });
    return { content: report.content, filename: report.filename, note: `${plural(report.snapshots, "snapshot")}, ${plural(report.changes, "change")}` };
  };
  return (
    <span className="toolbar" role="group" aria-label="Migration report">
      <CsvDownload label="Report (CSV)" testId="migration-report-csv" produce={produce("csv")} />
      <CsvDownload label="Report (JSON)" mime="application/json" testId="migration-report-json" produce={produce("json")} />
    </span>
  );
}
