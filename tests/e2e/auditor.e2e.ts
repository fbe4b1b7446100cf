/**
 * An auditor profile: the console shows everything and offers no change, second-factor phones
 * come masked, and a change sent to main anyway is refused.
 */
import { expect, test } from "@playwright/test";
import { DEFAULT_DATA_CONTRACT } from "../../shared/data-contract.ts";
import { GatehouseError } from "../../shared/contract/errors.ts";
import { startConsole, type ConsoleUnderTest } from "./support/console.ts";

let app: ConsoleUnderTest;

test.beforeAll(async () => {
  app = await startConsole();
  const demo = (await app.client.invoke("profiles.list", {})).profiles.find((p) => p.embedded);
  const auditor = await app.client.invoke("profiles.create", {
    name: "Audit desk",
    uris: demo?.uris ?? [],
    role: "auditor",
    defaultTenant: "public",
    timeoutMs: 5000,
    contract: { ...DEFAULT_DATA_CONTRACT },
  });
  await app.client.invoke("profiles.switch", { id: auditor.id });
});
test.afterAll(async () => {
  await app?.close();
});

test("an auditor sees users and details but no change buttons, and phones masked", async ({ page }) => {
  await page.goto(app.url);
  await expect(page.getByTestId("role-badge")).toHaveText(/auditor/i);
  await expect(page.getByTestId("user-row").first()).toBeVisible();
  await expect(page.getByTestId("users-table")).toContainText("••••");

  await page.getByTestId("users-search").fill("ada.lovelace@");
  await expect(page.getByTestId("user-row")).toHaveCount(1);
  await page.getByTestId("user-row").first().click();
  await expect(page.getByTestId("user-detail")).toContainText("ada.lovelace@example.com");
  for (const change of ["metadata-edit", "role-add", "role-remove", "user-delete", "sessions-revoke-all", "session-revoke"]) {
    await expect(page.getByTestId(change), change).toHaveCount(0);
  }

  await page.getByTestId("nav-roles").click();
  await expect(page.getByTestId("role-row").first()).toBeVisible();
  for (const change of ["role-create", "role-delete"]) await expect(page.getByTestId(change), change).toHaveCount(0);

  // Main refuses the change even when it is sent anyway.
  const user = (await app.client.invoke("users.quickSearch", { text: "ada.lovelace@", tenantId: "public" })).hits[0];
  const refused = await app.client.invoke("users.addRole", { userId: user?.id ?? "", tenantId: "public", role: "support" }).catch((e: unknown) => e);
  expect(refused).toBeInstanceOf(GatehouseError);
  expect((refused as GatehouseError).code).toBe("FORBIDDEN");
});
