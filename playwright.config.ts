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
  // Generous on purpose: a 2-core CI machine running Chromium, the console and the demo apps at
  // once can take seconds for a 2,000-row job or a 600-row dry run. Only a failing test waits this long.
  timeout: 60_000,
  expect: { timeout: 15_000 },
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
