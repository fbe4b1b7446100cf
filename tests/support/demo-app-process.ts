/**
 * The demo app as its own process (`examples/demo-app/cli.ts`, what `npm run demo-app` runs): an
 * app backend on the backend kit, for tests that need a real app on the other side of the Core
 * (Vitest and Playwright alike; no test-runner import here).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";

// The demo app imports the kit by package name; the condition resolves it to the workspace's
// TypeScript sources (as `npm run demo-app` does), so no build of the kit is needed.
const TSX = ["--import", "tsx", "--conditions=gatehouse-source"];
const ROOT = process.cwd();

export interface RunningDemoApp {
  url: string;
  close(): Promise<void>;
}

export async function startDemoAppProcess(args: string[]): Promise<RunningDemoApp> {
  const child: ChildProcess = spawn(process.execPath, [...TSX, join(ROOT, "examples/demo-app/cli.ts"), ...args], {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`demo app did not start in 20 s:\n${output}`)), 20_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const m = /demo app: (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`demo app exited with ${code}:\n${output}`));
    });
  });
  return {
    url,
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}

