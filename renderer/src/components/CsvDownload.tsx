/**
 * A button that asks the main process for a file's content (CSV, JSON lines), then saves it
 * through a Blob URL and keeps a link to save it again.
 */
import { useEffect, useState } from "react";
import { prepareDownload, startDownload, type PreparedDownload } from "../lib/download.ts";
import { useAsyncAction } from "../lib/hooks.ts";
import { ErrorBanner } from "./ErrorBanner.tsx";

export interface ProducedFile {
  content: string;
  filename: string;
  /** A note shown next to the link, e.g. "1,234 rows (truncated at 100,000)". */
  note?: string;
}

interface Props {
  label: string;
  produce: () => Promise<ProducedFile>;
  mime?: string;
  testId?: string;
}

export function CsvDownload({ label, produce, mime = "text/csv", testId }: Props) {
  const [file, setFile] = useState<(PreparedDownload & { note?: string }) | null>(null);
  const action = useAsyncAction(async () => {
    const produced = await produce();
    const download = prepareDownload(produced.content, produced.filename, mime);
    setFile((previous) => {
      previous?.revoke();
      return { ...download, ...(produced.note ? { note: produced.note } : {}) };
    });
    startDownload(download);
  });
  useEffect(() => () => file?.revoke(), [file]);

  return (
    <span className="download">
      <button type="button" onClick={() => void action.run()} disabled={action.pending} data-testid={testId}>
        {action.pending ? "Preparing…" : label}
      </button>
      {file ? (
        <span className="download__result">
          <a href={file.url} download={file.filename}>
            {file.filename}
          </a>
          {file.note ? <span className="muted"> · {file.note}</span> : null}
        </span>
      ) : null}
      {action.error ? <ErrorBanner error={action.error} title={`${label} failed`} onDismiss={action.reset} /> : null}
    </span>
  );
}
