/**
 * The command line for a team server on PostgreSQL with a key file of its own: the link
 * `add-operator` prints is kept (and audited) where the server's instances read it — the shared
 * database, sealed with the server key — so it works on any instance, and nothing of it lands in
 * the data folder's SQLite. (Before, it went to the data folder and the link answered LINK_INVALID.)
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FileKeySecretBox } from "../../main/secrets/file-key-box.ts";
import { PostgresAuditLog } from "../../main/services/audit/postgres-audit-log.ts";
import { openStore } from "../../main/store/database.ts";
import { openPostgres } from "../../main/store/postgres/pool.ts";
import { runTeamCli } from "../../main/team/cli.ts";
import { auditLogSink, createTeam } from "../../main/team/index.ts";
import { openDirectoryCore } from "../../main/team/operator-core.ts";
import { PostgresTeamStore } from "../../main/team/store/postgres-team-store.ts";
import { auditEntriesIn } from "../support/audit-rows.ts";
import { startTestPostgres, type TestPostgres } from "../support/postgres.ts";

const URL_ = "https://gatehouse.example.com";
let dir: string;
let cluster: TestPostgres;
let pool: pg.Pool;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "gatehouse-team-cli-pg-"));
  cluster = await startTestPostgres();
  pool = await openPostgres(cluster.url);
}, 90_000);

afterAll(async () => {
  await pool?.end();
  await cluster?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe("add-operator on a PostgreSQL team server", () => {
  it("keeps the link in the shared database, sealed with the server key, and audits it there", async () => {
    const dataDir = join(dir, "data");
    const serverKeyFile = join(dir, "server.key");
    const out: string[] = [];
    const err: string[] = [];
    const code = await runTeamCli(["add-operator", "ada@example.com", "--role", "admin", "--data-dir", dataDir, "--url", URL_], { out: (l) => out.push(l), err: (l) => err.push(l), env: {}, user: "tester" }, {
      serverKeyFile,
      postgresUrl: cluster.url,
    });
    expect({ code, err }).toEqual({ code: 0, err: [] });
    const token = new URL(out.map((l) => l.trim()).find((l) => l.startsWith(URL_)) ?? "").hash.replace("#set-password=", "");
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);

    // Another instance: the same database and key file, its own data folder's directory core.
    const secrets = new FileKeySecretBox(serverKeyFile);
    const audit = await PostgresAuditLog.open(pool, secrets, Date.now);
    const db = openStore(join(dataDir, "gatehouse.sqlite"));
    const directory = await openDirectoryCore({ dataDir, db, secrets, config: {} });
    try {
      const team = await createTeam({ core: directory.core, store: new PostgresTeamStore(pool), secrets, audit: auditLogSink(audit), publicUrl: URL_, log: () => undefined });
      expect(await team.setPassword({ token, password: "ada's long passphrase" }, "127.0.0.1")).toEqual({ email: "ada@example.com" });
      expect((await team.signIn.withPassword({ email: "ada@example.com", password: "ada's long passphrase" }, "127.0.0.1")).kind).toBe("session");
      const entries = (await audit.list({ limit: 10, operation: "team.addOperator" })).entries;
      expect(entries).toMatchObject([{ operator: "cli:tester", target: "ada@example.com", outcome: "ok" }]);
      expect(await audit.verify()).toMatchObject({ ok: true });
      // Nothing of it in the data folder's SQLite: no link, no audit entry.
      expect(db.prepare("SELECT COUNT(*) AS n FROM team_links").get()).toEqual({ n: 0 });
      expect(auditEntriesIn(db)).toEqual([]);
    } finally {
      await directory.close();
      db.close();
    }
  });
});
