/**
 * Connections end to end, in Chromium: "Test connection" names the URI that answered after a
 * failover, and says a missing or refused API key is one (not "not supported"); a profile whose
 * Core is down gets a tenant picker with its own default tenant alone and the reason, never the
 * previous profile's tenants — and that state passes axe too.
 */
import { expect, test } from "@playwright/test";
import { startEmbeddedCore, type RunningEmbeddedCore } from "../../main/embedded-core/index.ts";
import { closedPortUrl } from "../main/helpers/faults.ts";
import { seriousViolations } from "./support/axe.ts";
import { startConsole, type ConsoleUnderTest } from "./support/console.ts";

const CORE_KEY = "e2e-keyed-core-api-key-0123456789";

let app: ConsoleUnderTest;
let keyed: RunningEmbeddedCore;

test.describe.configure({ mode: "serial", timeout: 60_000 });

test.beforeAll(async () => {
  app = await startConsole();
  keyed = await startEmbeddedCore({ apiKeys: [CORE_KEY] });
});

test.afterAll(async () => {
  await app?.close();
  await keyed?.close();
});

test("Test connection names the URI that answered, and a missing or refused key as such", async ({ page }) => {
  const dead = await closedPortUrl();
  await page.goto(app.url);
  await page.getByTestId("nav-connections").click();
  await page.getByTestId("profile-add").click();
  const form = page.getByTestId("profile-form");
  await form.getByTestId("profile-name").fill("Failover");
  await form.getByTestId("profile-uris").fill(`${dead}\n${app.coreUrl}`);
  await form.getByTestId("profile-test").click();
  await expect(form.getByTestId("profile-test-headline")).toHaveText(`✓ Connected — ${app.coreUrl}`);
  await expect(form.getByTestId("profile-test-uris")).toContainText(`${dead}: not reachable`);

  await form.getByTestId("profile-uris").fill(keyed.url);
  await form.getByTestId("profile-test").click();
  await expect(form.getByTestId("profile-test-headline")).toHaveText(`✗ API key missing — ${keyed.url}`);
  await expect(form.getByTestId("profile-test-result")).toContainText("needs an API key, and none is set");

  await form.getByTestId("profile-api-key").fill("not-the-right-key-000000000");
  await form.getByTestId("profile-test").click();
  await expect(form.getByTestId("profile-test-headline")).toHaveText(`✗ API key refused — ${keyed.url}`);
  await expect(form.getByTestId("profile-test-result")).not.toContainText("not supported");

  await form.getByTestId("profile-api-key").fill(CORE_KEY);
  await form.getByTestId("profile-test").click();
  await expect(form.getByTestId("profile-test-headline")).toHaveText(`✓ Connected — ${keyed.url}`);
});

test("a profile whose Core is down shows its default tenant alone, and why", async ({ page }) => {
  const dead = await closedPortUrl();
  await page.goto(app.url);
  const picker = page.getByTestId("tenant-picker");
  await expect(picker.locator("option")).toHaveText(["public", "acme"]);
  await picker.selectOption("acme");

  await page.getByTestId("nav-connections").click();
  await page.getByTestId("profile-add").click();
  const form = page.getByTestId("profile-form");
  await form.getByTestId("profile-name").fill("Dead core");
  await form.getByTestId("profile-uris").fill(dead);
  await form.getByTestId("profile-tenant").fill("eu");
  await form.getByTestId("profile-save").click();
  await page.getByTestId("profile-row").filter({ hasText: "Dead core" }).getByTestId("profile-switch").click();
  await expect(page.getByTestId("active-profile")).toContainText("Dead core");

  await page.getByTestId("nav-users").click();
  await expect(picker.locator("option")).toHaveText(["eu"]);
  await expect(picker).toHaveValue("eu");
  const why = page.getByTestId("tenant-picker-error");
  await expect(why).toContainText(`Cannot reach the SuperTokens Core at ${dead}`);
  await expect(picker).toHaveAttribute("aria-describedby", (await why.getAttribute("id")) ?? "");
  expect(await seriousViolations(page), "axe on the dead profile's Users screen").toEqual([]);

  // Back on the demo profile, its tenants return.
  await page.getByTestId("nav-connections").click();
  await page.getByTestId("profile-row").filter({ hasText: "Local demo" }).getByTestId("profile-switch").click();
  await page.getByTestId("nav-users").click();
  await expect(picker.locator("option")).toHaveText(["public", "acme"]);
  await expect(page.getByTestId("tenant-picker-error")).toHaveCount(0);
});
