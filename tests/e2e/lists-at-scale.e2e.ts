/**
 * Lists that grow, end to end in Chromium: a users search with more matches than the Core returns
 * (2,974 match; the Core keeps 1,000 per sign-in method), paged like the list and saying it was
 * cut. The users are written into the embedded core's database file next to the demo data.
 */
import { expect, test } from "@playwright/test";
import { seedUsers } from "../support/seed-users.ts";
import { startConsole, type ConsoleUnderTest } from "./support/console.ts";

let app: ConsoleUnderTest;

test.beforeAll(async () => {
  app = await startConsole({ coreInFile: true });
  const dbFile = app.coreDbFile ?? "";
  seedUsers(dbFile, [
    { recipe: "emailpassword", count: 1_400, emailPrefix: "many.ep", domain: "bulk.test" },
    { recipe: "passwordless", count: 1_574, emailPrefix: "many.pl", domain: "bulk.test" },
  ]);
});
test.afterAll(async () => {
  await app?.close();
});

test("a search pages through every match the Core returned and says the Core cut the rest", async ({ page }) => {
  await page.goto(app.url);
  const rows = page.getByTestId("user-row");
  await expect(rows.first()).toBeVisible();
  const info = page.getByTestId("users-pager-info");
  const next = page.getByTestId("users-next");
  const previous = page.getByTestId("users-previous");

  await page.getByTestId("page-size").selectOption("25");
  await page.getByTestId("users-search").fill("many.");
  await expect(info).toHaveText(/Page 1 · users 1–25 of 2,000 matches/);
  await expect(rows.first()).toContainText("@bulk.test");
  const cut = page.getByTestId("users-search-cut");
  await expect(cut).toContainText("at most 1,000 matches per sign-in method");
  await expect(cut).toContainText("2,000 shown of more");
  await expect(cut).toContainText("Type more of the email or phone number");

  await next.click();
  await expect(info).toHaveText(/Page 2 · users 26–50 of 2,000 matches/);
  await previous.click();
  await expect(info).toHaveText(/Page 1 · users 1–25 of 2,000 matches/);

  // Bigger pages, to the end: every match the Core returned is reachable, and the table stays small.
  await page.getByTestId("page-size").selectOption("500");
  await expect(info).toHaveText(/Page 1 · users 1–500 of 2,000 matches/);
  for (const [n, range] of [[2, "501–1,000"], [3, "1,001–1,500"], [4, "1,501–2,000"]] as const) {
    await next.click();
    await expect(info).toHaveText(new RegExp(`Page ${n} · users ${range} of 2,000 matches`));
    expect(await rows.count()).toBeLessThan(100);
  }
  await expect(next).toBeDisabled();
  // The last row is the last match, reached from the keyboard.
  await page.getByTestId("users-table").focus();
  await page.keyboard.press("End");
  await expect(rows.last()).toHaveAttribute("data-index", "499");

  // Narrowed below the cap: no notice, and every match fits.
  await page.getByTestId("users-search").fill("many.ep13");
  await expect(info).toHaveText(/Page 1 · users 1–111 of 111 matches/);
  await expect(cut).toHaveCount(0);
  await expect(next).toBeDisabled();
});
