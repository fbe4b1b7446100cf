/**
 * The embedded core's bulk-import storage and schedule: a database file written before bulk
 * import gains its table (schema step 2) and keeps its data; a newer one is refused; users staged
 * before a restart are imported by the run the core makes when it starts (as the Core's cron);
 * bad options are refused before anything is opened; `npm run core -- --bulk-import-interval`.
 */
import Database from "better-sqlite3";
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startEmbeddedCore, type RunningEmbeddedCore } from "../../main/embedded-core/index.ts";
import { SCHEMA } from "../../main/embedded-core/storage/schema.ts";
import { SCHEMA_VERSION } from "../../main/embedded-core/storage/migrations.ts";

let dir: string;
let core: RunningEmbeddedCore | undefined;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "gatehouse-bulk-"));
});

afterEach(async () => {
  await core?.close();
  core = undefined;
  await rm(dir, { recursive: true, force: true });
});

const post = async (url: string, path: string, body: unknown) =>
  (await fetch(url + path, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) })).json() as Promise<Record<string, unknown>>;
const get = async (url: string, path: string) => (await fetch(url + path)).json() as Promise<Record<string, unknown>>;
const user = (n: number) => ({ externalUserId: `legacy-${n}`, loginMethods: [{ recipeId: "emailpassword", email: `u${n}@example.com`, plainTextPassword: `Pw-${n}` }] });

async function waitFor(condition: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe("storage", () => {
  it("a database from before bulk import gains the staging table and keeps its users", async () => {
    const file = join(dir, "old.sqlite");
    const old = new Database(file);
    old.exec(SCHEMA);
    old.prepare("INSERT INTO core_meta (key, value) VALUES ('schema_version', '1')").run();
    old.prepare("INSERT INTO tenants (tenant_id, config, created_at) VALUES ('public', '{\"coreConfig\":{}}', 1)").run();
    old.prepare("INSERT INTO users (user_id, recipe_id, time_joined, email) VALUES ('u-old', 'passwordless', 1, 'old@example.com')").run();
    old.prepare("INSERT INTO user_tenants (tenant_id, user_id, recipe_id, time_joined, email, email_domain) VALUES ('public', 'u-old', 'passwordless', 1, 'old@example.com', 'example.com')").run();
    old.close();

    core = await startEmbeddedCore({ dbFile: file, bulkImportIntervalMs: 0 });
    expect(await get(core.url, "/users/count")).toEqual({ status: "OK", count: 1 });
    expect(await post(core.url, "/bulk-import/users", { users: [user(1)] })).toMatchObject({ status: "OK" });
    expect(await get(core.url, "/bulk-import/users/count")).toEqual({ status: "OK", count: 1 });
    await core.close();
    core = undefined;
    const db = new Database(file, { readonly: true });
    expect(db.prepare("SELECT value FROM core_meta WHERE key = 'schema_version'").get()).toEqual({ value: String(SCHEMA_VERSION) });
    db.close();
  });

  it("a database from a newer core is refused, saying so", async () => {
    const file = join(dir, "new.sqlite");
    core = await startEmbeddedCore({ dbFile: file, bulkImportIntervalMs: 0 });
    await core.close();
    core = undefined;
    const db = new Database(file);
    db.prepare("UPDATE core_meta SET value = ? WHERE key = 'schema_version'").run(String(SCHEMA_VERSION + 1));
    db.close();
    await expect(startEmbeddedCore({ dbFile: file })).rejects.toThrow(`database schema version ${SCHEMA_VERSION + 1} is newer than this core's (${SCHEMA_VERSION})`);
  });

  it("users staged before a restart are imported by the run the core makes as it starts", async () => {
    const file = join(dir, "restart.sqlite");
    core = await startEmbeddedCore({ dbFile: file, bulkImportIntervalMs: 0 });
    await post(core.url, "/bulk-import/users", { users: [user(1), user(2)] });
    await core.close();
    core = await startEmbeddedCore({ dbFile: file });
    const url = core.url;
    await waitFor(async () => (await get(url, "/bulk-import/users/count")).count === 0, 5000);
    expect(await post(url, "/recipe/signin", { email: "u2@example.com", password: "Pw-2" })).toMatchObject({ status: "OK", user: { id: "legacy-2" } });
  });

  it("bad bulk-import options are refused before the database is opened", async () => {
    const file = join(dir, "never.sqlite");
    await expect(startEmbeddedCore({ dbFile: file, bulkImportIntervalMs: -1 })).rejects.toThrow("bulkImportIntervalMs must be a whole number >= 0, not -1");
    await expect(startEmbeddedCore({ dbFile: file, bulkImportParallelism: 0 })).rejects.toThrow("bulkImportParallelism must be a whole number >= 1, not 0");
    await expect(startEmbeddedCore({ dbFile: file, bulkImportBatchSize: 1.5 })).rejects.toThrow("bulkImportBatchSize must be a whole number >= 1, not 1.5");
    await expect(import("node:fs/promises").then((fs) => fs.access(file))).rejects.toThrow();
  });
});

describe("npm run core -- --bulk-import-interval", () => {
  const TSX = join(process.cwd(), "node_modules", ".bin", "tsx");
  const CLI = join(process.cwd(), "main", "embedded-core", "cli.ts");

  it("refuses a value that is not a number of seconds", async () => {
    const child = spawn(TSX, [CLI, "--port", "0", "--bulk-import-interval", "soon"], { stdio: "pipe" });
    let err = "";
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
    expect(code).toBe(2);
    expect(err).toContain('--bulk-import-interval must be a number of seconds (0 or more), not "soon"');
  });

  it("imports staged users on its own at the interval given", async () => {
    const child = spawn(TSX, [CLI, "--port", "0", "--bulk-import-interval", "0.05"], { stdio: "pipe" });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = "";
        child.stdout.on("data", (d: Buffer) => {
          out += d.toString();
          const m = /ready at (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
          if (m?.[1]) resolve(m[1]);
        });
        child.on("exit", (code) => reject(new Error(`exited with ${code}`)));
      });
      await post(url, "/bulk-import/users", { users: [user(7)] });
      await waitFor(async () => (await get(url, "/bulk-import/users/count")).count === 0, 10_000);
      expect(await post(url, "/recipe/signin", { email: "u7@example.com", password: "Pw-7" })).toMatchObject({ status: "OK" });
    } finally {
      child.kill("SIGTERM");
    }
  });
});
