/**
 * The console end to end, in Chromium through browser mode: the demo users show, search finds a
 * user, the user opens, an admin gives them a role, and the audit log shows who did it.
 */
import { expect, test } from "@playwright/test";
import { startConsole, type ConsoleUnderTest } from "./support/console.ts";

let app: ConsoleUnderTest;

test.beforeAll(async () => {
  app = await startConsole();
});
test.afterAll(async () => {
  await app?.close();
});

test("an admin finds a user, gives them a role, and sees it in the audit log", async ({ page }) => {
  const pageErrors: string[] = [];
  page.on("pageerror", (err) => pageErrors.push(err.message));

  await page.goto(app.url);
  await expect(page.getByTestId("role-badge")).toHaveText(/admin/i);
  await expect(page.getByTestId("connection-status")).toContainText(/connected/i);
  const rows = page.getByTestId("user-row");
  await expect(rows.first()).toBeVisible();
  expect(await rows.count()).toBeGreaterThan(5);

  // The token left the address bar; the page keeps working without it.
  expect(new URL(page.url()).hash).not.toContain("token=");

  await page.getByTestId("users-search").fill("dennis.ritchie@");
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText("dennis.ritchie@example.com");
  await rows.first().click();

  const detail = page.getByTestId("user-detail");
  await expect(detail).toContainText("dennis.ritchie@example.com");
  const publicRoles = page.getByTestId("user-tenant-roles").filter({ hasText: "public" });
  await expect(publicRoles).toContainText("support");
  await publicRoles.getByTestId("role-add-select").selectOption("auditor");
  await publicRoles.getByTestId("role-add").click();
  await expect(publicRoles.locator(".chip", { hasText: "auditor" })).toBeVisible();

  // Main really did it.
  const hits = await app.client.invoke("users.quickSearch", { text: "dennis.ritchie@", tenantId: "public" });
  const userId = hits.hits[0]?.id ?? "";
  const user = await app.client.invoke("users.get", { userId });
  expect(user.rolesByTenant.public).toEqual(["auditor", "support"]);

  await page.getByTestId("nav-audit").click();
  const entry = page.getByTestId("audit-row").first();
  await expect(entry).toContainText("users.addRole");
  await expect(entry).toContainText("e2e");
  await expect(entry).toContainText(userId.slice(0, 8));
  expect(pageErrors).toEqual([]);
});

test("Ctrl+K jumps to a user from anywhere", async ({ page }) => {
  await page.goto(app.url);
  await page.getByTestId("nav-roles").click();
  await page.keyboard.press("Control+k");
  await page.getByTestId("quick-search-input").fill("grace.hopper");
  await expect(page.getByTestId("quick-search-option").first()).toContainText("grace.hopper@example.com");
  await page.keyboard.press("Enter");
  await expect(page.getByTestId("user-detail")).toContainText("grace.hopper@example.com");
});

test("the users list filters by second-factor state", async ({ page }) => {
  await page.goto(app.url);
  await expect(page.getByTestId("user-row").first()).toBeVisible();
  await page.getByTestId("second-factor-filter").selectOption("broken");
  const rows = page.getByTestId("user-row");
  await expect(rows.first().getByTestId("second-factor-broken")).toBeVisible();
  const count = await rows.count();
  expect(count).toBeGreaterThan(0);
  await expect(page.getByTestId("second-factor-broken")).toHaveCount(count);
  await expect(page.locator(".pager__info")).toContainText("scanned");
});
