/**
 * Helpers for the Migration screen's e2e tests: waiting for the Local demo's first scan (started
 * by itself on the profile's first visit), reading a download, and watching the page for CSP
 * violations and uncaught errors.
 */
import { readFileSync } from "node:fs";
import { expect, type Download, type Page } from "@playwright/test";
import type { GatehouseClient } from "../../../shared/contract/client.ts";

/** Until the profile's user index has been built (the demo seeds its roster and scans on the first visit). */
export async function demoScanned(client: GatehouseClient): Promise<void> {
  await client.invoke("migration.source.get", {});
  await expect
    .poll(async () => (await client.invoke("migration.scan.status", {})).index.state, { timeout: 60_000, message: "the demo's first scan of the user index" })
    .toBe("ready");
}

export async function downloadText(download: Download): Promise<string> {
  const file = await download.path();
  if (!file) throw new Error(`the download ${download.suggestedFilename()} was not saved`);
  return readFileSync(file, "utf8");
}

/** Clicks `testId` and answers the file it downloads (its name and text). */
export async function downloadOf(page: Page, testId: string): Promise<{ name: string; text: string }> {
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByTestId(testId).click()]);
  return { name: download.suggestedFilename(), text: await downloadText(download) };
}

/** Records CSP violations and uncaught page errors from the first byte on; `problems()` lists them. */
export async function watchPage(page: Page): Promise<{ problems: () => Promise<string[]> }> {
  const errors: string[] = [];
  page.on("pageerror", (err) => errors.push(`page error: ${err.message}`));
  await page.addInitScript(`
    window.__cspViolations = [];
    document.addEventListener("securitypolicyviolation", (e) => window.__cspViolations.push("CSP " + e.violatedDirective + " " + e.blockedURI));
  `);
  return { problems: async () => [...errors, ...(await page.evaluate<string[]>("window.__cspViolations || []"))] };
}

/** The Migration screen, from the sidebar's shortcut, once its figures are in. */
export async function openMigration(page: Page): Promise<void> {
  await expect(page.getByTestId("nav-migration")).toBeVisible();
  await page.keyboard.press("Alt+9");
  await expect(page.getByTestId("migration-page")).toBeVisible();
  await expect(page.getByTestId("forecast-share")).not.toHaveText("—", { timeout: 30_000 });
}
