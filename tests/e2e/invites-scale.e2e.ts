/**
 * The Invites screen with 2,000 invites (made by a bulk job, so 2,000 outbox messages too): it
 * shows a page of each, stays small in the DOM, pages to the end, filters and searches in main,
 * and the invite settings open at once.
 */
import { expect, test } from "@playwright/test";
import { startConsole, type ConsoleUnderTest } from "./support/console.ts";

let gatehouse: ConsoleUnderTest;
const COUNT = 2000;

test.describe.configure({ mode: "serial", timeout: 90_000 });

test.beforeAll(async () => {
  test.setTimeout(90_000);
  gatehouse = await startConsole();
  const csv = ["email", ...Array.from({ length: COUNT }, (_, i) => `scale.${String(i).padStart(4, "0")}@example.com`)].join("\n");
  const { job } = await gatehouse.client.invoke("jobs.dryRun", { kind: "invites.bulk", input: { csv } });
  await gatehouse.client.invoke("jobs.start", { jobId: job.id });
  await expect
    .poll(async () => (await gatehouse.client.invoke("jobs.get", { jobId: job.id, limit: 1 })).job.state, { timeout: 60_000, intervals: [250] })
    .toBe("completed");
});

test.afterAll(async () => {
  await gatehouse?.close();
});

test("2,000 invites and their outbox render a page at a time, page to the end, and filter in main", async ({ page }) => {
  const errors: string[] = [];
  page.on("pageerror", (err) => errors.push(err.message));
  await page.goto(gatehouse.url);
  await page.getByTestId("nav-invites").click();
  const pager = page.getByTestId("invites-pager-info");
  // The demo data's own invites are found on the Core too; the search keeps to this test's.
  await expect(page.getByTestId("invites-sync-state")).toContainText("found on the Core");
  await page.getByTestId("invites-search").fill("scale.");
  await expect(pager).toHaveText(/^1–50 of 2,000/);
  await expect(page.getByTestId("invite-row")).toHaveCount(50);
  await expect(page.getByTestId("outbox-row")).toHaveCount(20);
  await expect(page.getByTestId("outbox-pager-info")).toHaveText(/^1–20 of 2,000/);
  // The whole page stays small: no node per invite or message.
  expect(await page.locator("*").count()).toBeLessThan(3000);

  // The invite settings open without waiting on the lists.
  await page.getByTestId("invite-settings-toggle").click();
  await expect(page.getByTestId("invite-settings")).toBeVisible();
  await page.getByTestId("invite-settings-toggle").click();

  // Page to the last invites: the oldest, scale.0000 among them.
  for (let i = 0; i < 39; i++) await page.getByTestId("invites-pager-next").click();
  await expect(pager).toHaveText(/^1,951–2,000 of 2,000/);
  await expect(page.getByTestId("invites-pager-next")).toBeDisabled();
  await expect(page.getByTestId("invite-row").filter({ hasText: "scale.0000@example.com" })).toHaveCount(1);

  // Search by prefix, in main: scale.0100 … scale.0109.
  await page.getByTestId("invites-search").fill("scale.010");
  await expect(pager).toHaveText(/^1–10 of 10/);
  await page.getByTestId("invites-search").fill("scale.");
  await page.getByTestId("invites-filter-accepted").click();
  await expect(page.getByTestId("invites-empty")).toContainText("No invite matches");
  await page.getByTestId("invites-filter-pending").click();
  await expect(pager).toHaveText(/of 2,000/);
  expect(errors).toEqual([]);
});
