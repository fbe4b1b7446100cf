/**
 * Crashing Gatehouse for real: forkGatehouse() starts one in a process of its own
 * (gatehouse-process.ts) with a typed client over IPC; crash() kills it with SIGKILL, mid-job,
 * and waits until the process is gone.
 */
import { fork, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { JobsOptions } from "../../../main/jobs/index.ts";
import { createClient, type GatehouseClient } from "../../../shared/contract/client.ts";
import type { Envelope } from "../../../shared/contract/errors.ts";

const SCRIPT = fileURLToPath(new URL("./gatehouse-process.ts", import.meta.url));

export interface ForkedGatehouse {
  client: GatehouseClient;
  pid: number;
  /** SIGKILL, then the process is gone (its in-flight requests are cut off where they are). */
  crash(): Promise<void>;
}

/** `child`: another script speaking the same IPC (e.g. one that gives Gatehouse test options), with its environment. */
export async function forkGatehouse(dataDir: string, jobs: JobsOptions = {}, child_: { script?: string; env?: Record<string, string> } = {}): Promise<ForkedGatehouse> {
  const child: ChildProcess = fork(child_.script ?? SCRIPT, [], {
    execArgv: ["--import", "tsx"],
    env: { ...process.env, ...child_.env, GATEHOUSE_DATA_DIR: dataDir, GATEHOUSE_JOBS: JSON.stringify(jobs) },
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const pending = new Map<number, (envelope: Envelope<unknown>) => void>();
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  await new Promise<void>((resolve, reject) => {
    child.on("message", (message: { ready?: true; id?: number; envelope?: Envelope<unknown> }) => {
      if (message.ready) resolve();
      else if (message.id !== undefined && message.envelope) pending.get(message.id)?.(message.envelope);
    });
    void exited.then(() => reject(new Error("the Gatehouse process ended before it was ready")));
  });
  let next = 0;
  const client = createClient({
    invoke: (op, input) =>
      new Promise((resolve, reject) => {
        const id = next++;
        pending.set(id, (envelope) => {
          pending.delete(id);
          resolve(envelope);
        });
        child.send({ id, op, input }, (err) => err && reject(err));
      }),
    subscribe: () => () => {},
  });
  return {
    client,
    pid: child.pid ?? 0,
    async crash() {
      child.kill("SIGKILL");
      await exited;
    },
  };
}
