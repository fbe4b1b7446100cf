/** Printing: a sequence as a script (one call per line), an outcome in one line, a short signature. */
import { formatOp, SYMBOL_LEGEND, type Op } from "./op.ts";

/** One call per line, numbered from `offset + 1`; `mark` (an index into `ops`) points at the step that failed. */
export function script(ops: Op[], mark?: number, offset = 0): string {
  return ops.map((op, i) => `  ${String(offset + i + 1).padStart(3)}. ${formatOp(op)}${i === mark ? "   <- here" : ""}`).join("\n");
}

export function oneLine(value: unknown, max = 600): string {
  const s = JSON.stringify(value) ?? "undefined";
  return s.length > max ? `${s.slice(0, max)}… (${s.length} chars)` : s;
}

/** What kind of answer an outcome is, for grouping differences: "threw 400", "OK", "status 404". */
export function signature(outcome: unknown): string {
  const o = outcome as { ok?: unknown; threw?: string; type?: string };
  if (o.threw !== undefined) {
    const code = /status code: (\d+)/.exec(o.threw)?.[1];
    return code ? `threw ${code}` : `threw ${o.type ?? o.threw.split(/[:.\n]/)[0]?.slice(0, 40)}`;
  }
  const v = o.ok as { status?: unknown; body?: { status?: unknown } } | null;
  if (v && typeof v === "object" && typeof (v as { status?: unknown }).status === "number") {
    const inner = v.body && typeof v.body === "object" ? v.body.status : undefined;
    return `HTTP ${String(v.status)}${inner ? ` ${String(inner)}` : ""}`;
  }
  if (v && typeof v === "object" && "status" in v) return String(v.status);
  if (Array.isArray(v)) return `list of ${v.length}`;
  return v === null ? "nothing" : typeof v;
}

export { SYMBOL_LEGEND };

/** A command that runs this exact sequence again (in the mode the environment selects). */
export function replayCommand(ops: Op[]): string {
  return `npm run test:diff -- --replay '${JSON.stringify(ops).replaceAll("'", "'\\''")}'`;
}
