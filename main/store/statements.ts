/**
 * Prepared statements, prepared once per database and SQL text: preparing costs more than
 * running a small statement, and the job engine runs a few per item, thousands of items a minute.
 */
import type Database from "better-sqlite3";
import type { StoreDb } from "./database.ts";

export type Prepared = (sql: string) => Database.Statement;

const caches = new WeakMap<StoreDb, Map<string, Database.Statement>>();

export function preparedFor(db: StoreDb): Prepared {
  let cache = caches.get(db);
  if (!cache) caches.set(db, (cache = new Map()));
  const statements = cache;
  return (sql) => {
    let statement = statements.get(sql);
    if (!statement) statements.set(sql, (statement = db.prepare(sql)));
    return statement;
  };
}
