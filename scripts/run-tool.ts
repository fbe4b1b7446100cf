/** Runs a locally installed CLI (node_modules/.bin) with inherited stdio; resolves to its exit code. */
import { spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

export function runTool(tool: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const bin = path.join(ROOT, "node_modules", ".bin", process.platform === "win32" ? `${tool}.cmd` : tool);
  return new Promise((resolve) => {
    const child = spawn(bin, args, { cwd: ROOT, env, stdio: "inherit", shell: process.platform === "win32" });
    child.on("error", (error) => {
      console.error(`Could not start ${tool} (${bin}): ${error.message}. Did you run npm install?`);
      resolve(127);
    });
    child.on("exit", (code, signal) => resolve(code ?? (signal ? 128 + signalNumber(signal) : 1)));
  });
}

function signalNumber(signal: NodeJS.Signals): number {
  return signal === "SIGINT" ? 2 : signal === "SIGTERM" ? 15 : signal === "SIGKILL" ? 9 : 1;
}
