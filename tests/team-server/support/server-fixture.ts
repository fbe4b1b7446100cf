/**
 * A team server for a test file, from real parts: startTeamServer on an ephemeral loopback port
 * with a temporary data folder (the embedded operator directory kept there, the demo core in
 * memory), a stand-in renderer, and a clock the test moves for the team (sessions, links). Every
 * log line is kept for the secrets check. Operators are added as the command line adds them and
 * set their password with the printed link (the set-password route itself is tested in tests/team/).
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileSink } from "../../../main/services/audit-stream/file-sink.ts";
import { openStore } from "../../../main/store/database.ts";
import { parseServerConfig, type ServerConfigFile } from "../../../main/team-server/config.ts";
import { startTeamServer, type TeamServer, type TeamServerOptions } from "../../../main/team-server/index.ts";
import { addOperator } from "../../../main/team/operators/add-operator.ts";
import type { OperatorRole } from "../../../shared/contract/permissions.ts";
import type { AuditEntry } from "../../../shared/contract/schemas.ts";
import { stubRenderer } from "../../server/helpers.ts";
import { auditEntriesIn } from "../../support/audit-rows.ts";
import { Browser } from "../../team/support/team-http.ts";

export const T0 = Date.UTC(2025, 9, 1, 9, 0, 0);

export interface ServerFixture {
  server: TeamServer;
  origin: string;
  dataDir: string;
  rendererDir: string;
  logs: string[];
  advance(ms: number): void;
  /** Adds an operator (as `add-operator` does) and sets their password with the link. */
  operator(email: string, role: OperatorRole): Promise<{ email: string; password: string }>;
  /** A browser signed in as `email`, coming from `address` (through the trusted proxy 127.0.0.1). */
  signedIn(email: string, password: string, address?: string): Promise<Browser>;
  audit(): AuditEntry[];
  /** The audit stream's lines (a file sink in the data folder), parsed. */
  streamed(): (AuditEntry & { type: string })[];
  close(): Promise<void>;
}

export async function startServerFixture(
  config: Partial<ServerConfigFile> = {},
  extra: Partial<Pick<TeamServerOptions, "team" | "sessionCheckMs">> = {},
): Promise<ServerFixture> {
  const dataDir = mkdtempSync(path.join(tmpdir(), "gatehouse-team-server-"));
  const stub = stubRenderer();
  const logs: string[] = [];
  let clock = T0;
  const parsed = parseServerConfig({ listen: { host: "127.0.0.1", port: 0 }, dataDir: "data", trustedProxies: ["127.0.0.1"], ...config }, dataDir);
  let server: TeamServer;
  try {
    server = await startTeamServer({
      config: parsed,
      rendererDir: stub.rendererDir,
      log: (line) => logs.push(line),
      gatehouse: { embeddedCoreInMemory: true },
      auditSinks: [fileSink(path.join(dataDir, "audit.jsonl"))],
      team: { now: () => clock },
      heartbeatMs: 100,
      sessionCheckMs: 100,
      ...extra,
    });
  } catch (err) {
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(stub.base, { recursive: true, force: true });
    throw err;
  }
  const running = server;
  const { team } = server;
  return {
    server,
    origin: server.origin,
    dataDir,
    rendererDir: stub.rendererDir,
    logs,
    advance: (ms) => {
      clock += ms;
    },
    async operator(email, role) {
      const password = `Pw-${email}-correct-horse-battery`;
      const created = await addOperator({ directory: team.directory, links: team.links, audit: running.audit, now: () => clock }, { email, role }, "cli:tester");
      const token = new URL(created.link.url).hash.replace(/^#set-password=/, "");
      await team.setPassword({ token, password }, "127.0.0.1");
      return { email, password };
    },
    async signedIn(email, password, address = "192.0.2.10") {
      const browser = new Browser(running.origin, { "x-forwarded-for": address });
      const answer = await browser.post("/api/team/sign-in", { email, password });
      if (answer.body.value?.step !== "signed-in") throw new Error(`sign-in failed: ${JSON.stringify(answer.body)}`);
      return browser;
    },
    audit: () => {
      // A reader of its own on the server's files, as `audit.list` reads them: the one trail.
      const db = openStore(path.join(parsed.dataDir, "gatehouse.sqlite"));
      try {
        return auditEntriesIn(db);
      } finally {
        db.close();
      }
    },
    streamed: () =>
      readFileSync(path.join(dataDir, "audit.jsonl"), "utf8")
        .split("\n")
        .filter(Boolean)
        .map((line) => JSON.parse(line) as AuditEntry & { type: string }),
    async close() {
      await running.close();
      rmSync(dataDir, { recursive: true, force: true });
      rmSync(stub.base, { recursive: true, force: true });
    },
  };
}

/** POST /api/invoke from a signed-in browser; answers the envelope and the HTTP status. */
export async function invoke(browser: Browser, op: string, input: unknown = {}): Promise<{ status: number; ok: boolean; value: Record<string, unknown> | undefined; error: { code: string; message: string; field?: string } | undefined }> {
  const answer = await browser.post("/api/invoke", { op, input });
  return { status: answer.status, ok: answer.body.ok, value: answer.body.value, error: answer.body.error };
}
