import { defineConfig } from "@playwright/test";
import { CHROMIUM_FLAGS, systemChromium } from "./scripts/find-browser.ts";

/**
 * Browser end-to-end tests (tests/e2e/*.e2e.ts) in the system Chromium. `npm run test:e2e` and
 * `npm test` locate (or install) Chromium and pass it as CHROMIUM_PATH; Playwright's own browser
 * download (`playwright install`) is never used.
 */
export default defineConfig({
  testDir: "tests/e2e",
  testMatch: "**/*.e2e.ts",
  outputDir: "test-results",
  fullyParallel: false,
  workers: process.env.CI ? 1 : 2,
  retries: 0,
  forbidOnly: true,
  reporter: "list",
  timeout: 30_000,
  expect: { timeout: 5_000 },
  use: {
    browserName: "chromium",
    headless: true,
    launchOptions: {
      // Never Playwright's bundled browser; if nothing is found the launch error names this path.
      executablePath: systemChromium() ?? "/usr/bin/chromium",
      args: [...CHROMIUM_FLAGS],
    },
    trace: "off",
    screenshot: "only-on-failure",
  },
});
