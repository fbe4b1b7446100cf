/**
 * The real built renderer (dist/renderer) in Chromium, served by browser mode with its strict CSP:
 * it must load and reach the API without a single CSP violation, while the same CSP blocks inline
 * scripts and connections anywhere else. (Electron serves the same files with the same headers.)
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { chromium, type Browser, type Page } from "@playwright/test";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGatehouse, type Gatehouse } from "../../main/app.ts";
import { startBrowserMode, type BrowserMode } from "../../main/server/index.ts";
import { CHROMIUM_FLAGS, findChromium } from "../../scripts/find-browser.ts";
import { ensureRendererBuilt, RENDERER_OUT_DIR } from "../../scripts/renderer-build.ts";

let dataDir: string;
let gatehouse: Gatehouse;
let server: BrowserMode;
let browser: Browser;

beforeAll(async () => {
  await ensureRendererBuilt(() => {});
  dataDir = mkdtempSync(path.join(tmpdir(), "gatehouse-renderer-csp-"));
  gatehouse = await startGatehouse({ dataDir, embeddedCoreInMemory: true });
  server = await startBrowserMode({ gatehouse, rendererDir: RENDERER_OUT_DIR, port: 0 });
  browser = await chromium.launch({ executablePath: await findChromium(), args: [...CHROMIUM_FLAGS] });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await gatehouse?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

/** Opens the session URL, recording CSP violations and uncaught errors from the first byte on. */
async function openConsole(): Promise<{ page: Page; violations: () => Promise<string[]>; errors: string[] }> {
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on("pageerror", (err) => errors.push(err.message));
  // In-page code as strings: this project's Node tsconfig has no DOM types.
  await page.addInitScript(`
    window.__cspViolations = [];
    document.addEventListener("securitypolicyviolation", (e) => window.__cspViolations.push(e.violatedDirective + " " + e.blockedURI));
  `);
  const firstApiCall = page.waitForResponse((res) => res.url().endsWith("/api/invoke") && res.status() === 200, { timeout: 15_000 });
  await page.goto(server.url);
  await firstApiCall;
  return { page, errors, violations: () => page.evaluate<string[]>("window.__cspViolations") };
}

describe("the built renderer under browser mode's CSP", () => {
  it("loads, renders and calls the API with no CSP violation", async () => {
    const { page, violations, errors } = await openConsole();
    await expect.poll(() => page.locator("#root > *").count(), { timeout: 10_000 }).toBeGreaterThan(0);
    expect(await violations()).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  }, 60_000);

  it("blocks inline scripts and connections to anywhere else", async () => {
    const { page, violations } = await openConsole();
    const outcome = await page.evaluate<{ inlineRan: boolean; fetched: string }>(`(async () => {
      const script = document.createElement("script");
      script.textContent = "window.__inlineRan = true";
      document.body.append(script);
      const fetched = await fetch("http://example.invalid/").then(() => "fetched", () => "blocked");
      return { inlineRan: window.__inlineRan === true, fetched };
    })()`);
    expect(outcome).toEqual({ inlineRan: false, fetched: "blocked" });
    const seen = await violations();
    expect(seen.some((v) => v.startsWith("script-src"))).toBe(true);
    expect(seen.some((v) => v.startsWith("connect-src"))).toBe(true);
    await page.close();
  }, 60_000);
});
