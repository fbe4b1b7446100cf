/**
 * The Migration screen in Chromium as an auditor: the Local demo's migration after an admin set
 * the end criterion, then the profile's role became auditor. The auditor reads everything and
 * changes nothing (no criterion, source or pause controls; main refuses a change sent anyway),
 * exports the report as CSV and JSON (downloads read back: snapshots, the criterion, who changed
 * it and when; no links) and the lists (phones masked), and the screen has no serious axe
 * violation, CSP violation or page error.
 */
import { expect, test } from "@playwright/test";
import { GatehouseError } from "../../shared/contract/errors.ts";
import { seriousViolations } from "./support/axe.ts";
import { startConsole, type ConsoleUnderTest } from "./support/console.ts";
import { demoScanned, downloadOf, openMigration, watchPage } from "./support/migration.ts";

let app: ConsoleUnderTest;

test.describe.configure({ mode: "serial", timeout: 120_000 });

test.beforeAll(async () => {
  test.setTimeout(120_000);
  app = await startConsole();
  await demoScanned(app.client);
  await app.client.invoke("migration.criterion.set", { criterion: { kind: "share", targetShare: 0.5 } });
  const demo = (await app.client.invoke("profiles.list", {})).profiles.find((p) => p.embedded);
  // The same profile (its roster, index and history) read by an auditor.
  await app.client.invoke("profiles.update", { id: demo?.id ?? "", role: "auditor" });
});
test.afterAll(async () => {
  await app?.close();
});

test("an auditor reads the migration and finds no way to change it", async ({ page }) => {
  const watch = await watchPage(page);
  await page.goto(app.url);
  await expect(page.getByTestId("role-badge")).toHaveText(/auditor/i);
  await openMigration(page);
  await expect(page.getByTestId("criterion-value")).toHaveText("50% of the legacy users migrated");
  await expect(page.getByTestId("criterion-set-by")).toContainText("Set by e2e");
  await expect(page.getByTestId("forecast-criterion")).toContainText("Target 50%");
  await expect(page.locator(".migration-chart__history path.recharts-line-curve")).toHaveCount(1);
  await expect(page.getByTestId("totals-overall")).toBeVisible();
  for (const change of ["criterion-edit", "criterion-remove", "source-edit", "source-read-again", "scan-pause"]) {
    await expect(page.getByTestId(change), change).toHaveCount(0);
  }
  // Reading the index again changes nothing on the Core: every role may.
  await expect(page.getByTestId("scan-refresh")).toBeVisible();
  expect.soft(await seriousViolations(page), "serious axe violations on the Migration screen (auditor)").toEqual([]);

  const refused = await app.client.invoke("migration.criterion.set", { criterion: null }).catch((e: unknown) => e);
  expect(refused).toBeInstanceOf(GatehouseError);
  expect((refused as GatehouseError).code).toBe("FORBIDDEN");
  expect(await watch.problems()).toEqual([]);
});

test("an auditor exports the report as CSV and JSON: the snapshots, the criterion, and who changed what and when", async ({ page }) => {
  const watch = await watchPage(page);
  await page.goto(app.url);
  await openMigration(page);
  const { snapshots } = await app.client.invoke("migration.history", {});

  const json = await downloadOf(page, "migration-report-json");
  expect(json.name).toMatch(/\.json$/);
  const report = JSON.parse(json.text) as {
    snapshots: { at: string; rosterTotal: number }[];
    criterion: { criterion: unknown; setBy: string | null };
    changes: { at: string; operator: string; operation: string; outcome: string }[];
  };
  // Every snapshot, the criterion, and the admin's change with who and when.
  expect(report.snapshots).toHaveLength(snapshots.length);
  expect(report.snapshots.at(-1)?.at).toBe(new Date(snapshots.at(-1)?.at ?? 0).toISOString());
  expect(report.criterion).toMatchObject({ criterion: { kind: "share", targetShare: 0.5 }, setBy: "e2e" });
  const change = report.changes.find((c) => c.operation === "migration.criterion.set");
  expect(change).toMatchObject({ operator: "e2e", outcome: "ok" });
  expect(Date.parse(change?.at ?? "")).toBeGreaterThan(Date.now() - 10 * 60_000);
  await expect(page.getByText(new RegExp(`· ${snapshots.length.toLocaleString("en-US")} snapshots, \\d+ changes?`))).toBeVisible();

  const csv = await downloadOf(page, "migration-report-csv");
  expect(csv.name).toMatch(/\.csv$/);
  const records = csv.text.split(/\r?\n/).filter((l) => l !== "").map((l) => l.split(",")[0]);
  expect(records[0]).toBe("record");
  expect(records.filter((r) => r === "criterion")).toHaveLength(1);
  // A row per snapshot overall, and one per tenant of it.
  expect(records.filter((r) => r === "snapshot").length).toBe(snapshots.reduce((n, sn) => n + 1 + sn.tenants.length, 0));
  expect(csv.text).toMatch(/\nchange,[^\n]*,e2e,admin,migration\.criterion\.set,/);
  // Reports are for auditors: no sign-in or reset link in either.
  for (const file of [json.text, csv.text]) expect(file).not.toMatch(/token=|preAuthSessionId|linkCode/);
  expect(await watch.problems()).toEqual([]);
});

test("an auditor exports a list; phone numbers come masked on screen and in the file", async ({ page }) => {
  const watch = await watchPage(page);
  await page.goto(app.url);
  await openMigration(page);
  const outside = await app.client.invoke("migration.list", { state: "outside-roster", limit: 500 });
  const withPhone = outside.rows.find((r) => r.phoneNumbers.length > 0);
  expect(withPhone, "the demo has phone users outside the roster").toBeDefined();
  expect(withPhone?.phoneNumbers[0]).toContain("•");

  await page.getByTestId("migration-state-outside-roster").click();
  await expect(page.getByTestId("migration-list-pager-info")).toHaveText(new RegExp(`of ${outside.total.toLocaleString("en-US")}`));
  // Scrolled to the first phone user of the page (40 px rows): the number is masked there too.
  const at = outside.rows.indexOf(withPhone!);
  await page.getByTestId("migration-list").evaluate((el, top) => el.scrollTo(0, top), at * 40);
  const row = page.locator(`[data-testid="migration-row"][data-index="${at}"]`);
  await expect(row.getByTestId("phone").first()).toHaveText(withPhone?.phoneNumbers[0] ?? "?");

  const file = await downloadOf(page, "migration-list-export");
  expect(file.text.split(/\r?\n/).filter((l) => l !== "").length).toBe(outside.total + 1);
  expect(file.text).toContain("•");
  expect(file.text).not.toMatch(/\+\d{10,}/);
  expect(await watch.problems()).toEqual([]);
});
