/**
 * Maps over items with at most `limit` calls in flight, keeping the order of the results.
 *
 * For Core calls this is only an upper bound: every request to a Core is also paced per Core
 * (main/core/core-pace.ts: fewer at once while it answers 5xx, more again when it copes) and, for a
 * read, retried with backoff after a 5xx or a connection failure (main/core/fetch-guard.ts), below
 * supertokens-node, whichever fan-out (this, Promise.all, a job) made it.
 */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
