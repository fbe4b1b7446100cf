/**
 * One team-server instance in a process of its own, for two-servers.test.ts: startTeamServer on
 * the config file given as the first argument, as `npm run server -- --config <file>` starts it,
 * but with the stand-in renderer at SCALE_RENDERER_DIR (so nothing is built while the test runs).
 * It tells the parent its origin over IPC ({ origin }, or { error }); SIGTERM closes it; the test
 * may SIGKILL it instead. Its own lines go to stderr, prefixed with SCALE_INSTANCE.
 */
import { loadServerConfig } from "../../main/team-server/config.ts";
import { startTeamServer } from "../../main/team-server/index.ts";

const [configFile] = process.argv.slice(2);
const { SCALE_RENDERER_DIR: rendererDir, SCALE_INSTANCE: name = "instance" } = process.env;
if (!configFile || !rendererDir || !process.send) throw new Error("run by tests/scale-out/two-servers.test.ts: a config file argument, SCALE_RENDERER_DIR and an IPC channel are needed");
const send = process.send.bind(process);

try {
  const server = await startTeamServer({ config: loadServerConfig(configFile), rendererDir, log: (line) => console.error(`[${name}] ${line}`) });
  process.on("SIGTERM", () => {
    void server.close().then(() => process.exit(0));
  });
  send({ origin: server.origin });
} catch (err) {
  send({ error: err instanceof Error ? err.message : String(err) }, () => process.exit(1));
}
