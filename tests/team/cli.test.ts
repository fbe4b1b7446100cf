/**
 * The command line: wrong usage first (exit 2, saying what to give), a refused email (exit 1),
 * then the first admin on the embedded directory core kept in the data folder (exit 0, a one-time
 * link printed); the link then works on a directory reopened from that folder, and its Core
 * refuses calls without its sealed API key. One run is a real process, as `npm run server` will
 * start it.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FileKeySecretBox } from "../../main/secrets/file-key-box.ts";
import { AuditLog } from "../../main/services/audit-log.ts";
import { openStore } from "../../main/store/database.ts";
import { runTeamCli } from "../../main/team/cli.ts";
import { auditLogSink, createTeam, SqliteTeamStore } from "../../main/team/index.ts";
import { openDirectoryCore } from "../../main/team/operator-core.ts";

const URL_ = "https://gatehouse.example.com";
let dataDir: string;

beforeAll(() => {
  dataDir = mkdtempSync(join(tmpdir(), "gatehouse-team-cli-"));
});
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

async function cli(...argv: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runTeamCli(argv, { out: (l) => out.push(l), err: (l) => err.push(l), env: {}, user: "tester" });
  return { code, out, err };
}

const linkIn = (lines: string[]): string => lines.map((l) => l.trim()).find((l) => l.startsWith(URL_)) ?? "";

describe("add-operator", () => {
  it("says what is missing on wrong usage (exit 2)", async () => {
    expect(await cli()).toMatchObject({ code: 2, err: [expect.stringMatching(/^Give a command\.\nUsage:/)] });
    expect(await cli("add-operator", "ada@example.com", "--data-dir", dataDir, "--url", URL_)).toMatchObject({ code: 2, err: [expect.stringMatching(/--role admin, support or auditor/)] });
    expect(await cli("add-operator", "ada@example.com", "--role", "admin", "--url", URL_)).toMatchObject({ code: 2, err: [expect.stringMatching(/--data-dir/)] });
    expect(await cli("add-operator", "ada@example.com", "--role", "admin", "--data-dir", dataDir, "--url", "gatehouse.example.com")).toMatchObject({ code: 2 });
    expect(await cli("add-operator", "ada@example.com", "--rol", "admin")).toMatchObject({ code: 2, err: [expect.stringMatching(/Unknown option '--rol'/)] });
  });

  it("refuses a bad email or role with exit 1, naming it", async () => {
    const badEmail = await cli("add-operator", "ada.example.com", "--role", "admin", "--data-dir", dataDir, "--url", URL_);
    expect(badEmail).toMatchObject({ code: 1, out: [], err: ["email: this is not an email address: it has no @."] });
    const badRole = await cli("add-operator", "ada@example.com", "--role", "root", "--data-dir", dataDir, "--url", URL_);
    expect(badRole).toMatchObject({ code: 1, err: ["role: must be one of admin, support, auditor."] });
  });

  it("adds the first admin as a real process and prints a one-time link", () => {
    const tsx = join(process.cwd(), "node_modules/.bin/tsx");
    const run = spawnSync(tsx, ["main/team/cli.ts", "add-operator", "ada@example.com", "--role", "admin", "--data-dir", dataDir, "--url", URL_], {
      encoding: "utf8",
      env: { ...process.env, GATEHOUSE_DATA_DIR: "" },
    });
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    const lines = run.stdout.trim().split("\n");
    expect(lines[0]).toBe("ada@example.com is now an operator (admin).");
    expect(lines[1]).toMatch(/^Open this link to set the password\. It works once, until \d{4}-\d\d-\d\dT/);
    expect(lines[2]).toMatch(/^ {2}https:\/\/gatehouse\.example\.com\/#set-password=[A-Za-z0-9_-]{43}$/);
  });

  it("gives a new link to someone who never used theirs, and the newest link works on the reopened directory", async () => {
    const again = await cli("add-operator", "ada@example.com", "--role", "admin", "--data-dir", dataDir, "--url", URL_);
    expect(again).toMatchObject({ code: 0, out: [expect.stringMatching(/was invited before; here is a new link/), expect.any(String), expect.any(String)] });
    const token = new URL(linkIn(again.out)).hash.replace("#set-password=", "");

    const db = openStore(join(dataDir, "gatehouse.sqlite"));
    const secrets = new FileKeySecretBox(join(dataDir, "secrets.key"));
    const directoryCore = await openDirectoryCore({ dataDir, db, secrets });
    try {
      // The embedded directory core wants its own key, which only the data folder holds, sealed.
      const keyless = await fetch(`${directoryCore.core.target.uris[0] ?? ""}/recipe/role/users?role=gatehouse-operator%3Aadmin`, { headers: { "cdi-version": "5.4" } });
      expect(keyless.status).toBe(401);
      const audit = new AuditLog(db, secrets, Date.now);
      const team = await createTeam({ core: directoryCore.core, store: new SqliteTeamStore(db), secrets, audit: auditLogSink(audit), publicUrl: URL_, log: () => undefined });
      expect(await team.setPassword({ token, password: "ada's long passphrase" }, "127.0.0.1")).toEqual({ email: "ada@example.com" });
      const step = await team.signIn.withPassword({ email: "ada@example.com", password: "ada's long passphrase" }, "127.0.0.1");
      expect(step.kind === "session" && step.session.caller.role).toBe("admin");
      const entries = (await audit.list({ limit: 100, operation: "team.addOperator" })).entries;
      expect(entries.map((e) => [e.operator, e.role, e.target, e.outcome])).toEqual([
        ["cli:tester", "cli", "ada@example.com", "ok"],
        // The real process names the OS account that ran it.
        [`cli:${userInfo().username}`, "cli", "ada@example.com", "ok"],
      ]);
      expect(JSON.stringify(entries)).not.toContain(token);
    } finally {
      await directoryCore.close();
      db.close();
    }
  });

  it("refuses an operator who is active already (exit 1), and password-link gives them a new link", async () => {
    const active = await cli("add-operator", "ada@example.com", "--role", "support", "--data-dir", dataDir, "--url", URL_);
    expect(active).toMatchObject({ code: 1, err: ["ada@example.com is already an operator (admin). Change their role instead."] });
    // A refusal once the directory was asked is audited; mistyped input (refused before) is not.
    const db = openStore(join(dataDir, "gatehouse.sqlite"));
    try {
      const entries = (await new AuditLog(db, new FileKeySecretBox(join(dataDir, "secrets.key")), Date.now).list({ limit: 100, operation: "team.addOperator" })).entries;
      expect(entries.map((e) => [e.outcome, e.detail])).toEqual([
        ["error", "ada@example.com is already an operator (admin). Change their role instead."],
        ["ok", "invited again as admin; one-time set-password link printed"],
        ["ok", "added as admin; one-time set-password link printed"],
      ]);
    } finally {
      db.close();
    }
    const link = await cli("password-link", "ada@example.com", "--data-dir", dataDir, "--url", URL_);
    expect(link.code).toBe(0);
    expect(linkIn(link.out)).toMatch(/#set-password=/);
    expect(await cli("password-link", "bob@example.com", "--data-dir", dataDir, "--url", URL_)).toMatchObject({ code: 1, err: [expect.stringMatching(/not an operator/)] });
  });
});
