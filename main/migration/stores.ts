/**
 * The migration area's data stores over one database: the roster, the user index and the
 * classification that joins them (and so must live with both). Gatehouse's SQLite.
 */
import type { StoreDb } from "../store/database.ts";
import { SqliteClassificationStore } from "./classification/sqlite-store.ts";
import type { ClassificationStore } from "./classification/store.ts";
import { SqliteRosterStore } from "./roster/sqlite-store.ts";
import type { RosterStore } from "./roster/store.ts";
import { SqliteIndexStore } from "./user-index/sqlite-store.ts";
import type { IndexStore } from "./user-index/store.ts";

export interface MigrationStores {
  roster: RosterStore;
  index: IndexStore;
  classification: ClassificationStore;
}

export function migrationStores(db: StoreDb): MigrationStores {
  return { roster: new SqliteRosterStore(db), index: new SqliteIndexStore(db), classification: new SqliteClassificationStore(db) };
}
