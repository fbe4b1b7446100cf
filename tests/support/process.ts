/** For tests that run one of our scripts as a real process: a free loopback port, and waiting for a line it prints. */
import type { ChildProcess } from "node:child_process";
import { createServer } from "node:net";

/** A port nothing listens on right now (the OS picks it; closed again before it is answered). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      probe.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

/**
 * Resolves with everything printed so far once `pattern` shows up on stdout; rejects, with both
 * outputs, on timeout or when the process exits first (`what` names it in that message).
 */
export function waitForOutput(proc: ChildProcess, pattern: RegExp, timeoutMs: number, what = "the process"): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = "";
    let err = "";
    const timer = setTimeout(() => reject(new Error(`no ${pattern} within ${timeoutMs} ms; stdout:\n${out}\nstderr:\n${err}`)), timeoutMs);
    proc.stdout?.on("data", (chunk: Buffer) => {
      out += chunk.toString("utf8");
      if (pattern.test(out)) {
        clearTimeout(timer);
        resolve(out);
      }
    });
    proc.stderr?.on("data", (chunk: Buffer) => (err += chunk.toString("utf8")));
    proc.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`${what} exited with ${code} before printing ${pattern}; stdout:\n${out}\nstderr:\n${err}`));
    });
  });
}
