/**
 * Smoke test: a real (headless) Chromium reaches the embedded local core over HTTP.
 */
import { test, expect } from "@playwright/test";
import { startEmbeddedCore } from "../../main/embedded-core/index.ts";
import type { RunningEmbeddedCore } from "../../main/embedded-core/types.ts";

let core: RunningEmbeddedCore | undefined;

test.beforeAll(async () => {
  core = await startEmbeddedCore({ port: 0 });
});

test.afterAll(async () => {
  await core?.close();
});

test("the browser reaches the embedded core's /hello", async ({ page }) => {
  if (!core) throw new Error("embedded core did not start");
  const response = await page.goto(`${core.url}/hello`);
  expect(response?.status()).toBe(200);
  await expect(page.locator("body")).toContainText("Hello");

  // And a fetch() issued by page script (same origin) gets the same answer.
  const text = await page.evaluate(async () => (await fetch("/hello")).text());
  expect(text).toContain("Hello");
});
