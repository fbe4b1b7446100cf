/**
 * `npm start [-- --browser]`: Gatehouse as the desktop app when Electron's binary is installed,
 * otherwise (or with --browser) in browser mode: the same dispatcher over HTTP on 127.0.0.1.
 * Either way the renderer is (re)built first when dist/renderer is missing or older than its
 * sources, and the first run opens the Local demo profile on the embedded core with demo data.
 */
import { spawn } from "node:child_process";
import { parseArgs } from "node:util";
import { startGatehouse } from "../main/app.ts";
import { startBrowserMode } from "../main/server/index.ts";
import { browserModeDataDir } from "./data-dir.ts";
import { electronBinary } from "./electron-binary.ts";
import { bundleElectron } from "./electron-bundle.ts";
import { ensureRendererBuilt, RENDERER_OUT_DIR } from "./renderer-build.ts";
import { ROOT } from "./run-tool.ts";

const ELECTRON_MISSING =
  "Electron's binary is not installed here (it downloads on first use, and this machine cannot reach it): starting browser mode instead.";
const STOP_TIMEOUT_MS = 10_000;

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { browser: { type: "boolean", default: false } }, strict: true });
  await ensureRendererBuilt();
  if (values.browser) return runBrowserMode();
  const binary = electronBinary();
  if (binary) return runElectron(binary);
  console.log(ELECTRON_MISSING);
  return runBrowserMode();
}

async function runElectron(binary: string): Promise<void> {
  const { main: entry } = await bundleElectron();
  // ELECTRON_RUN_AS_NODE in the caller's environment would turn Electron into plain Node.
  const { ELECTRON_RUN_AS_NODE: _runAsNode, ...env } = process.env;
  const child = spawn(binary, [entry], { cwd: ROOT, env, stdio: "inherit" });
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => child.kill(signal));
  await new Promise<void>((resolve, reject) => {
    child.on("error", (err) => reject(new Error(`Could not start Electron (${binary}): ${err.message}`)));
    child.on("exit", (code, signal) => {
      process.exitCode = code ?? (signal === "SIGINT" || signal === "SIGTERM" ? 0 : 1);
      resolve();
    });
  });
}

async function runBrowserMode(): Promise<void> {
  const dataDir = browserModeDataDir();
  const gatehouse = await startGatehouse({ dataDir });
  let server;
  try {
    server = await startBrowserMode({ gatehouse, rendererDir: RENDERER_OUT_DIR });
  } catch (err) {
    await gatehouse.close();
    throw err;
  }
  console.log(`Gatehouse is running in browser mode: open ${server.url}`);
  console.log(`Data folder: ${dataDir}. Press Ctrl-C to stop.`);

  const running = server;
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    setTimeout(() => {
      console.error(`Gatehouse did not stop within ${STOP_TIMEOUT_MS / 1000} s of ${signal}; exiting anyway.`);
      process.exit(1);
    }, STOP_TIMEOUT_MS).unref();
    running
      .close()
      .then(() => gatehouse.close())
      .then(
        () => process.exit(0),
        (err: unknown) => {
          console.error(`Gatehouse stopped with an error: ${err instanceof Error ? err.message : String(err)}`);
          process.exit(1);
        },
      );
  };
  // `on`, not `once`: Ctrl-C reaches this process both from the terminal and relayed by tsx, and a
  // second signal must not fall through to Node's default (exit at once, mid-close).
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

main().catch((err: unknown) => {
  const message = err instanceof Error ? err.message : String(err);
  console.error(process.env.GATEHOUSE_DEBUG && err instanceof Error ? (err.stack ?? message) : `Gatehouse could not start: ${message}`);
  process.exit(1);
});
