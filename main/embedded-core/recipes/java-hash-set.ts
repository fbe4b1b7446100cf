/**
 * The order in which a Java HashSet of strings iterates. The Core stores a tenant's first factors
 * by iterating `new HashSet<>(Arrays.asList(factors))` and reads them back in storage order, and
 * it keeps a user's tenant ids in a `new HashSet<>()` filled in storage order; both come back in
 * that order (not the order they were given or stored in).
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

/**
 * Distinct strings in HashSet iteration order: by bucket, and in insertion order within one.
 * "collection" is `new HashSet<>(collection)`, whose table is sized for the collection up front;
 * "empty" is `new HashSet<>()` filled one by one, whose table starts at 16 and doubles past 3/4 full.
 */
export function javaHashSetOrder(items: readonly string[], start: "collection" | "empty" = "collection"): string[] {
  let capacity = 16;
  if (start === "collection") {
    const wanted = Math.max(Math.trunc(Math.fround(items.length / Math.fround(0.75))) + 1, 16);
    while (capacity < wanted) capacity *= 2;
  }
  let buckets: string[][] = Array.from({ length: capacity }, () => []);
  let size = 0;
  const bucketOf = (s: string, cap: number): number => spread(javaStringHash(s)) & (cap - 1);
  // A resize splits each bucket in two, keeping the relative order of its entries.
  const resize = (): void => {
    capacity *= 2;
    const next: string[][] = Array.from({ length: capacity }, () => []);
    for (const old of buckets) for (const s of old) (next[bucketOf(s, capacity)] as string[]).push(s);
    buckets = next;
  };
  for (const item of items) {
    const bucket = buckets[bucketOf(item, capacity)] as string[];
    if (bucket.includes(item)) continue;
    bucket.push(item);
    // A bucket past the treeify threshold in a small table makes the table grow instead.
    // (In a table of 64 or more it becomes a tree, whose order differs slightly: no realistic
    // list of factor or tenant ids gets there.)
    if (bucket.length > TREEIFY_THRESHOLD && capacity < MIN_TREEIFY_CAPACITY) resize();
    size += 1;
    if (size > capacity * 0.75) resize();
  }
  return buckets.flat();
}
