/** Starting and driving second Gatehouse processes (console-process.ts) on one Core. */
import { fork, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Envelope } from "../../../shared/contract/errors.ts";
import type { ConsoleRequest } from "./console-process.ts";

type Body<R> = R extends unknown ? Omit<R, "id"> : never;

export interface ConsoleProcess {
  child: ChildProcess;
  request(body: Body<ConsoleRequest>): Promise<Envelope<unknown>>;
  /** SIGKILL, as a crash or a power cut would; resolves once the process is gone. */
  kill(): Promise<void>;
  close(): Promise<void>;
}

export async function startConsoleProcess(coreUrl: string, operator: string): Promise<ConsoleProcess> {
  const dataDir = mkdtempSync(join(tmpdir(), "gatehouse-console-"));
  const child = fork(fileURLToPath(new URL("./console-process.ts", import.meta.url)), [], {
    execArgv: ["--import", "tsx"],
    env: { ...process.env, GATEHOUSE_CORE_URL: coreUrl, GATEHOUSE_DATA_DIR: dataDir, GATEHOUSE_OPERATOR: operator },
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const pending = new Map<number, (envelope: Envelope<unknown>) => void>();
  let nextId = 1;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  await new Promise<void>((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`the console process exited early (${code})`)));
    child.on("message", (message: { ready?: boolean; id?: number; envelope?: Envelope<unknown> }) => {
      if (message.ready) resolve();
      else if (message.id !== undefined && message.envelope) pending.get(message.id)?.(message.envelope);
    });
  });
  const cleanup = () => rmSync(dataDir, { recursive: true, force: true });
  return {
    child,
    request(body) {
      const id = nextId++;
      return new Promise((resolve) => {
        pending.set(id, resolve);
        child.send({ ...body, id });
      });
    },
    async kill() {
      child.kill("SIGKILL");
      await exited;
      cleanup();
    },
    async close() {
      if (child.exitCode === null && child.signalCode === null) {
        child.disconnect();
        await exited;
      }
      cleanup();
    },
  };
}
