/**
 * Streams audit entries to a file, one JSON line each. The file is opened for each line (append,
 * created 0600), so a log rotator may move it away at any time and the next entry starts a new one.
 */
import { appendFileSync } from "node:fs";
import { auditLine, FailureNotice, type AuditSink } from "./sink.ts";

export function fileSink(path: string, warn: (line: string) => void = console.warn): AuditSink {
  const notice = new FailureNotice(`file ${path}`, warn);
  return {
    write(entry) {
      try {
        appendFileSync(path, `${auditLine(entry)}\n`, { mode: 0o600 });
        notice.worked();
      } catch (err) {
        notice.failed(err);
      }
    },
    close: async () => undefined,
  };
}
