/** Timing helpers: warm-up, then the median of interleaved repetitions. */

export const median = (samples: number[]): number => {
  if (samples.length === 0) throw new Error("median of no samples");
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

async function timeOnce(fn: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

/**
 * Median milliseconds of each named operation. The operations take turns within every
 * repetition, so drift (GC, CPU frequency, a noisy neighbour) hits all of them alike.
 */
export async function medianMs<K extends string>(
  ops: Record<K, () => Promise<unknown>>,
  { warmup = 10, reps = 30 }: { warmup?: number; reps?: number } = {},
): Promise<Record<K, number>> {
  const names = Object.keys(ops) as K[];
  for (let i = 0; i < warmup; i++) for (const name of names) await ops[name]();
  const samples = Object.fromEntries(names.map((n) => [n, [] as number[]])) as Record<K, number[]>;
  for (let i = 0; i < reps; i++) for (const name of names) samples[name].push(await timeOnce(ops[name]));
  return Object.fromEntries(names.map((n) => [n, median(samples[n])])) as Record<K, number>;
}

/** Runs `count` jobs with at most `concurrency` in flight; returns jobs per second. */
export async function throughput(count: number, concurrency: number, job: (i: number) => Promise<void>): Promise<number> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) await job(next++);
  };
  const start = performance.now();
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return count / ((performance.now() - start) / 1000);
}
