/**
 * Helpers for statements shared with SQLite and for batched writes on PostgreSQL: "?" placeholders
 * numbered as $1, $2, ...; rows turned into one array per column (for INSERT ... SELECT FROM
 * unnest(...), one statement for thousands of rows); and a per-key lock held by a transaction.
 */
import type pg from "pg";

/** "?" placeholders numbered ($1, $2, ...). The statements given have no "?" inside a literal. */
export function numbered(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

/** The rows' values per column (rows of `width` values each). */
export function columns(rows: readonly (readonly unknown[])[], width: number): unknown[][] {
  const out: unknown[][] = Array.from({ length: width }, () => new Array<unknown>(rows.length));
  rows.forEach((row, r) => {
    for (let c = 0; c < width; c++) (out[c] as unknown[])[r] = row[c] ?? null;
  });
  return out;
}

/** The rows in slices of at most `size` (a statement's parameters stay a few MB at most). */
export function* slices<T>(rows: readonly T[], size: number): Generator<T[]> {
  for (let i = 0; i < rows.length; i += size) yield rows.slice(i, i + size);
}

/** Holds a lock on `key` until the client's transaction ends (two instances writing one profile's data take turns). */
export async function lockFor(client: pg.PoolClient, key: string): Promise<void> {
  await client.query("SELECT pg_advisory_xact_lock(hashtext($1))", [key]);
}

/**
 * Refreshes a table's statistics when the planner believes it holds far fewer rows than `rows`
 * (never analyzed, or just filled in bulk): planned for a handful of rows, a 100k-row table is
 * read whole. Otherwise autovacuum keeps them close enough, and ANALYZE is not paid again.
 */
export async function analyzeIfStale(pool: pg.Pool, table: string, rows: number): Promise<void> {
  const { rows: found } = await pool.query<{ tuples: number }>("SELECT reltuples::float8 AS tuples FROM pg_class WHERE oid = $1::regclass", [table]);
  const tuples = found[0]?.tuples ?? -1;
  if (tuples < 0 || tuples < rows / 2) await pool.query(`ANALYZE ${table}`);
}
