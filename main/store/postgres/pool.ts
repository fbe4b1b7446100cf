/**
 * A connection pool to Gatehouse's PostgreSQL, its tables brought up to date first. Instances
 * starting at the same moment migrate one at a time (an advisory lock held by the transaction).
 */
import pg from "pg";
import { POSTGRES_MIGRATIONS } from "./migrations.ts";
import { inTransaction } from "./transaction.ts";

/** Any number in pg_advisory_xact_lock's key space, Gatehouse's own: "GATEHOUS" in ASCII. */
const MIGRATION_LOCK = "5138203942233102163";
const BIGINT_OID = 20;

/** BIGINT columns hold epoch milliseconds and counts: read them as numbers, not strings. */
const types = {
  getTypeParser: ((oid: number, format?: "text" | "binary") =>
    oid === BIGINT_OID ? (value: string) => Number(value) : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

export async function openPostgres(url: string, options: { max?: number } = {}): Promise<pg.Pool> {
  const pool = new pg.Pool({ connectionString: url, max: options.max ?? 10, types });
  // An idle client losing its server (a restart) must not crash the process; the next query reconnects.
  pool.on("error", () => {});
  try {
    await migrate(pool);
  } catch (err) {
    await pool.end();
    throw err;
  }
  return pool;
}

function migrate(pool: pg.Pool): Promise<void> {
  return inTransaction(pool, async (client) => {
    await client.query("SELECT pg_advisory_xact_lock($1)", [MIGRATION_LOCK]);
    await client.query("CREATE TABLE IF NOT EXISTS schema_versions (area TEXT PRIMARY KEY, version INTEGER NOT NULL)");
    for (const [area, steps] of Object.entries(POSTGRES_MIGRATIONS)) {
      const found = await client.query<{ version: number }>("SELECT version FROM schema_versions WHERE area = $1", [area]);
      const version = found.rows[0]?.version ?? 0;
      if (version > steps.length) throw new Error(`The database was written by a newer Gatehouse (${area} schema ${version}); this one knows up to ${steps.length}.`);
      for (let v = version; v < steps.length; v++) await client.query(steps[v] ?? "");
      if (version < steps.length) {
        await client.query("INSERT INTO schema_versions (area, version) VALUES ($1, $2) ON CONFLICT (area) DO UPDATE SET version = excluded.version", [area, steps.length]);
      }
    }
  });
}
