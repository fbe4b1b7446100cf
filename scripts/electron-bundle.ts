/**
 * Bundles the Electron main process and preload into CommonJS (what Electron loads without flags):
 * dist/electron/main.cjs and dist/electron/preload.cjs. Native and process-wide modules stay
 * outside the bundle and load from node_modules: electron itself, better-sqlite3 (a .node
 * addon, unpacked from the asar) and supertokens-node (a singleton that must be loaded once).
 */
import path from "node:path";
import { build } from "esbuild";
import { ROOT } from "./run-tool.ts";

export const ELECTRON_OUT_DIR = path.join(ROOT, "dist", "electron");
export const ELECTRON_EXTERNALS = ["electron", "better-sqlite3", "supertokens-node", "supertokens-node/*"];

/** Conservative targets (Electron 45 ships newer Node and Chromium): only syntax both surely run. */
const MAIN_TARGET = "node22";
const PRELOAD_TARGET = "chrome130";

export async function bundleElectron(outDir: string = ELECTRON_OUT_DIR): Promise<{ main: string; preload: string }> {
  const common = {
    bundle: true,
    format: "cjs",
    outExtension: { ".js": ".cjs" },
    outdir: outDir,
    sourcemap: "linked",
    logLevel: "warning",
    // Warnings (e.g. import.meta in CommonJS) are bugs here: the bundle would misbehave at run time.
    logOverride: { "empty-import-meta": "error" },
    absWorkingDir: ROOT,
  } as const;
  await Promise.all([
    build({ ...common, entryPoints: { main: path.join(ROOT, "main/electron/main.ts") }, platform: "node", target: MAIN_TARGET, external: ELECTRON_EXTERNALS }),
    // A sandboxed preload may require only `electron` (and a few polyfilled built-ins): nothing else.
    build({ ...common, entryPoints: { preload: path.join(ROOT, "main/electron/preload.ts") }, platform: "browser", target: PRELOAD_TARGET, external: ["electron"] }),
  ]);
  return { main: path.join(outDir, "main.cjs"), preload: path.join(outDir, "preload.cjs") };
}
