/** A CSV file to add to or replace the list: read here, checked and previewed by the main process. */
import { useId, useState } from "react";
import { useStores } from "../../app/StoresContext.tsx";
import { MAX_IMPORT_BYTES } from "../../stores/allowlists.ts";
import { useAsyncAction } from "../../lib/hooks.ts";

const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(1).replace(/\.0$/, "");

export function ImportForm() {
  const { allowLists } = useStores();
  const [mode, setMode] = useState<"add" | "replace">("add");
  const [tooBig, setTooBig] = useState<string | null>(null);
  const id = useId();
  const action = useAsyncAction(async (file: File) => {
    if (file.size > MAX_IMPORT_BYTES) {
      setTooBig(`The file is ${mb(file.size)} MB; the limit is ${mb(MAX_IMPORT_BYTES)} MB.`);
      return;
    }
    setTooBig(null);
    await allowLists.getState().importCsv(await file.text(), mode);
  });
  return (
    <div className="card">
      <label className="field" htmlFor={id}>
        <span>Import a CSV (an &quot;email&quot; or &quot;phone&quot; column, or one column without a header)</span>
      </label>
      <input
        id={id}
        type="file"
        accept=".csv,.txt,text/csv,text/plain"
        onChange={(e) => {
          const file = e.target.files?.[0];
          if (file) void action.run(file);
          e.target.value = "";
        }}
        data-testid="allowlist-import"
      />
      <label className="inline-field">
        <span>Mode</span>
        <select value={mode} onChange={(e) => setMode(e.target.value === "replace" ? "replace" : "add")} data-testid="allowlist-import-mode">
          <option value="add">Add to the list</option>
          <option value="replace">Replace the list</option>
        </select>
      </label>
      {action.pending ? <p className="muted">Reading the file…</p> : null}
      {tooBig ? (
        <p className="warning-text" role="alert">
          {tooBig}
        </p>
      ) : null}
    </div>
  );
}
