/**
 * Locates a Chromium for Playwright. Playwright's own browser download is never used
 * (no `playwright install`): the system Chromium is driven through launchOptions.executablePath.
 */
import { spawn } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { access } from "node:fs/promises";

/** Flags every Chromium launch uses (headless, offline-friendly, no background traffic). */
export const CHROMIUM_FLAGS: readonly string[] = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export const CHROMIUM_CANDIDATES: readonly string[] = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"];

/** Synchronous lookup without installing anything: CHROMIUM_PATH, else the first system candidate present. */
export function systemChromium(): string | undefined {
  if (process.env.CHROMIUM_PATH) return process.env.CHROMIUM_PATH;
  return CHROMIUM_CANDIDATES.find((candidate) => {
    try {
      accessSync(candidate, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

const INSTALL_HINT = "Install Chromium: sudo apt-get install chromium, or set CHROMIUM_PATH=/path/to/chrome";

async function isExecutable(file: string): Promise<boolean> {
  try {
    await access(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function run(command: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: "inherit", env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } });
    child.on("error", reject);
    child.on("exit", (code, signal) =>
      code === 0 ? resolve() : reject(new Error(`${command} ${args.join(" ")} failed (${signal ?? `exit ${code}`})`)),
    );
  });
}

/**
 * CHROMIUM_PATH when set; else the first system Chromium/Chrome found; else, as root on a
 * Debian-like system, installs the `chromium` package with apt-get; else throws with what to install.
 */
export async function findChromium(): Promise<string> {
  const fromEnv = process.env.CHROMIUM_PATH;
  if (fromEnv) {
    if (!(await isExecutable(fromEnv))) throw new Error(`CHROMIUM_PATH=${fromEnv} is not an executable file. ${INSTALL_HINT}`);
    return fromEnv;
  }
  for (const candidate of CHROMIUM_CANDIDATES) {
    if (await isExecutable(candidate)) return candidate;
  }
  const isRoot = typeof process.getuid === "function" && process.getuid() === 0;
  if (isRoot && (await isExecutable("/usr/bin/apt-get"))) {
    console.log("No Chromium found: installing the Debian 'chromium' package (apt-get update && apt-get install -y chromium)...");
    await run("apt-get", ["update"]);
    await run("apt-get", ["install", "-y", "chromium"]);
    if (await isExecutable("/usr/bin/chromium")) return "/usr/bin/chromium";
    throw new Error(`apt-get installed 'chromium' but /usr/bin/chromium is missing. ${INSTALL_HINT}`);
  }
  throw new Error(`No Chromium found (looked at ${CHROMIUM_CANDIDATES.join(", ")}). ${INSTALL_HINT}`);
}
