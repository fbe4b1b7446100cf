/**
 * The order in which Java's `new HashSet<>(Arrays.asList(items))` iterates strings. The Core
 * stores a tenant's first factors by iterating such a set and reads them back in storage order,
 * so this is the order it returns them in (not the order they were given in).
 */

/** Java's String.hashCode (UTF-16 code units, 32-bit overflow). */
export function javaStringHash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(h, 31) + s.charCodeAt(i)) | 0;
  return h;
}

/** HashMap.hash: the high bits folded into the low ones. */
const spread = (h: number): number => h ^ (h >>> 16);

const TREEIFY_THRESHOLD = 8;
const MIN_TREEIFY_CAPACITY = 64;

/** Distinct strings in HashSet iteration order: by bucket, and in insertion order within one. */
export function javaHashSetOrder(items: readonly string[]): string[] {
  // HashSet(Collection) sizes its table for the collection up front: no resize while adding,
  // except when one bucket grows past the treeify threshold in a small table.
  let capacity = 1;
  const wanted = Math.max(Math.trunc(Math.fround(items.length / Math.fround(0.75))) + 1, 16);
  while (capacity < wanted) capacity *= 2;
  let buckets: string[][] = Array.from({ length: capacity }, () => []);
  const bucketOf = (s: string, cap: number): number => spread(javaStringHash(s)) & (cap - 1);
  for (const item of items) {
    const bucket = buckets[bucketOf(item, capacity)] as string[];
    if (bucket.includes(item)) continue;
    bucket.push(item);
    if (bucket.length > TREEIFY_THRESHOLD && capacity < MIN_TREEIFY_CAPACITY) {
      // A resize splits each bucket in two, keeping the relative order of its entries.
      capacity *= 2;
      const next: string[][] = Array.from({ length: capacity }, () => []);
      for (const old of buckets) for (const s of old) (next[bucketOf(s, capacity)] as string[]).push(s);
      buckets = next;
    }
    // (A bucket of more than eight in a table of 64 or more becomes a tree; its iteration order
    // then differs slightly. No realistic list of factor ids gets there.)
  }
  return buckets.flat();
}
