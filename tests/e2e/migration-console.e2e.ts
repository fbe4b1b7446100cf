/**
 * The Migration screen in Chromium as an admin, on the Local demo's migration (LegacyAuth's
 * default roster, about 4,850 legacy users, a few dozen migrated, with six weeks of history):
 * the figures and the chart; the end criterion, wrong input first (named, nothing saved), then a
 * share and a date saved, drawn and audited; the lists per state with thousands of rows (500 a
 * page, virtualized, keyboard, search, CSV export checked against the list's total, a row opens
 * its user); a roster CSV with bad lines refused line by line with nothing imported. No CSP
 * violation, no uncaught error, no serious axe violation.
 */
import { expect, test, type Page } from "@playwright/test";
import { seriousViolations } from "./support/axe.ts";
import { startConsole, type ConsoleUnderTest } from "./support/console.ts";
import { demoScanned, downloadOf, openMigration, watchPage } from "./support/migration.ts";

let app: ConsoleUnderTest;

test.describe.configure({ mode: "serial", timeout: 120_000 });

test.beforeAll(async () => {
  test.setTimeout(120_000);
  app = await startConsole();
  await demoScanned(app.client);
});
test.afterAll(async () => {
  await app?.close();
});

async function shown(page: Page): Promise<{ problems: () => Promise<string[]> }> {
  const watch = await watchPage(page);
  await page.goto(app.url);
  await openMigration(page);
  return watch;
}

test("the demo's migration: totals over the roster, the chart with its history and rate", async ({ page }) => {
  const watch = await shown(page);
  const summary = await app.client.invoke("migration.summary", {});
  const { snapshots } = await app.client.invoke("migration.history", {});
  expect(summary.overall.rosterTotal).toBeGreaterThan(4000);
  expect(snapshots.length).toBeGreaterThan(40);

  const migrated = summary.overall.migrated + summary.overall.temporaryPassword;
  await expect(page.getByTestId("forecast-share")).toHaveText(`${(Math.floor((migrated / summary.overall.rosterTotal) * 1000) / 10).toFixed(1)}%`);
  await expect(page.getByTestId("migration-forecast")).toContainText(`${migrated.toLocaleString("en-US")} of ${summary.overall.rosterTotal.toLocaleString("en-US")} legacy users`);
  await expect(page.getByTestId("forecast-rate")).toContainText(/^Last 7 days: \+[\d,]+ users? migrated/);
  // Demo data has tenants public and acme: a row each, and the overall one.
  expect(summary.tenants.length).toBeGreaterThan(1);
  await expect(page.getByTestId("totals-tenant")).toHaveCount(summary.tenants.length);
  await expect(page.getByTestId("totals-overall").getByTestId("totals-migrated")).toHaveText(migrated.toLocaleString("en-US"));
  // The history is drawn: a line through a point per snapshot (60 or fewer) or a plain line.
  await expect(page.locator(".migration-chart__history path.recharts-line-curve")).toHaveAttribute("d", /^M[\d.]+,[\d.]+(L[\d.]+,[\d.]+){40,}/);
  await page.getByText(/Snapshots as a table/).click();
  await expect(page.getByTestId("migration-snapshots").locator("tbody tr")).toHaveCount(snapshots.length);
  await expect(page.getByTestId("source-summary")).toContainText("LegacyAuth");
  await expect(page.getByTestId("index-freshness")).toContainText("SuperTokens users indexed");

  expect.soft(await seriousViolations(page), "serious axe violations on the Migration screen").toEqual([]);
  expect(await watch.problems()).toEqual([]);
});

test("the end criterion: wrong input is named and nothing is saved; then a share and a date are saved, drawn and audited", async ({ page }) => {
  const watch = await shown(page);
  await expect(page.getByTestId("criterion-value")).toHaveText("None set");
  await page.getByTestId("criterion-edit").click();
  const dialog = page.getByTestId("criterion-dialog");
  const share = dialog.getByTestId("criterion-share");
  await share.fill("150");
  await share.press("Enter");
  await expect(dialog.getByTestId("criterion-error")).toHaveText("150% is more than everyone: the target is at most 100%.");
  await expect(share).toHaveAttribute("aria-invalid", "true");
  await share.fill("0");
  await dialog.getByTestId("criterion-save").click();
  await expect(dialog.getByTestId("criterion-error")).toHaveText("The target must be above 0%.");
  expect((await app.client.invoke("migration.criterion.get", {})).criterion).toBeNull();
  expect.soft(await seriousViolations(page), "serious axe violations on the criterion dialog with an error").toEqual([]);

  await share.fill("80");
  await share.press("Enter");
  await expect(dialog).toHaveCount(0);
  await expect(page.getByTestId("criterion-value")).toHaveText("80% of the legacy users migrated");
  await expect(page.getByTestId("criterion-set-by")).toContainText("Set by e2e");
  await expect(page.getByTestId("forecast-criterion")).toContainText(/Target 80% \([\d,]+ users; [\d,]+ to go\)/);
  await expect(page.locator(".migration-chart__target")).toHaveCount(1);
  expect((await app.client.invoke("migration.criterion.get", {})).criterion).toEqual({ kind: "share", targetShare: 0.8 });

  // A date instead: none picked is named; a day six weeks ahead is saved and drawn as the end.
  await page.getByTestId("criterion-edit").click();
  await dialog.getByTestId("criterion-kind-date").check();
  await dialog.getByTestId("criterion-save").click();
  await expect(dialog.getByTestId("criterion-error")).toHaveText("Pick the day the migration ends.");
  const end = new Date(Date.now() + 42 * 86_400_000);
  const day = `${end.getFullYear()}-${String(end.getMonth() + 1).padStart(2, "0")}-${String(end.getDate()).padStart(2, "0")}`;
  await dialog.getByTestId("criterion-date").fill(day);
  await dialog.getByTestId("criterion-save").click();
  await expect(dialog).toHaveCount(0);
  await expect(page.getByTestId("criterion-value")).toHaveText(`the date ${day} (at the end of that day)`);
  await expect(page.getByTestId("forecast-criterion")).toContainText(`End date ${day}`);
  await expect(page.locator(".migration-chart__end")).toHaveCount(1);
  await expect(page.locator(".migration-chart__target")).toHaveCount(0);
  const saved = (await app.client.invoke("migration.criterion.get", {})).criterion;
  expect(saved?.kind === "date" && new Date(saved.date).getDate()).toBe(end.getDate());

  // Both changes are in the audit log, by this operator; the refused inputs never reached main.
  const audited = await app.client.invoke("audit.list", { operation: "migration.criterion.set", limit: 10 });
  expect(audited.entries.map((e) => e.operator)).toEqual(["e2e", "e2e"]);
  expect(audited.entries.every((e) => e.outcome === "ok")).toBe(true);
  expect(await watch.problems()).toEqual([]);
});

test("lists with thousands of rows: 500 a page, virtualized, keyboard, search, CSV export, a row opens its user", async ({ page }) => {
  const watch = await shown(page);
  const all = await app.client.invoke("migration.list", { state: "not-migrated", limit: 500 });
  expect(all.total).toBeGreaterThan(4000);
  const total = all.total.toLocaleString("en-US");

  await page.getByTestId("migration-state-not-migrated").click();
  await expect(page.getByTestId("migration-list-pager-info")).toHaveText(new RegExp(`^1–500 of ${total}`));
  // Only the rows in view are in the page.
  expect(await page.getByTestId("migration-row").count()).toBeLessThan(80);
  // Keyboard: into the table, End goes to the page's last row, Enter on a row without an account stays.
  await page.getByTestId("migration-list").focus();
  await page.keyboard.press("End");
  await expect(page.locator('[data-testid="migration-row"][data-index="499"]')).toBeVisible();
  await expect(page.locator('[data-testid="migration-row"][data-index="499"]')).toContainText(all.rows[499]?.legacyId ?? "?");
  await page.getByTestId("migration-list-pager-next").click();
  await expect(page.getByTestId("migration-list-pager-info")).toHaveText(new RegExp(`^501–1,000 of ${total}`));

  // Search by the start of a legacy id.
  const someone = all.rows[123]!;
  await page.getByTestId("migration-list-search").fill(someone.legacyId ?? "");
  await expect(page.getByTestId("migration-list-pager-info")).toHaveText(/^1–1 of 1/);
  await expect(page.getByTestId("migration-row")).toContainText(someone.email ?? "?");
  await page.getByTestId("migration-list-search").fill("");
  await expect(page.getByTestId("migration-list-pager-info")).toHaveText(new RegExp(`^1–500 of ${total}`));

  // The whole list as CSV: a row per legacy user of the list, and a header.
  const file = await downloadOf(page, "migration-list-export");
  expect(file.name).toMatch(/\.csv$/);
  const lines = file.text.split(/\r?\n/).filter((l) => l !== "");
  expect(lines.length).toBe(all.total + 1);
  expect(file.text).toContain(someone.legacyId ?? "?");

  // A migrated user's row opens the user.
  const migrated = await app.client.invoke("migration.list", { state: "migrated", limit: 5 });
  const first = migrated.rows[0]!;
  await page.getByTestId("migration-state-migrated").click();
  await expect(page.getByTestId("migration-list-pager-info")).toHaveText(new RegExp(`of ${migrated.total.toLocaleString("en-US")}`));
  await page.getByTestId("migration-row").first().click();
  await expect(page).toHaveURL(new RegExp(`#/users/${encodeURIComponent(first.userId ?? "?")}$`));
  await expect(page.getByTestId("user-detail")).toContainText(first.email ?? "?");
  expect(await watch.problems()).toEqual([]);
});

test("a roster CSV with bad lines is refused line by line, and nothing is imported", async ({ page }) => {
  const watch = await shown(page);
  const before = await app.client.invoke("migration.source.get", {});
  await page.getByTestId("source-edit").click();
  const dialog = page.getByTestId("source-dialog");
  const csv = [
    "legacy_id,email,email_verified,created",
    "legacy-900001,fine.one@legacy.example,true,2021-04-01",
    "legacy-900002,not-an-email,true,2021-04-02",
    "legacy-900003,fine.three@legacy.example,maybe,2021-04-03",
    "legacy-900001,again@legacy.example,false,2021-04-04",
  ].join("\n");
  await dialog.getByTestId("roster-file").setInputFiles({ name: "roster-with-errors.csv", mimeType: "text/csv", buffer: Buffer.from(csv) });
  await dialog.getByTestId("roster-import").click();
  const problems = dialog.getByTestId("roster-problems");
  await expect(problems).toContainText("Nothing was imported");
  const lines = await problems.getByTestId("roster-problem").locator("td:first-child").allTextContents();
  expect(lines).toEqual(expect.arrayContaining(["3", "4", "5"]));
  expect(lines).not.toContain("2");
  expect.soft(await seriousViolations(page), "serious axe violations on the refused roster").toEqual([]);
  await page.keyboard.press("Escape");
  await expect(dialog).toHaveCount(0);
  const after = await app.client.invoke("migration.source.get", {});
  expect(after.total).toBe(before.total);
  expect(after.source).toEqual(before.source);
  expect(await watch.problems()).toEqual([]);
});

test("the Users list answers the temporary-password, migration and invite filters from the index, and says how fresh it is", async ({ page }) => {
  const watch = await watchPage(page);
  await page.goto(app.url);
  await expect(page.getByTestId("user-row").first()).toBeVisible();
  const flagged = await app.client.invoke("users.list", { tenantId: "public", order: "newest", limit: 100, temporaryPassword: true });
  expect(flagged.index?.matches).toBeGreaterThan(0);

  await page.getByTestId("temporary-password-filter").selectOption("yes");
  await expect(page.getByTestId("users-index-matches")).toHaveText(`${flagged.index?.matches} matching users`);
  await expect(page.getByTestId("users-index-notice")).toContainText("SuperTokens users indexed, refreshed");
  await expect(page.getByTestId("user-row")).toHaveCount(Math.min(flagged.rows.length, 100));
  for (const row of await page.getByTestId("user-row").all()) await expect(row).toContainText("temporary");

  // With the migration filter too: users on a temporary password who are migrated legacy users.
  await page.getByTestId("migration-filter").selectOption("temporary-password");
  const both = await app.client.invoke("users.list", { tenantId: "public", order: "newest", limit: 100, temporaryPassword: true, migrationState: "temporary-password" });
  await expect(page.getByTestId("users-index-matches")).toHaveText(`${both.index?.matches.toLocaleString("en-US")} matching user${both.index?.matches === 1 ? "" : "s"}`);
  await expect(page.getByTestId("users-pager-info")).toContainText(`of ${both.index?.matches.toLocaleString("en-US")} match`);

  // Invited, not signed in: the demo's pending invites.
  await page.getByTestId("temporary-password-filter").selectOption("");
  await page.getByTestId("migration-filter").selectOption("");
  await page.getByTestId("invite-filter").selectOption("invited");
  const invited = await app.client.invoke("users.list", { tenantId: "public", order: "newest", limit: 100, invite: "invited" });
  await expect(page.getByTestId("users-index-matches")).toHaveText(`${invited.index?.matches.toLocaleString("en-US")} matching user${invited.index?.matches === 1 ? "" : "s"}`);

  // Every filter off: the Core's own pages again, no index notice.
  await page.getByTestId("invite-filter").selectOption("");
  await expect(page.getByTestId("users-index-notice")).toHaveCount(0);
  expect(await watch.problems()).toEqual([]);
});
