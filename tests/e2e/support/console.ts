/**
 * A real Gatehouse in browser mode for an end-to-end test: the main process (with the embedded
 * core and its demo data) in this worker, the built renderer served over HTTP, and the typed
 * client for checks and set-up that do not need the UI.
 */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startGatehouse, type Gatehouse } from "../../../main/app.ts";
import { startBrowserMode, type BrowserMode } from "../../../main/server/index.ts";
import { createClient, type GatehouseClient } from "../../../shared/contract/client.ts";
import type { EventName } from "../../../shared/contract/events.ts";
import type { JobsOptions } from "../../../main/jobs/index.ts";

export interface ConsoleUnderTest {
  url: string;
  /** The embedded local core the console's Local demo profile is connected to (other apps may use it too). */
  coreUrl: string;
  client: GatehouseClient;
  /** With `coreInFile`: the embedded core's database file (tests may add rows to it, e.g. thousands of users). */
  coreDbFile: string | undefined;
  /** Gatehouse's own data folder (gatehouse.sqlite, the key file). */
  dataDir: string;
  close(): Promise<void>;
}

const RENDERER_DIR = join(process.cwd(), "dist", "renderer");

export async function startConsole(options: { coreInFile?: boolean; jobs?: JobsOptions } = {}): Promise<ConsoleUnderTest> {
  if (!existsSync(join(RENDERER_DIR, "index.html"))) {
    throw new Error("dist/renderer is missing: run `npm run build:renderer` first (npm test and npm run test:e2e do).");
  }
  const dataDir = mkdtempSync(join(tmpdir(), "gatehouse-e2e-"));
  let gatehouse: Gatehouse | undefined;
  let server: BrowserMode | undefined;
  try {
    gatehouse = await startGatehouse({ dataDir, embeddedCoreInMemory: !options.coreInFile, operator: "e2e", ...(options.jobs ? { jobs: options.jobs } : {}) });
    server = await startBrowserMode({ gatehouse, rendererDir: RENDERER_DIR, port: 0 });
  } catch (err) {
    await gatehouse?.close();
    rmSync(dataDir, { recursive: true, force: true });
    throw err;
  }
  const g = gatehouse;
  const client = createClient({
    invoke: (op, input) => g.dispatcher.invoke(op, input, g.desktopCaller()),
    subscribe: (handler) => g.events.on((name, payload) => handler(name as EventName, payload)),
  });
  const s = server;
  const coreUrl = g.embeddedCoreUrl;
  if (!coreUrl) throw new Error("the console started without its embedded core");
  return {
    url: s.url,
    coreUrl,
    client,
    coreDbFile: options.coreInFile ? join(dataDir, "embedded-core.sqlite") : undefined,
    dataDir,
    async close() {
      await s.close();
      await g.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
