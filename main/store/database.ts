/**
 * Gatehouse's local SQLite database (WAL): profiles, settings, the audit log, and what each
 * feature area keeps (see migrations/). Each area's migrations run once each, in order, inside
 * a transaction; the version reached per area is kept in schema_versions.
 */
import Database from "better-sqlite3";
import { MIGRATIONS } from "./migrations/index.ts";

export type StoreDb = Database.Database;

export function openStore(file: string): StoreDb {
  const db = new Database(file);
  if (file !== ":memory:") db.pragma("journal_mode = WAL");
  db.pragma("synchronous = NORMAL");
  // A scan of the user index writes 100k users at a time: checkpointing the WAL every 4 MB (the
  // default) made its commits cost more than its rows. 32 MB between checkpoints.
  db.pragma("wal_autocheckpoint = 8192");
  db.pragma("foreign_keys = ON");
  db.exec("CREATE TABLE IF NOT EXISTS schema_versions (area TEXT PRIMARY KEY, version INTEGER NOT NULL)");
  adoptLegacyVersion(db);
  for (const [area, steps] of Object.entries(MIGRATIONS)) {
    const row = db.prepare("SELECT version FROM schema_versions WHERE area = ?").get(area) as { version: number } | undefined;
    const version = row?.version ?? 0;
    if (version > steps.length) {
      db.close();
      throw new Error(`${file} was written by a newer Gatehouse (${area} schema ${version}); this one knows up to ${steps.length}.`);
    }
    for (let v = version; v < steps.length; v++) {
      db.transaction(() => {
        db.exec(steps[v] ?? "");
        db.prepare("INSERT INTO schema_versions (area, version) VALUES (?, ?) ON CONFLICT (area) DO UPDATE SET version = excluded.version").run(area, v + 1);
      })();
    }
  }
  return db;
}

/** Databases from before schema_versions recorded the core area's version in user_version. */
function adoptLegacyVersion(db: StoreDb): void {
  const legacy = db.pragma("user_version", { simple: true }) as number;
  if (legacy > 0 && !db.prepare("SELECT 1 FROM schema_versions WHERE area = 'core'").get()) {
    db.prepare("INSERT INTO schema_versions (area, version) VALUES ('core', ?)").run(legacy);
  }
}
