/**
 * The team server: the desktop's composition (startGatehouse: contract, dispatcher, services, the
 * embedded demo core) behind one HTTP(S) server for operators who sign in (main/team/), serving
 * the same renderer. The Cores' API keys stay here, sealed with the server's key in the data
 * folder; the caller of every call is the signed-in operator.
 *
 * One data folder holds it all: gatehouse.sqlite (profiles, audit log, jobs, the team's sessions,
 * links and TOTP secrets), secrets.key (seals API keys, TOTP secrets and the audit key; or the
 * config's serverKeyFile), embedded-core.sqlite (the demo core) and operators-core.sqlite (the
 * embedded operator directory). With `store: postgres` (several instances) the sessions, links,
 * TOTP, throttling, audit trail and jobs are in that database instead, shared by every instance.
 *
 * Several instances share one PostgreSQL (config `store`): sessions, the audit chain and jobs live
 * there. Their connection profiles are the config's (`profiles`, `activeProfile`), written into
 * each instance's own store at start with the config's ids, and the console may not change them,
 * so that every instance knows the profile a job was planned for and works in the same one.
 */
import { mkdirSync, readFileSync } from "node:fs";
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { startGatehouse, type Gatehouse, type GatehouseOptions } from "../app.ts";
import { teamPermissions } from "./permissions.ts";
import type pg from "pg";
import { FileKeySecretBox } from "../secrets/file-key-box.ts";
import { DEFAULT_MAX_BODY_BYTES } from "../server/index.ts";
import { sendJson } from "../server/respond.ts";
import type { AuditSink } from "../services/audit-stream/sink.ts";
import { openStore, type StoreDb } from "../store/database.ts";
import { auditLogSink, type TeamAudit } from "../team/audit.ts";
import { createTeam, type Team, type TeamOptions } from "../team/index.ts";
import { openDirectoryCore, type DirectoryCore } from "../team/operator-core.ts";
import { PostgresTeamStore } from "../team/store/postgres-team-store.ts";
import { SqliteTeamStore } from "../team/store/sqlite-team-store.ts";
import { fileSink } from "../services/audit-stream/file-sink.ts";
import { syslogSink } from "../services/audit-stream/syslog-sink.ts";
import { openPostgres } from "../store/postgres/pool.ts";
import { isPostgresUnavailable } from "../store/postgres/unavailable.ts";
import { ProfilesService } from "../services/profiles.ts";
import type { SecretBox } from "../secrets/secret-box.ts";
import { GatehouseError } from "../../shared/contract/errors.ts";
import { ConfigError, type ServerConfig } from "./config.ts";
import { SessionEventStreams } from "./event-stream.ts";
import { listeningOrigin } from "./hosts.ts";
import { operatorHandlers } from "./operators-handlers.ts";
import { teamServerHandler } from "./routes.ts";

export interface TeamServerOptions {
  config: ServerConfig;
  /** The built renderer (dist/renderer). */
  rendererDir: string;
  /** Where the server's own lines go (never a secret); default console.log. */
  log?: (line: string) => void;
  /** Tests: the demo core in memory, job tuning. */
  gatehouse?: Pick<GatehouseOptions, "embeddedCoreInMemory" | "jobs" | "mailer">;
  /** More places the audit trail is streamed to, besides those the config names (tests). */
  auditSinks?: AuditSink[];
  /** Tests: the team's clock and sign-in throttle. */
  team?: Pick<TeamOptions, "now" | "throttle">;
  /** Keep-alive comments on /api/events (default 15 s); how often a stream's session is checked (default 2 s). */
  heartbeatMs?: number;
  sessionCheckMs?: number;
}

export interface TeamServer {
  /** The origin browsers use (publicUrl, or the listening address). */
  origin: string;
  port: number;
  tls: boolean;
  team: Team;
  /** Where sign-in and operator events are written (the console's audit log). */
  audit: TeamAudit;
  gatehouse: Gatehouse;
  close(): Promise<void>;
}

/** What profiles.create/update/remove/switch answer when the profiles are the config's (PostgreSQL). */
export const PROFILES_IN_CONFIG =
  "This team server's connection profiles are set in its config file (profiles, activeProfile): change them there and restart every instance.";

export async function startTeamServer(options: TeamServerOptions): Promise<TeamServer> {
  const { config } = options;
  const log = options.log ?? ((line: string) => console.log(line));
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });

  // Listening first: with port 0 the origin (for set-password links) is known only then.
  let handle: (req: IncomingMessage, res: ServerResponse) => Promise<void> = async (_req, res) =>
    sendJson(res, 503, { ok: false, error: { code: "INTERNAL", message: "Gatehouse is starting; try again in a moment." } });
  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    handle(req, res).catch((err: unknown) => {
      log(`team server: ${req.method ?? "?"} ${(req.url ?? "").split("?")[0]} failed: ${err instanceof Error ? err.message : String(err)}`);
      if (res.headersSent) return void res.destroy();
      if (isPostgresUnavailable(err)) {
        res.setHeader("Retry-After", "5");
        return sendJson(res, 503, { ok: false, error: { code: "INTERNAL", message: "The server's database (PostgreSQL) is not reachable right now; nothing was done. Try again in a moment." } });
      }
      sendJson(res, 500, { ok: false, error: { code: "INTERNAL", message: "Something went wrong on the server; try again." } });
    });
  };
  const server: Server = config.tls ? createHttpsServer({ cert: readFileSync(config.tls.cert), key: readFileSync(config.tls.key) }, onRequest) : createHttpServer(onRequest);
  const port = await listen(server, config.listen.port, config.listen.host);
  const origin = config.publicUrl ?? listeningOrigin(config.listen.host, port, Boolean(config.tls));
  const secure = origin.startsWith("https:");

  let db: StoreDb | undefined;
  let pool: pg.Pool | undefined;
  let directory: DirectoryCore | undefined;
  let gatehouse: Gatehouse | undefined;
  try {
    db = openStore(join(config.dataDir, "gatehouse.sqlite"));
    const secrets = new FileKeySecretBox(config.serverKeyFile);
    applyConfiguredProfiles(config, db, secrets, log);
    // Several instances behind a load balancer share one PostgreSQL: sessions, the audit trail and jobs live there.
    pool = config.store.kind === "postgres" ? await openPostgres(config.store.url) : undefined;
    const sinks = [...streamSinks(config, log), ...(options.auditSinks ?? [])];
    // Sign-ins and operator changes go to the console's own audit trail (one chain, the same sinks),
    // which exists once Gatehouse has started, after the team (it hands Gatehouse the operators.*
    // handlers). Nothing is signed in before the server answers requests, which is later still.
    const started: { gatehouse?: Gatehouse } = {};
    const audit: TeamAudit = {
      async record(event) {
        const running = started.gatehouse;
        if (!running) throw new Error("The audit trail is not open yet.");
        await auditLogSink(running.audit, (entry) => running.events.emit("audit.appended", { seq: entry.seq, operation: entry.operation })).record(event);
      },
    };
    directory = await openDirectoryCore({ dataDir: config.dataDir, db, secrets, config: directoryConfig(config) });
    const limits = Object.fromEntries(Object.entries(config.sessions).filter(([, v]) => v !== undefined)) as TeamOptions["limits"];
    const team = await createTeam({ core: directory.core, tenantId: directory.tenantId, store: pool ? new PostgresTeamStore(pool) : new SqliteTeamStore(db), secrets, audit, publicUrl: origin, log, ...(limits ? { limits } : {}), ...options.team });
    gatehouse = await startGatehouse({
      dataDir: config.dataDir,
      secrets,
      embeddedCore: config.demoCore,
      operators: operatorHandlers(team.admin),
      permissionOf: teamPermissions,
      auditSinks: sinks,
      ...(pool ? { postgres: pool, profilesReadOnly: PROFILES_IN_CONFIG } : {}),
      ...options.gatehouse,
    });
    started.gatehouse = gatehouse;
    const streams = new SessionEventStreams({ events: gatehouse.events, heartbeatMs: options.heartbeatMs ?? 15_000, checkMs: options.sessionCheckMs ?? 2_000 });
    handle = teamServerHandler({ team, dispatcher: gatehouse.dispatcher, streams, rendererDir: options.rendererDir, origin, secure, trustedProxies: config.trustedProxies, maxBodyBytes: DEFAULT_MAX_BODY_BYTES });
    const running = { gatehouse, directory, db, streams, pool };
    return {
      origin,
      port,
      tls: Boolean(config.tls),
      team,
      audit,
      gatehouse,
      async close() {
        running.streams.closeAll();
        await closeServer(server);
        await running.gatehouse.close();
        await running.directory.close();
        running.db.close();
        await running.pool?.end();
      },
    };
  } catch (err) {
    await closeServer(server);
    await gatehouse?.close();
    await directory?.close();
    db?.close();
    await pool?.end();
    throw err;
  }
}

/**
 * The config's profiles into this instance's store, before Gatehouse starts (so it opens on the
 * config's active profile, and makes no Local demo when the config gives profiles). On PostgreSQL
 * the config's list is the whole list: every instance holds the same profiles, whatever it held before.
 */
function applyConfiguredProfiles(config: ServerConfig, db: StoreDb, secrets: SecretBox, log: (line: string) => void): void {
  const shared = config.store.kind === "postgres";
  if (!config.profiles) {
    if (shared) log('team server: no "profiles" in the config: on PostgreSQL the console cannot add any, and each instance has only its own Local demo.');
    return;
  }
  const profiles = config.profiles.list.map(({ apiKeyFile, ...p }, i) => ({ ...p, apiKey: apiKeyFile === undefined ? undefined : readKey(apiKeyFile, i) }));
  try {
    new ProfilesService({ db, secrets, now: Date.now, embeddedCoreUrl: () => undefined }).applyConfigured(profiles, { active: config.profiles.active, exclusive: shared });
  } catch (err) {
    if (err instanceof GatehouseError) throw new ConfigError("profiles", err.message);
    throw err;
  }
  log(`team server: connection profiles from the config: ${profiles.map((p) => p.id).join(", ")}; active: ${config.profiles.active}.`);
}

function readKey(file: string, index: number): string {
  const key = readFileSync(file, "utf8").trim();
  if (key === "") throw new ConfigError(`profiles[${index}].apiKeyFile`, `${file} is empty: it should hold the Core's API key.`);
  return key;
}

/** The audit stream the config asks for: a file and/or syslog, one JSON line per entry. */
function streamSinks(config: ServerConfig, log: (line: string) => void): AuditSink[] {
  return [
    ...(config.audit.file ? [fileSink(config.audit.file, log)] : []),
    ...(config.audit.syslog ? [syslogSink(config.audit.syslog, log)] : []),
  ];
}

function directoryConfig(config: ServerConfig): Parameters<typeof openDirectoryCore>[0]["config"] {
  const d = config.operatorDirectory;
  if (d.kind === "embedded") return {};
  return {
    uris: [d.uri],
    ...(d.apiKeyFile ? { apiKey: readFileSync(d.apiKeyFile, "utf8").trim() } : {}),
    ...(d.tenantId ? { tenantId: d.tenantId } : {}),
  };
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", (err: NodeJS.ErrnoException) => {
      reject(
        err.code === "EADDRINUSE"
          ? new Error(`listen.port: port ${port} on ${host} is already in use; choose another in the config.`)
          : err.code === "EADDRNOTAVAIL"
            ? new Error(`listen.host: ${host} is not an address of this machine.`)
            : err.code === "EACCES"
              ? new Error(`listen.port: this user may not listen on port ${port} (ports below 1024 need privileges; use a reverse proxy or a higher port).`)
              : err,
      );
    });
    server.listen(port, host.replace(/^\[(.*)\]$/, "$1"), () => resolve((server.address() as AddressInfo).port));
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) return resolve();
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
