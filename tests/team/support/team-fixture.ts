/**
 * A team module for a test file, built from real parts: the embedded core in-process (in memory,
 * demanding an API key) as the operator directory over HTTP, Gatehouse's SQLite store in a
 * temporary folder, the file-key SecretBox, and the chained AuditLog. The team's clock is the
 * test's to move (the Core keeps real time); every log line is kept for the secrets check.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CoreClient } from "../../../main/core/core-client.ts";
import { startEmbeddedCore, type RunningEmbeddedCore } from "../../../main/embedded-core/index.ts";
import { FileKeySecretBox } from "../../../main/secrets/file-key-box.ts";
import { AuditLog } from "../../../main/services/audit-log.ts";
import { openStore, type StoreDb } from "../../../main/store/database.ts";
import { auditLogSink } from "../../../main/team/audit.ts";
import { auditEntriesIn } from "../../support/audit-rows.ts";
import { createTeam, type Team, type TeamOptions } from "../../../main/team/index.ts";
import { addOperator } from "../../../main/team/operators/add-operator.ts";
import { SqliteTeamStore } from "../../../main/team/store/sqlite-team-store.ts";
import type { Caller } from "../../../main/team/types.ts";
import type { OperatorRole } from "../../../shared/contract/permissions.ts";
import type { AuditEntry } from "../../../shared/contract/schemas.ts";
import { coreReads } from "../../main/helpers/core-reads.ts";

export const API_KEY = "team-directory-key-0123456789-abcdef";
export const PUBLIC_URL = "https://gatehouse.test";
export const T0 = Date.UTC(2025, 8, 1, 9, 0, 0);

export interface TeamFixture {
  team: Team;
  db: StoreDb;
  dataDir: string;
  coreUrl: string;
  /** Raw CDI reads of the directory's Core, apart from the team's own client. */
  core: ReturnType<typeof coreReads>;
  auditLog: AuditLog;
  logs: string[];
  now(): number;
  advance(ms: number): void;
  /** Adds an operator (as the command line does) and sets their password with the printed link. */
  operator(email: string, role: OperatorRole, password?: string): Promise<{ userId: string; password: string }>;
  /** Signs in with the password (no second factor) and answers the session. */
  signIn(email: string, password: string, address?: string): Promise<{ token: string; csrfToken: string; caller: Caller }>;
  audit(): AuditEntry[];
  close(): Promise<void>;
}

export const tokenOf = (url: string): string => new URL(url).hash.replace(/^#set-password=/, "");

export async function startTeamFixture(options: Partial<Pick<TeamOptions, "limits" | "throttle">> = {}): Promise<TeamFixture> {
  const dataDir = mkdtempSync(join(tmpdir(), "gatehouse-team-"));
  let embedded: RunningEmbeddedCore | undefined;
  let db: StoreDb | undefined;
  try {
    embedded = await startEmbeddedCore({ apiKeys: [API_KEY], bulkImportIntervalMs: 0 });
    db = openStore(join(dataDir, "gatehouse.sqlite"));
    let clock = T0;
    const now = () => clock;
    const secrets = new FileKeySecretBox(join(dataDir, "secrets.key"));
    const auditLog = new AuditLog(db, secrets, now);
    const audit = auditLogSink(auditLog);
    const logs: string[] = [];
    const team = await createTeam({
      core: new CoreClient({ uris: [embedded.url], apiKey: API_KEY, timeoutMs: 10_000 }),
      store: new SqliteTeamStore(db),
      secrets,
      audit,
      publicUrl: PUBLIC_URL,
      now,
      log: (line) => logs.push(line),
      ...options,
    });
    const running = embedded;
    const store = db;
    const fixture: TeamFixture = {
      team,
      db: store,
      dataDir,
      coreUrl: running.url,
      core: coreReads(running.url, API_KEY),
      auditLog,
      logs,
      now,
      advance: (ms) => {
        clock += ms;
      },
      async operator(email, role, password = `pw-${email}-Correct-Horse`) {
        const created = await addOperator({ directory: team.directory, links: team.links, audit, now }, { email, role }, "cli:tester");
        await team.setPassword({ token: tokenOf(created.link.url), password }, "127.0.0.1");
        return { userId: created.userId, password };
      },
      async signIn(email, password, address = "192.0.2.10") {
        const step = await team.signIn.withPassword({ email, password }, address);
        if (step.kind !== "session") throw new Error(`expected a session, got ${step.kind}`);
        return step.session;
      },
      audit: () => auditEntriesIn(store),
      async close() {
        store.close();
        await running.close();
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
    return fixture;
  } catch (err) {
    db?.close();
    await embedded?.close();
    throw err;
  }
}
