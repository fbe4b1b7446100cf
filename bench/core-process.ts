/**
 * The embedded core in a process of its own, on a database file, as the benchmarks run it: each
 * side of a comparison gets its own, so neither pays for the other's core in its own CPU.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

export interface CoreProcess {
  url: string;
  /** CPU seconds the core's process has used so far (NaN once it is gone). */
  cpuSeconds(): number;
  close(): Promise<void>;
}

/** Starts `npm run core` on `dbFile` (plus `extraArgs`) and waits for its "ready at" line. */
export async function spawnCore(dbFile: string, extraArgs: readonly string[] = []): Promise<CoreProcess> {
  const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", path.join(ROOT, "main/embedded-core/cli.ts"), "--port", "0", "--db", dbFile, ...extraArgs], {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "inherit"],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = "";
    child.stdout?.setEncoding("utf8");
    child.stdout?.on("data", (chunk: string) => {
      out += chunk;
      const match = /ready at (http:\/\/\S+)/.exec(out);
      if (match?.[1]) resolve(match[1]);
    });
    child.once("exit", (code) => reject(new Error(`the core process ended (exit ${code}) before it was ready: ${out}`)));
    child.once("error", reject);
  });
  return {
    url,
    cpuSeconds: () => {
      try {
        // utime + stime, in clock ticks (fields 14 and 15 of /proc/<pid>/stat).
        const fields = readFileSync(`/proc/${child.pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
        return (Number(fields[11]) + Number(fields[12])) / 100;
      } catch {
        return NaN;
      }
    },
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}
