/**
 * Gatehouse in browser mode as a process of its own, for e2e tests that kill it with SIGKILL and
 * start it again on the same data folder (started by startKillableConsole in killable-console.ts).
 * No embedded core: the test runs the Core, so that the Core outlives Gatehouse as it would in
 * production. It tells its parent the URL to open, and runs operations sent over IPC through its
 * dispatcher (set-up the test does not do through the UI).
 */
import { join } from "node:path";
import { startGatehouse } from "../../../main/app.ts";
import { startBrowserMode } from "../../../main/server/index.ts";

export type ServerRequest = { id: number; op: string; input: unknown };

const dataDir = process.env.GATEHOUSE_DATA_DIR;
if (!dataDir || !process.send) throw new Error("run through startKillableConsole(): GATEHOUSE_DATA_DIR and an IPC channel are needed");
const send = process.send.bind(process);

const gatehouse = await startGatehouse({ dataDir, embeddedCore: false, operator: "e2e" });
// Port 0: a fresh port each start (the session token is new anyway, so the page is opened again).
const server = await startBrowserMode({ gatehouse, rendererDir: join(process.cwd(), "dist", "renderer"), port: 0 });

process.on("message", (request: ServerRequest) => {
  gatehouse.dispatcher.invoke(request.op, request.input, gatehouse.desktopCaller()).then(
    (envelope) => send({ id: request.id, envelope }),
    (err: unknown) => send({ id: request.id, envelope: { ok: false, error: { code: "INTERNAL", message: String(err) } } }),
  );
});
// A graceful stop (the test's close()); a kill never gets here.
process.on("disconnect", () => {
  void server
    .close()
    .then(() => gatehouse.close())
    .finally(() => process.exit(0));
});
send({ ready: true, url: server.url });
