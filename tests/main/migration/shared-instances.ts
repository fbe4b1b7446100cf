/**
 * For a test file with Gatehouse instances on one PostgreSQL, as team servers: a real cluster and
 * an embedded core started before the file's tests, and `instance()` starting another Gatehouse
 * with its own data folder (SQLite), the shared server key, the configured profile "prod" on that
 * core and a pool on the shared database. Everything is closed and removed after the file.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type pg from "pg";
import { afterAll, beforeAll } from "vitest";
import { startEmbeddedCore, type RunningEmbeddedCore } from "../../../main/embedded-core/index.ts";
import type { JobsOptions } from "../../../main/jobs/index.ts";
import { FileKeySecretBox } from "../../../main/secrets/file-key-box.ts";
import { ProfilesService } from "../../../main/services/profiles.ts";
import { openStore } from "../../../main/store/database.ts";
import { openPostgres } from "../../../main/store/postgres/pool.ts";
import { DEFAULT_DATA_CONTRACT } from "../../../shared/data-contract.ts";
import { startTestPostgres, type TestPostgres } from "../../support/postgres.ts";
import { startTestGatehouse, type TestGatehouse } from "../helpers/gatehouse.ts";

export interface SharedInstances {
  /** The embedded core's URL (once the file's tests run). */
  readonly coreUrl: string;
  /** The shared database's URL, for a test's own look or injected fault. */
  readonly databaseUrl: string;
  /** Starts one more instance on the shared database. */
  instance(): Promise<TestGatehouse>;
  /** Closes an instance before the end (a server going away); the others go on. */
  stop(t: TestGatehouse): Promise<void>;
}

export function useSharedInstances(folderPrefix: string, jobs: JobsOptions = {}): SharedInstances {
  let cluster: TestPostgres | undefined;
  let core: RunningEmbeddedCore | undefined;
  const pools: pg.Pool[] = [];
  const dirs: string[] = [];
  const running: TestGatehouse[] = [];
  let keyFile = "";

  beforeAll(async () => {
    cluster = await startTestPostgres();
    core = await startEmbeddedCore({});
    const keys = mkdtempSync(join(tmpdir(), `${folderPrefix}key-`));
    dirs.push(keys);
    // Every instance's server key: one file, as the team servers' serverKeyFile must be.
    keyFile = join(keys, "server.key");
  }, 90_000);

  afterAll(async () => {
    for (const t of running) await t.close();
    await Promise.all(pools.map((p) => p.end()));
    await core?.close();
    await cluster?.stop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  const started = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`${what} is started before the file's tests run`);
    return value;
  };

  return {
    get coreUrl() {
      return started(core, "the embedded core").url;
    },
    get databaseUrl() {
      return started(cluster, "the PostgreSQL cluster").url;
    },
    async instance() {
      const dataDir = mkdtempSync(join(tmpdir(), folderPrefix));
      dirs.push(dataDir);
      const secrets = new FileKeySecretBox(keyFile);
      const db = openStore(join(dataDir, "gatehouse.sqlite"));
      new ProfilesService({ db, secrets, now: Date.now, embeddedCoreUrl: () => undefined }).applyConfigured(
        [{ id: "prod", name: "Production", uris: [this.coreUrl], apiKey: undefined, defaultTenant: "public", timeoutMs: 10_000, contract: DEFAULT_DATA_CONTRACT }],
        { active: "prod", exclusive: true },
      );
      db.close();
      const pool = await openPostgres(this.databaseUrl, { max: 4 });
      pools.push(pool);
      const t = await startTestGatehouse({ dataDir, secrets, postgres: pool, embeddedCore: false, jobs: { retry: { baseMs: 20, capMs: 200 }, probe: { baseMs: 50, capMs: 200 }, ...jobs } });
      running.push(t);
      return t;
    },
    async stop(t) {
      running.splice(running.indexOf(t), 1);
      await t.close();
    },
  };
}
