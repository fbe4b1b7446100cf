import { describe, expect, it } from "vitest";
import { frameStats, percentile } from "../../bench/scroll/frame-stats.ts";

describe("scroll bench frame statistics", () => {
  it("takes percentiles by nearest rank", () => {
    const samples = Array.from({ length: 100 }, (_, i) => i + 1); // 1..100
    expect(percentile(samples, 0.95)).toBe(95);
    expect(percentile(samples, 1)).toBe(100);
    expect(percentile(samples, 0)).toBe(1);
    expect(percentile([7], 0.95)).toBe(7);
    expect(() => percentile([], 0.5)).toThrow();
  });

  it("counts frames longer than 1.5x the median as dropped", () => {
    const intervals = [...Array<number>(95).fill(16.7), 25, 25.1, 33.4, 33.4, 50];
    const stats = frameStats(intervals);
    expect(stats.frames).toBe(100);
    expect(stats.medianMs).toBe(16.7);
    expect(stats.p95Ms).toBe(16.7);
    // 1.5x the median is 25.05: 25 is not dropped, 25.1 and longer are
    expect(stats.dropped).toBe(4);
  });
});
