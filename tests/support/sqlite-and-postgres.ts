/**
 * For a test file that runs one store contract on both stores: a Gatehouse SQLite store in a
 * temporary folder, and a throwaway PostgreSQL cluster with two pools (two team-server
 * instances), opened before the file's tests and removed after them.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type pg from "pg";
import { afterAll, beforeAll } from "vitest";
import { openStore, type StoreDb } from "../../main/store/database.ts";
import { openPostgres } from "../../main/store/postgres/pool.ts";
import { startTestPostgres, type TestPostgres } from "./postgres.ts";

export interface BothStores {
  /** The SQLite store (once the file's tests run). */
  readonly db: StoreDb;
  /** Two pools on one database: two instances. */
  readonly pools: readonly [pg.Pool, pg.Pool];
}

export function useSqliteAndPostgres(folderPrefix: string): BothStores {
  let dir: string | undefined;
  let db: StoreDb | undefined;
  let cluster: TestPostgres | undefined;
  const pools: pg.Pool[] = [];
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), folderPrefix));
    db = openStore(join(dir, "gatehouse.sqlite"));
    cluster = await startTestPostgres();
    for (let i = 0; i < 2; i++) pools.push(await openPostgres(cluster.url, { max: 4 }));
  }, 90_000);
  afterAll(async () => {
    db?.close();
    await Promise.all(pools.map((p) => p.end()));
    await cluster?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  const ready = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`${what} is opened before the file's tests run`);
    return value;
  };
  return {
    get db() {
      return ready(db, "the SQLite store");
    },
    get pools() {
      return ready(pools.length === 2 ? (pools as [pg.Pool, pg.Pool]) : undefined, "the PostgreSQL pools");
    },
  };
}
