/**
 * Runs a benchmark in its own Node process (through tsx), for benchmarks that need
 * supertokens-node initialised differently from bench/run.ts (it is a process-wide singleton).
 * The child prints {"rows": BenchRow[]} (or, for runChildJson, any JSON) as its last stdout line;
 * its stderr goes straight through.
 */
import { spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { BenchRow } from "./table.ts";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

export async function runChildBench(script: string, env: NodeJS.ProcessEnv = {}): Promise<BenchRow[]> {
  const last = await runChildJson(script, env);
  try {
    return parseChildRows(last);
  } catch (err) {
    throw new Error(`${script} printed no rows as its last line (${err instanceof Error ? err.message : String(err)}): ${JSON.stringify(last).slice(0, 200)}`);
  }
}

/** Runs a TypeScript script in its own Node process and parses its last stdout line as JSON. */
export function runChildJson(script: string, env: NodeJS.ProcessEnv = {}): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", path.resolve(ROOT, script)], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "inherit"],
    });
    let stdout = "";
    child.stdout.setEncoding("utf8");
    child.stdout.on("data", (chunk: string) => (stdout += chunk));
    child.on("error", reject);
    child.on("exit", (code, signal) => {
      if (code !== 0) return reject(new Error(`${script} failed (${signal ?? `exit ${code}`})`));
      const last = stdout.trim().split("\n").at(-1) ?? "";
      try {
        resolve(JSON.parse(last));
      } catch {
        reject(new Error(`${script} printed no JSON as its last line: ${last.slice(0, 200)}`));
      }
    });
  });
}

export function parseChildRows(value: unknown): BenchRow[] {
  const rows = (value as { rows?: unknown }).rows;
  if (!Array.isArray(rows)) throw new Error("no rows array");
  return rows.map((r: Partial<Record<keyof BenchRow, unknown>>) => {
    if (typeof r.measure !== "string" || typeof r.value !== "string" || typeof r.baseline !== "string") throw new Error("a row without measure, value or baseline");
    return {
      measure: r.measure,
      value: r.value,
      baseline: r.baseline,
      // JSON turns NaN and Infinity into null: no ratio, which fails a goal as it should.
      ...(typeof r.ratio === "number" ? { ratio: r.ratio } : {}),
      ...(typeof r.maxRatio === "number" ? { maxRatio: r.maxRatio } : {}),
    };
  });
}

/**
 * The child's side: when `moduleUrl` is the script Node was started with, produce the rows,
 * print them as the last stdout line and exit (supertokens-node may keep idle keep-alive sockets
 * open, so the process would otherwise linger).
 */
export function runAsChildBench(moduleUrl: string, produce: () => Promise<BenchRow[]>): void {
  if (!process.argv[1] || path.resolve(process.argv[1]) !== fileURLToPath(moduleUrl)) return;
  produce().then(
    (rows) => {
      console.log(JSON.stringify({ rows }));
      process.exit(0);
    },
    (err: unknown) => {
      console.error(err instanceof Error ? (err.stack ?? err.message) : err);
      process.exit(1);
    },
  );
}
