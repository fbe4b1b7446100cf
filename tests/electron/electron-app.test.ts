/**
 * The desktop app in the real Electron binary, driven by Playwright: the renderer loads from
 * gatehouse://app with the preload's bridge and no Node, IPC reaches the dispatcher, navigation and
 * new windows are refused (checked with a navigation only the guard can stop, so the test fails
 * when the guard is missing; bundle.test.ts checks the same policy on the stand-in module). Skipped where the binary is not installed (it cannot be downloaded on
 * this project's build machines); detection never requires the electron package.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { _electron, type ElectronApplication, type Page } from "@playwright/test";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ELECTRON_MISSING_REASON, electronBinary } from "../../scripts/electron-binary.ts";
import { bundleElectron } from "../../scripts/electron-bundle.ts";
import { ensureRendererBuilt } from "../../scripts/renderer-build.ts";

const binary = electronBinary();
const describeWithElectron = binary ? describe : describe.skip;
const title = binary ? "the desktop app in Electron" : `the desktop app in Electron — skipped: ${ELECTRON_MISSING_REASON}`;

describeWithElectron(title, () => {
  let dataDir: string;
  let app: ElectronApplication;
  let page: Page;

  beforeAll(async () => {
    await ensureRendererBuilt(() => {});
    const { main } = await bundleElectron();
    dataDir = mkdtempSync(path.join(tmpdir(), "gatehouse-electron-"));
    app = await _electron.launch({ executablePath: binary, args: [main], env: { ...process.env, GATEHOUSE_DATA_DIR: dataDir } });
    page = await app.firstWindow();
  }, 180_000);

  afterAll(async () => {
    await app?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it("loads the renderer from gatehouse://app, isolated from Node, with window.gatehouse only", async () => {
    expect(page.url()).toMatch(/^gatehouse:\/\/app\/index\.html/);
    expect(await page.evaluate("typeof require")).toBe("undefined");
    expect(await page.evaluate("typeof process")).toBe("undefined");
    expect(await page.evaluate("Object.keys(window.gatehouse).sort().join(',')")).toBe("invoke,subscribe");
    await expect.poll(() => page.locator("#root > *").count(), { timeout: 15_000 }).toBeGreaterThan(0);
  });

  it("reaches the dispatcher over IPC on the Local demo profile", async () => {
    expect(await page.evaluate("window.gatehouse.invoke('session.whoami', {})")).toMatchObject({ ok: true, value: { profile: { name: "Local demo" } } });
  });

  it("gives the page a frozen copy of the bridge (context isolation), not the preload's objects", async () => {
    const afterTampering = await page.evaluate(`(() => {
      try { window.gatehouse.invoke = "tampered"; } catch {}
      return typeof window.gatehouse.invoke === "function";
    })()`);
    expect(afterTampering).toBe(true);
  });

  it("refuses navigation away: the guard stops a page the request filter would let through", async () => {
    const mainLog: string[] = [];
    app.on("console", (message) => mainLog.push(message.text()));
    // A page of our own origin's making passes the session's request filter, so if it stays out
    // it is the navigation guard (will-navigate) that kept it out — and the guard says so.
    const escape = String(await page.evaluate(`URL.createObjectURL(new Blob(["<title>escaped</title><p>escaped</p>"], { type: "text/html" }))`));
    expect(escape).toMatch(/^blob:gatehouse:\/\/app\//);
    await page.evaluate(`window.location.href = ${JSON.stringify(escape)}`);
    await expect.poll(() => mainLog.some((line) => line.includes(`Blocked navigation to ${escape}`)), { timeout: 10_000 }).toBe(true);
    expect(page.url()).toMatch(/^gatehouse:\/\/app\/index\.html/);
    expect(await page.title()).toBe("Gatehouse");
    expect(await page.evaluate("typeof window.gatehouse.invoke")).toBe("function");

    await page.evaluate("window.location.href = 'https://example.com/'").catch(() => {});
    await expect.poll(() => mainLog.some((line) => line.includes("Blocked navigation to https://example.com/")), { timeout: 10_000 }).toBe(true);
    expect(page.url()).toMatch(/^gatehouse:\/\/app\//);
  });

  it("refuses new windows: window.open gets nothing back", async () => {
    const before = app.windows().length;
    // A denied window.open returns null; an allowed one returns the new window's proxy.
    expect(await page.evaluate("window.open('gatehouse://app/index.html') === null")).toBe(true);
    expect(await page.evaluate("window.open('https://example.com/') === null")).toBe(true);
    expect(app.windows()).toHaveLength(before);
  });
});
