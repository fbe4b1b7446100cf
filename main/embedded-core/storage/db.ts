import Database from "better-sqlite3";
import { SCHEMA, SCHEMA_VERSION } from "./schema.ts";

export type Db = Database.Database;

/** Opens (and creates when new) the embedded core's database. ":memory:" when no file is given. */
export function openCoreDb(file: string | undefined): Db {
  const db = new Database(file ?? ":memory:");
  if (file) db.pragma("journal_mode = WAL");
  db.pragma("synchronous = NORMAL");
  db.pragma("foreign_keys = ON");
  db.exec(SCHEMA);
  const row = db.prepare("SELECT value FROM core_meta WHERE key = 'schema_version'").get() as { value: string } | undefined;
  if (!row) {
    db.prepare("INSERT INTO core_meta (key, value) VALUES ('schema_version', ?)").run(String(SCHEMA_VERSION));
  } else if (Number(row.value) !== SCHEMA_VERSION) {
    db.close();
    throw new Error(`${file}: database schema version ${row.value} is not the one this core uses (${SCHEMA_VERSION})`);
  }
  return db;
}
