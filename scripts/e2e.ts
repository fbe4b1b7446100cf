/**
 * `npm run test:e2e [-- playwright args]`: builds the renderer (the tests load dist/renderer),
 * finds (or installs) Chromium, then runs Playwright.
 */
import { findChromium } from "./find-browser.ts";
import { buildRenderer } from "./renderer-build.ts";
import { runTool } from "./run-tool.ts";

try {
  await buildRenderer();
  const chromium = await findChromium();
  console.log(`Chromium: ${chromium}`);
  process.exitCode = await runTool("playwright", ["test", ...process.argv.slice(2)], { ...process.env, CHROMIUM_PATH: chromium });
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
}
