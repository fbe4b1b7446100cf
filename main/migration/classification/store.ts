/**
 * Where each roster user's state is kept as the last classification found it, with each indexed
 * user's relation to the roster: SQL over the roster and the user index, so in the database that
 * holds both. Gatehouse's SQLite by default (sqlite-store.ts), PostgreSQL for team servers with
 * two or more instances (postgres-store.ts). What the classification decides, and the lists'
 * statements, are shared (../classify.ts, ../lists.ts).
 */
import type { MigrationRow, TenantTotals } from "../../../shared/contract/operations/migration.ts";
import type { Totals } from "../classify.ts";
import type { ListQuery } from "../lists.ts";

export interface ClassificationStore {
  /** Classifies the profile's roster against its index, in one transaction (no Core calls). */
  classify(profileId: string): Promise<void>;
  /** The totals overall and per tenant, as the last classification left them. */
  totals(profileId: string): Promise<{ overall: Totals; tenants: TenantTotals[] }>;
  /** One page of a list (limit rows from offset) and the count of all its rows. */
  list(profileId: string, q: ListQuery, page: { offset: number; limit: number }): Promise<{ rows: MigrationRow[]; total: number }>;
  /** A whole list, in order (the CSV export). */
  listAll(profileId: string, q: ListQuery): Promise<MigrationRow[]>;
}
