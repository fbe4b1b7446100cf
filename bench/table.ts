/** The bench's result table: one row per measure, ratios against a baseline from the same run. */

export interface BenchRow {
  measure: string;
  /** Already formatted, with its unit ("3.10 ms", "152 /s"). */
  value: string;
  /** Already formatted, or "" when the row has no baseline. */
  baseline: string;
  /** value / baseline, when there is a baseline. */
  ratio?: number;
  /** The largest ratio that passes; rows without one are informational. */
  maxRatio?: number;
}

export type Verdict = "PASS" | "FAIL" | "info";

export function verdict(row: BenchRow): Verdict {
  if (row.maxRatio === undefined) return "info";
  return row.ratio !== undefined && Number.isFinite(row.ratio) && row.ratio <= row.maxRatio ? "PASS" : "FAIL";
}

export const formatRatio = (ratio: number | undefined): string => (ratio === undefined ? "-" : `${ratio.toFixed(2)}x`);

const HEADER = ["measure", "value", "baseline", "ratio", "goal", "result"] as const;
/** Numeric columns are right-aligned. */
const RIGHT = new Set([1, 2, 3, 4]);

/** A fixed-width text table with a header rule; columns are as wide as their widest cell. */
export function formatTable(rows: BenchRow[]): string {
  const cells = rows.map((r) => [
    r.measure,
    r.value,
    r.baseline || "-",
    formatRatio(r.ratio),
    r.maxRatio === undefined ? "-" : `<= ${r.maxRatio}x`,
    verdict(r),
  ]);
  const widths = HEADER.map((h, c) => Math.max(h.length, ...cells.map((row) => row[c]!.length)));
  const line = (row: readonly string[]): string =>
    row.map((cell, c) => (RIGHT.has(c) ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!))).join("  ").trimEnd();
  return [line(HEADER), widths.map((w) => "-".repeat(w)).join("  "), ...cells.map(line)].join("\n");
}
