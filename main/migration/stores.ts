/**
 * The migration area's data stores over one database: the roster, the user index and the
 * classification that joins them (and so must live with both). Gatehouse's SQLite by default;
 * with a PostgreSQL pool (two or more team-server instances), all three there, shared.
 */
import type pg from "pg";
import type { StoreDb } from "../store/database.ts";
import { PostgresClassificationStore } from "./classification/postgres-store.ts";
import { SqliteClassificationStore } from "./classification/sqlite-store.ts";
import type { ClassificationStore } from "./classification/store.ts";
import { PostgresRosterStore } from "./roster/postgres-store.ts";
import { SqliteRosterStore } from "./roster/sqlite-store.ts";
import type { RosterStore } from "./roster/store.ts";
import { PostgresIndexStore } from "./user-index/postgres-store.ts";
import { SqliteIndexStore } from "./user-index/sqlite-store.ts";
import type { IndexStore } from "./user-index/store.ts";

export interface MigrationStores {
  roster: RosterStore;
  index: IndexStore;
  classification: ClassificationStore;
}

export function migrationStores(db: StoreDb, postgres?: pg.Pool): MigrationStores {
  if (postgres) return { roster: new PostgresRosterStore(postgres), index: new PostgresIndexStore(postgres), classification: new PostgresClassificationStore(postgres) };
  return { roster: new SqliteRosterStore(db), index: new SqliteIndexStore(db), classification: new SqliteClassificationStore(db) };
}
