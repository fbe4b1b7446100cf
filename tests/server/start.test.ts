/**
 * `npm start` end to end: the start script (run with tsx) with a temp data folder
 * and port prints the session URL, answers with the token, and stops cleanly on SIGTERM. On this
 * machine Electron's binary is missing, so it also checks the one-line fallback notice; where the
 * binary exists it runs with --browser instead, so the test never opens a window.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { browserModeDataDir } from "../../scripts/data-dir.ts";
import { electronBinary } from "../../scripts/electron-binary.ts";
import { ROOT } from "../../scripts/run-tool.ts";
import { freePort, waitForOutput } from "../support/process.ts";
import { invoke } from "./helpers.ts";

const ELECTRON_MISSING =
  "Electron's binary is not installed here (it downloads on first use, and this machine cannot reach it): starting browser mode instead.";
const URL_LINE = /open (http:\/\/127\.0\.0\.1:(\d+)\/#token=([A-Za-z0-9_-]+))/;

const dataDir = mkdtempSync(path.join(tmpdir(), "gatehouse-start-"));
let child: ChildProcess | undefined;

afterAll(() => {
  if (child && child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  rmSync(dataDir, { recursive: true, force: true });
});

describe("npm start", () => {
  it("serves browser mode on the given port with a token, then stops with exit 0 on SIGTERM", async () => {
    const port = await freePort();
    const electronPresent = electronBinary() !== undefined;
    // `node --import tsx` rather than the tsx CLI: one process, so signals (and the SIGKILL of a
    // failed run) reach the server itself instead of a wrapper that could leave it orphaned.
    child = spawn(process.execPath, ["--import", "tsx", "scripts/start.ts", ...(electronPresent ? ["--browser"] : [])], {
      cwd: ROOT,
      env: { ...process.env, GATEHOUSE_DATA_DIR: dataDir, GATEHOUSE_PORT: String(port), FORCE_COLOR: "0" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const output = await waitForOutput(child, /Press Ctrl-C to stop\.\n/, 120_000, "start"); // the last line it prints

    if (!electronPresent) expect(output.split("\n").filter((line) => line === ELECTRON_MISSING)).toHaveLength(1);
    const [, url, printedPort, token] = URL_LINE.exec(output) ?? [];
    expect(Number(printedPort)).toBe(port);
    expect(url).toBe(`http://127.0.0.1:${port}/#token=${token}`);
    expect(output).toContain(`Data folder: ${dataDir}`);

    const whoami = await invoke(port, token, "session.whoami");
    expect(whoami.status).toBe(200);
    expect(JSON.parse(whoami.body)).toMatchObject({ ok: true, value: { role: "admin", profile: { name: "Local demo" } } });
    expect((await invoke(port, "not-the-token", "session.whoami")).status).toBe(401);

    const exited = new Promise<number | null>((resolve) => child?.on("exit", (code) => resolve(code)));
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
  }, 180_000);
});

describe("browser mode's data folder", () => {
  it("is GATEHOUSE_DATA_DIR, else $XDG_DATA_HOME/gatehouse, else ~/.local/share/gatehouse", () => {
    expect(browserModeDataDir({ GATEHOUSE_DATA_DIR: "/srv/gh", XDG_DATA_HOME: "/x" }, "/home/me")).toBe(path.resolve("/srv/gh"));
    expect(browserModeDataDir({ XDG_DATA_HOME: "/x" }, "/home/me")).toBe(path.join("/x", "gatehouse"));
    expect(browserModeDataDir({}, "/home/me")).toBe(path.join("/home/me", ".local", "share", "gatehouse"));
  });
});
