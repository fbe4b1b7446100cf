/**
 * Where the Electron binary is, found the way node_modules/electron/index.js finds it but without
 * requiring that package: requiring it starts a download when the binary is missing, and this
 * project's machines (CI, sandboxes) cannot download it.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { ROOT } from "./run-tool.ts";

/** What electron/install.js writes to path.txt on each platform. */
const DEFAULT_EXECUTABLE: Partial<Record<NodeJS.Platform, string>> = {
  darwin: "Electron.app/Contents/MacOS/Electron",
  win32: "electron.exe",
};

export function electronBinary(root: string = ROOT, env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string | undefined {
  const packageDir = path.join(root, "node_modules", "electron");
  const pathFile = path.join(packageDir, "path.txt");
  const executable = existsSync(pathFile) ? readFileSync(pathFile, "utf8").trim() : undefined;
  const candidate = env.ELECTRON_OVERRIDE_DIST_PATH
    ? path.join(env.ELECTRON_OVERRIDE_DIST_PATH, executable || (DEFAULT_EXECUTABLE[platform] ?? "electron"))
    : executable
      ? path.join(packageDir, "dist", executable)
      : undefined;
  return candidate !== undefined && existsSync(candidate) ? candidate : undefined;
}

export const ELECTRON_MISSING_REASON = "Electron binary not installed on this machine (cannot be downloaded here)";
