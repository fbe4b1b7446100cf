/**
 * LegacyAuth as its own process (`examples/legacy-auth/cli.ts`, what `npm run legacy-auth` runs),
 * for tests and benchmarks that need the provider on the other side of a real network hop (Vitest,
 * Playwright and the bench alike; no test-runner import here).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";

const TSX = ["--import", "tsx"];
const ROOT = process.cwd();

export interface RunningLegacyAuthProcess {
  url: string;
  /** Resolves once the service reports every password hash computed (see examples/legacy-auth/passwords.ts). */
  hashesReady(): Promise<void>;
  close(): Promise<void>;
}

/** `args` as for `npm run legacy-auth --` (a port is added: 0, a free one). */
export async function startLegacyAuthProcess(args: string[]): Promise<RunningLegacyAuthProcess> {
  const child: ChildProcess = spawn(process.execPath, [...TSX, join(ROOT, "examples/legacy-auth/cli.ts"), "--port", "0", ...args], {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`legacy auth did not start in 20 s:\n${output}`)), 20_000);
    child.stdout?.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      const m = /legacy auth: (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`legacy auth exited with ${code}:\n${output}`));
    });
  });
  return {
    url,
    async hashesReady() {
      for (;;) {
        const health = (await (await fetch(`${url}/health`)).json()) as { users: number; hashed: number };
        if (health.hashed >= health.users) return;
        await new Promise((resolve) => setTimeout(resolve, 200));
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
