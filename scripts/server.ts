/**
 * `npm run server -- --config <file>`: the Gatehouse team server (main/team-server/). With a
 * command, the operator commands of main/team/cli.ts on the same config:
 *
 *   npm run server -- add-operator <email> --role admin|support|auditor --config <file>
 *   npm run server -- password-link <email> --config <file>
 *
 * Both print a one-time set-password link for the config's publicUrl. The renderer is (re)built
 * first when dist/renderer is missing or older than its sources, as for `npm start`.
 */
import { userInfo } from "node:os";
import { parseArgs } from "node:util";
import { ConfigError, loadServerConfig, type ServerConfig } from "../main/team-server/config.ts";
import { listeningOrigin } from "../main/team-server/hosts.ts";
import { startTeamServer } from "../main/team-server/index.ts";
import { runTeamCli } from "../main/team/cli.ts";
import { ensureRendererBuilt, RENDERER_OUT_DIR } from "./renderer-build.ts";

const USAGE = `Usage:
  npm run server -- --config <file>                                     start the team server
  npm run server -- add-operator <email> --role admin|support|auditor --config <file>
  npm run server -- password-link <email> --config <file>
See server.example.json and the README's "Team server".`;
const STOP_TIMEOUT_MS = 10_000;

async function main(): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ allowPositionals: true, options: { config: { type: "string" }, role: { type: "string" }, help: { type: "boolean" } } });
  } catch (err) {
    console.error(`${err instanceof Error ? err.message : String(err)}\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) return (console.log(USAGE), 0);
  if (!values.config) return (console.error(`Give the server's config file with --config <file>.\n${USAGE}`), 2);
  let config: ServerConfig;
  try {
    config = loadServerConfig(values.config);
  } catch (err) {
    if (err instanceof ConfigError) return (console.error(`The config is not valid: ${err.message}`), 1);
    throw err;
  }
  if (positionals.length > 0) return operatorCommand(config, positionals, values.role);
  if (values.role !== undefined) return (console.error(`--role goes with add-operator.\n${USAGE}`), 2);
  await serve(config);
  return -1; // keeps running until a signal
}

/** add-operator / password-link: main/team/cli.ts, with the data folder, URL and directory from the config. */
async function operatorCommand(config: ServerConfig, positionals: string[], role: string | undefined): Promise<number> {
  const url = config.publicUrl ?? (config.listen.port === 0 ? undefined : listeningOrigin(config.listen.host, config.listen.port, Boolean(config.tls)));
  if (!url) return (console.error("publicUrl: give it in the config (listen.port is 0, so the link's address is not known)."), 1);
  const d = config.operatorDirectory;
  const argv = [
    ...positionals,
    ...(role === undefined ? [] : ["--role", role]),
    "--data-dir",
    config.dataDir,
    "--url",
    url,
    ...(d.kind === "core" ? ["--directory-core", d.uri, ...(d.apiKeyFile ? ["--directory-api-key-file", d.apiKeyFile] : []), ...(d.tenantId ? ["--directory-tenant", d.tenantId] : [])] : []),
  ];
  // The link and its audit entry go where the server's instances read them: its key file, its PostgreSQL.
  const stores = { serverKeyFile: config.serverKeyFile, ...(config.store.kind === "postgres" ? { postgresUrl: config.store.url } : {}) };
  return runTeamCli(argv, { out: (l) => console.log(l), err: (l) => console.error(l), env: {}, user: osUser() }, stores);
}

async function serve(config: ServerConfig): Promise<void> {
  await ensureRendererBuilt();
  const server = await startTeamServer({ config, rendererDir: RENDERER_OUT_DIR });
  const how = server.tls ? "HTTPS" : "plain HTTP";
  console.log(`Gatehouse team server is running: open ${server.origin}/`);
  console.log(`Listening on ${config.listen.host}:${server.port} (${how}). Data folder: ${config.dataDir}. Press Ctrl-C to stop.`);
  if (config.trustedProxies.length > 0) console.log(`X-Forwarded-For is believed from: ${config.trustedProxies.join(", ")}.`);

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    setTimeout(() => {
      console.error(`The team server did not stop within ${STOP_TIMEOUT_MS / 1000} s of ${signal}; exiting anyway.`);
      process.exit(1);
    }, STOP_TIMEOUT_MS).unref();
    server.close().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error(`The team server stopped with an error: ${err instanceof Error ? err.message : String(err)}`);
        process.exit(1);
      },
    );
  };
  // `on`, not `once`: Ctrl-C reaches this process from the terminal and relayed by tsx alike.
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

function osUser(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? "unknown";
  }
}

main().then(
  (code) => {
    if (code >= 0) process.exit(code);
  },
  (err: unknown) => {
    const message = err instanceof Error ? err.message : String(err);
    console.error(process.env.GATEHOUSE_DEBUG && err instanceof Error ? (err.stack ?? message) : `The team server could not start: ${message}`);
    process.exit(1);
  },
);
