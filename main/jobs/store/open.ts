/**
 * The job store a Gatehouse is configured with: its own SQLite (the default: desktop, one team
 * server) or a PostgreSQL shared by two or more team-server instances (tables migrated on open).
 */
import type { StoreDb } from "../../store/database.ts";
import { openPostgres } from "../../store/postgres/pool.ts";
import type { JobStore } from "./job-store.ts";
import { PostgresJobStore } from "./postgres-job-store.ts";
import { SqliteJobStore } from "./sqlite-job-store.ts";

export type JobStoreConfig =
  | { kind: "sqlite" }
  /** `leaseMs`: how long an instance's claim on an item holds without renewal (default 30 s). */
  | { kind: "postgres"; url: string; leaseMs?: number; poolSize?: number };

export async function openJobStore(config: JobStoreConfig, deps: { db: StoreDb; now: () => number }): Promise<{ store: JobStore; close(): Promise<void> }> {
  if (config.kind === "sqlite") return { store: new SqliteJobStore(deps.db, deps.now), close: () => Promise.resolve() };
  const pool = await openPostgres(config.url, { ...(config.poolSize !== undefined ? { max: config.poolSize } : {}) });
  return {
    store: new PostgresJobStore({ pool, now: deps.now, ...(config.leaseMs !== undefined ? { leaseMs: config.leaseMs } : {}) }),
    close: () => pool.end(),
  };
}
