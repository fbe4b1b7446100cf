import Database from "better-sqlite3";
import { SCHEMA_STEPS, SCHEMA_VERSION } from "./migrations.ts";

export type Db = Database.Database;

/** Opens (and creates when new) the embedded core's database. ":memory:" when no file is given. */
export function openCoreDb(file: string | undefined): Db {
  const db = new Database(file ?? ":memory:");
  if (file) db.pragma("journal_mode = WAL");
  db.pragma("synchronous = NORMAL");
  db.pragma("foreign_keys = ON");
  cacheStatements(db);
  migrate(db, file);
  return db;
}

/** Brings the database up to SCHEMA_VERSION, one step per transaction; refuses a newer one. */
function migrate(db: Db, file: string | undefined): void {
  db.exec("CREATE TABLE IF NOT EXISTS core_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)");
  const row = db.prepare("SELECT value FROM core_meta WHERE key = 'schema_version'").get() as { value: string } | undefined;
  const version = row ? Number(row.value) : 0;
  if (!Number.isInteger(version) || version > SCHEMA_VERSION) {
    db.close();
    throw new Error(`${file}: database schema version ${row?.value} is newer than this core's (${SCHEMA_VERSION})`);
  }
  const save = db.prepare(
    "INSERT INTO core_meta (key, value) VALUES ('schema_version', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
  );
  for (let v = version; v < SCHEMA_VERSION; v++) {
    db.transaction(() => {
      db.exec(SCHEMA_STEPS[v] ?? "");
      save.run(String(v + 1));
    })();
  }
}

/** Prepared statements kept per SQL text (the most recent ones; SQL built with IN lists varies). */
const STATEMENT_CACHE_SIZE = 512;

/**
 * Preparing a statement costs more than running a small one, and the core's handlers prepare
 * theirs on every request: `db.prepare` hands back a cached statement instead. Safe because no
 * handler changes a statement's mode (pluck/raw/expand) or keeps one iterating across calls.
 */
function cacheStatements(db: Db): void {
  const prepare = db.prepare.bind(db);
  const cache = new Map<string, Database.Statement>();
  db.prepare = ((sql: string) => {
    let statement = cache.get(sql);
    if (statement) {
      cache.delete(sql); // most recently used last
    } else {
      statement = prepare(sql);
      if (cache.size >= STATEMENT_CACHE_SIZE) cache.delete(cache.keys().next().value as string);
    }
    cache.set(sql, statement);
    return statement;
  }) as Db["prepare"];
}
