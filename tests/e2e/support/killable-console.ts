/**
 * A Gatehouse browser-mode server the test can kill for real: gatehouse-server.ts in a child
 * process on a data folder the test owns. kill() sends SIGKILL (mid-job, its in-flight Core calls
 * cut off where they are) and waits until the process is gone; starting another on the same
 * folder is a restart. The typed client runs operations in the child for set-up and checks.
 * close() stops it gracefully (killing it after a grace period, for a test that failed mid-job).
 */
import { fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import { createClient, type GatehouseClient } from "../../../shared/contract/client.ts";
import type { Envelope } from "../../../shared/contract/errors.ts";
import type { ServerRequest } from "./gatehouse-server.ts";

const SCRIPT = fileURLToPath(new URL("./gatehouse-server.ts", import.meta.url));
const CLOSE_GRACE_MS = 10_000;

export interface KillableConsole {
  /** What to open: http://127.0.0.1:<port>/#token=<token> (a new port and token on every start). */
  url: string;
  client: GatehouseClient;
  /** SIGKILL, then the process is gone. */
  kill(): Promise<void>;
  /** A graceful stop (after the test). */
  close(): Promise<void>;
}

export async function startKillableConsole(dataDir: string): Promise<KillableConsole> {
  const { GATEHOUSE_PORT: _port, ...env } = process.env;
  const child = fork(SCRIPT, [], {
    execArgv: ["--import", "tsx"],
    env: { ...env, GATEHOUSE_DATA_DIR: dataDir },
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const pending = new Map<number, (envelope: Envelope<unknown>) => void>();
  const url = await new Promise<string>((resolve, reject) => {
    child.on("message", (message: { ready?: true; url?: string; id?: number; envelope?: Envelope<unknown> }) => {
      if (message.ready && message.url) resolve(message.url);
      else if (message.id !== undefined && message.envelope) pending.get(message.id)?.(message.envelope);
    });
    void exited.then(() => reject(new Error("the Gatehouse server process ended before it was ready")));
  });
  let next = 0;
  const client = createClient({
    invoke: (op, input) =>
      new Promise((resolve, reject) => {
        const request: ServerRequest = { id: next++, op, input };
        pending.set(request.id, (envelope) => {
          pending.delete(request.id);
          resolve(envelope);
        });
        child.send(request, (err) => err && reject(err));
      }),
    subscribe: () => () => {},
  });
  return {
    url,
    client,
    async kill() {
      child.kill("SIGKILL");
      await exited;
    },
    async close() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.disconnect();
      // A test that failed mid-job may leave calls held that a graceful stop would wait for.
      const stuck = setTimeout(() => child.kill("SIGKILL"), CLOSE_GRACE_MS);
      await exited;
      clearTimeout(stuck);
    },
  };
}
