/**
 * Setting the migration source (admin): a roster CSV — refused whole, with every bad line named,
 * or imported whole — or a legacy service's listing (URL and bearer token; the token is sealed by
 * the main process, never shown again, and this form forgets it once sent).
 */
import { useId, useState } from "react";
import { useStore } from "zustand";
import type { OutputOf } from "../../../../shared/contract/index.ts";
import type { RosterStatus } from "../../../../shared/contract/operations/migration.ts";
import { fieldError } from "../../api/errors.ts";
import { useStores } from "../../app/StoresContext.tsx";
import { ErrorBanner } from "../../components/ErrorBanner.tsx";
import { Modal } from "../../components/Modal.tsx";
import { plural } from "../../lib/format.ts";
import { useAsyncAction } from "../../lib/hooks.ts";
import type { OverviewStore } from "./overviewStore.ts";

/** The contract's ROSTER_CSV_MAX_BYTES (main refuses larger files too; here they are not even read). Not imported: see stateColumns.tsx. */
const ROSTER_CSV_MAX_BYTES = 50 * 1024 * 1024;

type Refusal = Extract<OutputOf<"migration.source.importCsv">, { status: "refused" }>;

interface Props {
  roster: RosterStatus;
  overview: OverviewStore;
  onClose: () => void;
}

export function SourceDialog({ roster, overview, onClose }: Props) {
  const [kind, setKind] = useState<"csv" | "service">(roster.source?.kind === "service" ? "service" : "csv");
  return (
    <Modal title="Migration source" onClose={onClose} wide testId="source-dialog">
      <fieldset className="choices">
        <legend>Read the legacy roster from</legend>
        <label className="choice">
          <input type="radio" name="source-kind" checked={kind === "csv"} onChange={() => setKind("csv")} data-testid="source-kind-csv" />a CSV file
        </label>
        <label className="choice">
          <input type="radio" name="source-kind" checked={kind === "service"} onChange={() => setKind("service")} data-testid="source-kind-service" />
          the legacy service's user listing
        </label>
      </fieldset>
      {kind === "csv" ? <CsvForm overview={overview} onDone={onClose} /> : <ServiceForm roster={roster} overview={overview} onDone={onClose} />}
    </Modal>
  );
}

function TenantSelect({ value, onChange, label, testId }: { value: string; onChange: (t: string) => void; label: string; testId: string }) {
  const { tenants } = useStores();
  const list = useStore(tenants, (s) => s.tenants);
  const options = list.includes(value) ? list : [value, ...list];
  return (
    <label className="field">
      <span className="field__label">{label}</span>
      <select value={value} onChange={(e) => onChange(e.target.value)} data-testid={testId}>
        {options.map((t) => (
          <option key={t} value={t}>
            {t}
          </option>
        ))}
      </select>
    </label>
  );
}

function CsvForm({ overview, onDone }: { overview: OverviewStore; onDone: () => void }) {
  const { client, tenants, ui } = useStores();
  const [file, setFile] = useState<{ name: string; text: string } | null>(null);
  const [fileError, setFileError] = useState<string | null>(null);
  const [tenant, setTenant] = useState(() => tenants.getState().defaultTenant);
  const [refusal, setRefusal] = useState<Refusal | null>(null);
  const fileErrorId = useId();

  const pick = async (picked: File | undefined) => {
    setFileError(null);
    setRefusal(null);
    setFile(null);
    if (!picked) return;
    if (picked.size > ROSTER_CSV_MAX_BYTES) {
      setFileError(`${picked.name} is ${(picked.size / 1024 / 1024).toFixed(1)} MB; the limit is ${ROSTER_CSV_MAX_BYTES / 1024 / 1024} MB.`);
      return;
    }
    setFile({ name: picked.name, text: await picked.text() });
  };
  const upload = useAsyncAction(async () => {
    if (!file) return;
    setRefusal(null);
    const answer = await client.invoke("migration.source.importCsv", { rosterCsv: file.text, fileName: file.name, defaultTenant: tenant });
    if (answer.status === "refused") {
      setRefusal(answer);
      return;
    }
    ui.getState().notify(`Imported ${plural(answer.imported, "legacy user")} from ${file.name}${answer.replaced ? `, replacing a roster of ${answer.replaced.toLocaleString()}` : ""}. Scan to measure the migration against it.`);
    onDone();
    await overview.getState().load();
  });

  return (
    <form
      className="form"
      aria-label="Import a roster CSV"
      onSubmit={(e) => {
        e.preventDefault();
        void upload.run();
      }}
    >
      <p className="field__hint">
        Header row, then one legacy user per line. Columns: <code>legacy_id</code>, <code>email</code>, <code>email_verified</code> (true/false), <code>created</code> (ISO date or
        ms); optional <code>password_hash</code> with <code>hash_algorithm</code> (bcrypt, argon2, firebase_scrypt) and <code>tenant</code>. At most 50 MB. The file replaces the
        roster whole, or — with any bad line — nothing is imported and every bad line is listed.
      </p>
      <label className="field">
        <span className="field__label">Roster CSV file</span>
        <input
          type="file"
          accept=".csv,.tsv,.txt,text/csv,text/plain"
          onChange={(e) => void pick(e.target.files?.[0])}
          aria-invalid={fileError ? true : undefined}
          aria-describedby={fileError ? fileErrorId : undefined}
          data-testid="roster-file"
        />
        {fileError ? (
          <span className="field__error" id={fileErrorId} role="alert" data-testid="roster-file-error">
            {fileError}
          </span>
        ) : null}
      </label>
      <TenantSelect value={tenant} onChange={setTenant} label="Tenant of rows without a tenant column" testId="roster-tenant" />
      {upload.error ? <ErrorBanner error={upload.error} title="The roster was not imported" onDismiss={upload.reset} /> : null}
      {refusal ? <Problems refusal={refusal} /> : null}
      <div className="dialog-actions">
        <button type="button" onClick={onDone}>
          Cancel
        </button>
        <button type="submit" className="button--primary" disabled={!file || upload.pending} data-testid="roster-import">
          {upload.pending ? "Importing…" : "Import roster"}
        </button>
      </div>
    </form>
  );
}

/** Every bad line of a refused roster, by line number (line 1 is the header). */
function Problems({ refusal }: { refusal: Refusal }) {
  const more = refusal.problemCount - refusal.problems.length;
  return (
    <div className="callout callout--warn" role="alert" data-testid="roster-problems">
      <p>
        <strong>Nothing was imported:</strong> {plural(refusal.problemCount, "line has a problem", "lines have problems")} (of {plural(refusal.rows, "row")}). Fix the file and import it again.
      </p>
      <div className="migration-problems" tabIndex={0} role="region" aria-label="Lines with problems">
        <table className="table">
          <thead>
            <tr>
              <th scope="col" className="numeric">
                Line
              </th>
              <th scope="col">Column</th>
              <th scope="col">Problem</th>
            </tr>
          </thead>
          <tbody>
            {refusal.problems.map((p, i) => (
              <tr key={`${p.line}-${i}`} data-testid="roster-problem">
                <td className="numeric">{p.line}</td>
                <td>{p.field ?? "—"}</td>
                <td>{p.message}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {more > 0 ? <p className="field__hint">…and {plural(more, "more line")}, not listed.</p> : null}
    </div>
  );
}

function ServiceForm({ roster, overview, onDone }: Omit<Props, "onClose"> & { onDone: () => void }) {
  const { client, tenants, ui } = useStores();
  const current = roster.source?.kind === "service" ? roster.source : null;
  const [url, setUrl] = useState(current?.url ?? "");
  const [token, setToken] = useState("");
  const [tenant, setTenant] = useState(() => current?.tenantId ?? tenants.getState().defaultTenant);
  const urlErrorId = useId();
  const tokenErrorId = useId();
  const save = useAsyncAction(async () => {
    const sent = token;
    // The token leaves this form's memory as it is sent.
    setToken("");
    await client.invoke("migration.source.setService", { url: url.trim(), tenantId: tenant, ...(sent ? { legacyToken: sent } : {}) });
    ui.getState().notify(`Reading the roster from ${url.trim()}: follow it here or on the Jobs page`);
    onDone();
    await overview.getState().load();
  });
  const urlError = fieldError(save.error, "url");
  const tokenError = fieldError(save.error, "legacyToken");
  return (
    <form
      className="form"
      aria-label="Read the roster from a legacy service"
      onSubmit={(e) => {
        e.preventDefault();
        void save.run();
      }}
    >
      <p className="field__hint">
        Gatehouse reads the service's user listing page by page, as a job. The roster in force is replaced only when the read completes; disabled accounts are left out.
      </p>
      <label className="field">
        <span className="field__label">Legacy service URL</span>
        <input
          type="url"
          value={url}
          onChange={(e) => setUrl(e.target.value)}
          placeholder="http://127.0.0.1:4000"
          autoComplete="off"
          aria-invalid={urlError ? true : undefined}
          aria-describedby={urlError ? urlErrorId : undefined}
          data-testid="service-url"
        />
        {urlError ? (
          <span className="field__error" id={urlErrorId} role="alert">
            {urlError}
          </span>
        ) : null}
      </label>
      <label className="field">
        <span className="field__label">Bearer token</span>
        <input
          type="password"
          value={token}
          onChange={(e) => setToken(e.target.value)}
          autoComplete="new-password"
          spellCheck={false}
          aria-invalid={tokenError ? true : undefined}
          aria-describedby={tokenError ? tokenErrorId : undefined}
          data-testid="service-token"
        />
        {tokenError ? (
          <span className="field__error" id={tokenErrorId} role="alert">
            {tokenError}
          </span>
        ) : (
          <span className="field__hint">
            {current?.hasToken ? "A token is stored. Leave this empty to keep it; type a new one to replace it." : "Sealed at rest and never shown again, not even to admins."}
          </span>
        )}
      </label>
      <TenantSelect value={tenant} onChange={setTenant} label="Tenant the listed users belong to" testId="service-tenant" />
      {save.error && !urlError && !tokenError ? <ErrorBanner error={save.error} title="The source was not saved" onDismiss={save.reset} /> : null}
      <div className="dialog-actions">
        <button type="button" onClick={onDone}>
          Cancel
        </button>
        <button type="submit" className="button--primary" disabled={save.pending || url.trim() === ""} data-testid="service-save">
          {save.pending ? "Saving…" : "Save and read the roster"}
        </button>
      </div>
    </form>
  );
}
