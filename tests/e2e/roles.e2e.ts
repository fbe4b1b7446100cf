/**
 * Roles end to end, in Chromium, checked on the Core with raw CDI reads: a name with a space is
 * refused at the field; removing a permission asks first (Cancel keeps it); the delete preview
 * names holders by email; the typed confirmation must be the exact name.
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

async function cdi<T>(path: string, query: Record<string, string> = {}): Promise<T> {
  const url = new URL(app.coreUrl + path);
  for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
  return (await (await fetch(url, { headers: { "cdi-version": "5.4" } })).json()) as T;
}
const rolesOnCore = async () => (await cdi<{ roles: string[] }>("/recipe/roles")).roles;
const permissionsOnCore = async (role: string) => (await cdi<{ permissions?: string[] }>("/recipe/role/permissions", { role })).permissions ?? [];

test("an admin creates, edits and deletes a role, with every guard on the way", async ({ page }) => {
  await page.goto(app.url);
  await page.getByTestId("nav-roles").click();
  await page.getByTestId("role-create").click();
  const form = page.getByTestId("role-create-form");
  await form.getByTestId("role-name").fill("release managers");
  await expect(form.getByTestId("field-error")).toContainText("no spaces");
  await expect(form.getByTestId("role-create-submit")).toBeDisabled();
  await form.getByTestId("role-name").fill("release-managers");
  await form.getByRole("textbox", { name: "Add to Permissions of the new role" }).fill("releases:write, releases:read");
  await form.getByRole("textbox", { name: "Add to Permissions of the new role" }).press("Enter");
  await form.getByTestId("role-create-submit").click();
  const row = page.getByTestId("role-row").filter({ hasText: "release-managers" });
  await expect(row).toBeVisible();
  expect(await rolesOnCore()).toContain("release-managers");
  expect(await rolesOnCore()).not.toContain("release managers");

  // Removing a permission asks first.
  await row.getByRole("button", { name: "Remove releases:write" }).click();
  const ask = page.getByTestId("permission-remove-dialog");
  await expect(ask).toContainText("Remove “releases:write” from release-managers?");
  await ask.getByRole("button", { name: "Cancel" }).click();
  await expect(ask).toHaveCount(0);
  expect(await permissionsOnCore("release-managers")).toEqual(expect.arrayContaining(["releases:read", "releases:write"]));
  await row.getByRole("button", { name: "Remove releases:write" }).click();
  await page.getByTestId("permission-remove-dialog").getByTestId("confirm-button").click();
  await expect(row.getByRole("button", { name: "Remove releases:write" })).toHaveCount(0);
  expect(await permissionsOnCore("release-managers")).toEqual(["releases:read"]);

  // The delete preview names the holder by email; the name must be typed exactly.
  const hits = await app.client.invoke("users.quickSearch", { text: "grace.hopper@", tenantId: "public" });
  await app.client.invoke("users.addRole", { userId: hits.hits[0]?.id ?? "", tenantId: "public", role: "release-managers" });
  await page.getByRole("button", { name: "Reload roles" }).click();
  await row.getByTestId("role-delete").click();
  const dialog = page.getByTestId("role-delete-dialog");
  await expect(dialog.getByTestId("role-delete-preview")).toContainText("grace.hopper@example.com");
  for (const typed of ["Release-Managers", "release-managers "]) {
    await dialog.getByTestId("confirm-input").fill(typed);
    await expect(dialog.getByTestId("confirm-button")).toBeDisabled();
    await expect(dialog.getByTestId("confirm-exact-hint")).toBeVisible();
  }
  await dialog.getByTestId("confirm-input").fill("release-managers");
  await dialog.getByTestId("confirm-button").click();
  await expect(row).toHaveCount(0);
  expect(await rolesOnCore()).not.toContain("release-managers");
});
