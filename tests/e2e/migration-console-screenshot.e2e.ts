/**
 * The Migration screen on the demo data, as a clean start shows it: a migration in progress with
 * its history (the "done when"), here with an end date eight weeks ahead. The test checks
 * what the picture shows and saves it to test-results/; with README_SCREENSHOT=1 it also writes
 * the README's image, docs/migration-screen.png:
 *
 *   npm run build:renderer && README_SCREENSHOT=1 CHROMIUM_PATH=/usr/bin/chromium npx playwright test tests/e2e/migration-console-screenshot.e2e.ts
 */
import { expect, test } from "@playwright/test";
import { startConsole, type ConsoleUnderTest } from "./support/console.ts";
import { demoScanned, openMigration, watchPage } from "./support/migration.ts";

let app: ConsoleUnderTest;

test.beforeAll(async () => {
  test.setTimeout(120_000);
  app = await startConsole();
  await demoScanned(app.client);
  const end = new Date(Date.now() + 56 * 86_400_000);
  end.setHours(23, 59, 59, 999);
  await app.client.invoke("migration.criterion.set", { criterion: { kind: "date", date: end.getTime() } });
});
test.afterAll(async () => {
  await app?.close();
});

test("a clean start shows a migration in progress with its history (and the README's screenshot)", async ({ page }, info) => {
  const watch = await watchPage(page);
  // Tall enough for the whole screen down to the first rows of the lists.
  await page.setViewportSize({ width: 1360, height: 1560 });
  await page.goto(app.url);
  await openMigration(page);
  await expect(page.getByTestId("forecast-rate")).toContainText("Last 7 days");
  await expect(page.getByTestId("forecast-criterion")).toContainText(/End date \d{4}-\d\d-\d\d \(in about 8 weeks\): about [\d.]+% migrated by then at this rate\./);
  await expect(page.locator(".migration-chart__end")).toHaveCount(1);
  await expect(page.locator(".migration-chart__projection path.recharts-line-curve")).toHaveAttribute("d", /^M[\d.]+,[\d.]+L[\d.]+,[\d.]+$/);
  const { total } = await app.client.invoke("migration.history", {});
  expect(total).toBeGreaterThan(40);
  await expect(page.getByText(`Snapshots as a table (${total} snapshots)`)).toBeVisible();
  await expect(page.getByTestId("migration-row").first()).toBeVisible();
  // Keep the picture steady: no caret, no hover.
  await page.mouse.move(0, 0);
  await page.locator("h1#migration-title").click();

  const shot = await page.screenshot({ animations: "disabled" });
  await info.attach("migration-screen", { body: shot, contentType: "image/png" });
  if (process.env.README_SCREENSHOT === "1") {
    const { writeFileSync } = await import("node:fs");
    writeFileSync("docs/migration-screen.png", shot);
  }
  expect(await watch.problems()).toEqual([]);
});
