/**
 * Builds the renderer (dist/renderer) when it is missing or older than its sources, for
 * `npm start`, the packaging test and anything else that serves it. Concurrent callers (test files
 * run in parallel) take turns through a lock folder, and whoever comes second finds it fresh.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from "node:fs";
import path from "node:path";
import { ROOT } from "./run-tool.ts";

export const RENDERER_SOURCE_DIR = path.join(ROOT, "renderer");
export const RENDERER_CONFIG = path.join(RENDERER_SOURCE_DIR, "vite.config.ts");
export const RENDERER_OUT_DIR = path.join(ROOT, "dist", "renderer");
/** The renderer imports the contract from shared/, so shared/ is one of its sources too. */
const SOURCE_DIRS = [RENDERER_SOURCE_DIR, path.join(ROOT, "shared")];
const LOCK_DIR = path.join(ROOT, "dist", ".renderer-build.lock");
const LOCK_STALE_MS = 10 * 60_000;

export const rendererSourcesExist = (): boolean => existsSync(RENDERER_CONFIG);

/** True when dist/renderer/index.html is missing or older than any renderer or shared source. */
export function rendererIsStale(): boolean {
  const built = path.join(RENDERER_OUT_DIR, "index.html");
  if (!existsSync(built)) return true;
  const builtAt = statSync(built).mtimeMs;
  return SOURCE_DIRS.some((dir) => newestMtime(dir) > builtAt);
}

function newestMtime(dir: string): number {
  if (!existsSync(dir)) return 0;
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === "node_modules" || entry.name === "dist") continue;
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : statSync(full).mtimeMs);
  }
  return newest;
}

/** `npm run build:renderer`, with its output shown; rejects when it fails. */
export function buildRenderer(): Promise<void> {
  return new Promise((resolve, reject) => {
    const npm = process.platform === "win32" ? "npm.cmd" : "npm";
    const child = spawn(npm, ["run", "--silent", "build:renderer"], { cwd: ROOT, stdio: "inherit", shell: process.platform === "win32" });
    child.on("error", reject);
    child.on("exit", (code, signal) => (code === 0 ? resolve() : reject(new Error(`npm run build:renderer failed (${signal ?? `exit ${code}`}).`))));
  });
}

/** Builds dist/renderer unless it is up to date; returns whether it built. */
export async function ensureRendererBuilt(log: (line: string) => void = console.log): Promise<boolean> {
  if (!rendererIsStale()) return false;
  if (!rendererSourcesExist()) {
    if (existsSync(path.join(RENDERER_OUT_DIR, "index.html"))) return false;
    throw new Error(`The renderer is not built (${path.relative(ROOT, RENDERER_OUT_DIR)}) and its sources (renderer/vite.config.ts) are missing.`);
  }
  return withLock(async () => {
    if (!rendererIsStale()) return false; // another process built it while we waited
    log("Building the renderer (dist/renderer)...");
    await buildRenderer();
    return true;
  });
}

async function withLock<T>(work: () => Promise<T>): Promise<T> {
  mkdirSync(path.dirname(LOCK_DIR), { recursive: true });
  const giveUpAt = Date.now() + LOCK_STALE_MS;
  for (;;) {
    try {
      mkdirSync(LOCK_DIR); // atomic: exactly one process succeeds
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    }
    if (lockAge() > LOCK_STALE_MS) rmSync(LOCK_DIR, { recursive: true, force: true }); // left by a crashed build
    if (Date.now() > giveUpAt) throw new Error(`Timed out waiting for another renderer build (lock ${LOCK_DIR}).`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  try {
    return await work();
  } finally {
    rmSync(LOCK_DIR, { recursive: true, force: true });
  }
}

function lockAge(): number {
  try {
    return Date.now() - statSync(LOCK_DIR).mtimeMs;
  } catch {
    return 0;
  }
}
