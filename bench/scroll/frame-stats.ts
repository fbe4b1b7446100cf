/** Frame-time statistics for the scroll bench: median, 95th percentile and dropped frames. */
import { median } from "../measure.ts";

export interface FrameStats {
  frames: number;
  medianMs: number;
  p95Ms: number;
  /** Intervals longer than 1.5x the median: at least one display refresh was missed. */
  dropped: number;
}

/** The value below which `p` (0..1) of the samples lie, by nearest rank. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) throw new Error("percentile of no samples");
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil(p * sorted.length)));
  return sorted[rank - 1]!;
}

export function frameStats(intervals: readonly number[]): FrameStats {
  const medianMs = median([...intervals]);
  return {
    frames: intervals.length,
    medianMs,
    p95Ms: percentile(intervals, 0.95),
    dropped: intervals.filter((ms) => ms > 1.5 * medianMs).length,
  };
}
