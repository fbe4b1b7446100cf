/**
 * The end of the migration and reset links through the Migration screen, in Chromium: an admin
 * imports a small roster (one row in conflict with a demo user), refreshes the index, runs the
 * dry run (counts, the conflict skipped), starts the run by typing the number of accounts, and
 * follows it to the end; the accounts are checked on the Core with raw CDI reads (mapped to the
 * legacy id, flagged as on a temporary password), the reset links are in the outbox, the result
 * CSV has every row. Then, as support, a user on a temporary password is sent a new link from
 * the list.
 */
import { expect, test, type Page } from "@playwright/test";
import { DEFAULT_DATA_CONTRACT as C } from "../../shared/data-contract.ts";
import { coreReads } from "../main/helpers/core-reads.ts";
import { seriousViolations } from "./support/axe.ts";
import { startConsole, type ConsoleUnderTest } from "./support/console.ts";
import { demoScanned, downloadOf, openMigration, watchPage } from "./support/migration.ts";

const USERS = 24;
const legacyId = (i: number) => `legacy-end-${String(i).padStart(3, "0")}`;
const email = (i: number) => `end.user.${i}@legacy-end.example`;
const ROSTER = [
  "legacy_id,email,email_verified,created",
  ...Array.from({ length: USERS }, (_, i) => `${legacyId(i)},${email(i)},${i % 3 === 0 ? "false" : "true"},2019-0${1 + (i % 9)}-1${i % 10}`),
  // A demo user's email under another legacy id: a conflict the end skips.
  "legacy-end-conflict,ada.lovelace@example.com,true,2018-05-01",
].join("\n");

let app: ConsoleUnderTest;
let core: ReturnType<typeof coreReads>;

test.describe.configure({ mode: "serial", timeout: 150_000 });

test.beforeAll(async () => {
  test.setTimeout(120_000);
  app = await startConsole();
  core = coreReads(app.coreUrl);
  await demoScanned(app.client);
});
test.afterAll(async () => {
  await app?.close();
});

/** Refresh from the screen, and wait until the scan has ended and the figures are in again. */
async function refreshIndex(page: Page): Promise<void> {
  await page.getByTestId("scan-refresh").click();
  await expect(page.getByTestId("scan-progress")).toHaveCount(0, { timeout: 60_000 });
  await expect(page.getByTestId("scan-refresh")).toBeVisible();
}

test("an admin imports a roster, plans the end of the migration, starts it by typing the count, and follows it to the end", async ({ page }) => {
  const watch = await watchPage(page);
  await page.goto(app.url);
  await openMigration(page);

  await page.getByTestId("source-edit").click();
  const dialog = page.getByTestId("source-dialog");
  await dialog.getByTestId("roster-file").setInputFiles({ name: "end-roster.csv", mimeType: "text/csv", buffer: Buffer.from(ROSTER) });
  await dialog.getByTestId("roster-import").click();
  await expect(dialog).toHaveCount(0);
  await expect(page.getByTestId("source-summary")).toContainText(`${USERS + 1} legacy users, imported from the CSV file end-roster.csv`);
  await refreshIndex(page);
  await expect(page.getByTestId("totals-overall").or(page.getByTestId("totals-tenant")).last()).toContainText(String(USERS + 1));

  // The dry run, on the path every Core has (supertokens-node calls).
  await page.getByTestId("end-provider").fill("LegacyAuth");
  await page.getByTestId("end-path").selectOption("sdk");
  await page.getByTestId("end-dry-run").click();
  await expect(page.getByTestId("end-plan-counts")).toContainText(`${USERS} accounts to create: 0 keep their legacy password, ${USERS} users get a temporary password and a reset link. Skipped: 1 conflict`);
  // The skipped conflict is the plan's last item, with why (End in the virtualized table).
  await page.getByTestId("end-plan-items").focus();
  await page.keyboard.press("End");
  await expect(page.getByTestId("end-plan-item").filter({ hasText: "legacy-end-conflict" })).toContainText("conflict: an account with this email");
  expect.soft(await seriousViolations(page), "serious axe violations on the end-of-migration dry run").toEqual([]);
  // Nothing was created by the dry run.
  expect(await core.user(legacyId(0))).toBeUndefined();

  await page.getByTestId("end-start").click();
  const confirm = page.getByTestId("end-start-dialog");
  await confirm.getByTestId("confirm-input").fill(String(USERS + 1));
  await expect(confirm.getByTestId("confirm-button")).toBeDisabled();
  await confirm.getByTestId("confirm-input").fill(String(USERS));
  await confirm.getByTestId("confirm-button").click();
  await expect(page.getByTestId("migration-end-state")).toContainText("completed", { timeout: 90_000 });
  await expect(page.getByTestId("migration-end-counts")).toContainText(`${USERS} done, 0 failed`);
  await expect(page.getByTestId("migration-end-counts")).toContainText(`reset links: 0 mailed, ${USERS} in the outbox`);

  // On the Core: each account under its legacy id, with the flag; the conflict made nothing.
  for (const i of [0, 1, USERS - 1]) {
    const user = await core.user(legacyId(i));
    expect(user?.emails, legacyId(i)).toEqual([email(i)]);
    expect((await core.metadata(legacyId(i)))[C.temporaryPasswordKey]).toBe(true);
  }
  expect(await core.user("legacy-end-conflict")).toBeUndefined();

  const result = await downloadOf(page, "end-result");
  const rows = result.text.split(/\r?\n/).filter((l) => l !== "");
  expect(rows.length).toBe(USERS + 1 + 1); // header, every user, the skipped conflict
  expect(result.text).not.toMatch(/password_?hash|plainTextPassword/i);
  expect(await watch.problems()).toEqual([]);
});

test("support sends a user on a temporary password a new reset link from the list", async ({ page }) => {
  const demo = (await app.client.invoke("profiles.list", {})).profiles.find((p) => p.embedded);
  await app.client.invoke("profiles.update", { id: demo?.id ?? "", role: "support" });
  const watch = await watchPage(page);
  await page.goto(app.url);
  await expect(page.getByTestId("role-badge")).toHaveText(/support/i);
  await openMigration(page);
  await refreshIndex(page);
  // Support may send links, not end the migration.
  await expect(page.getByTestId("end-dry-run")).toHaveCount(0);
  await expect(page.getByTestId("reset-all-dry-run")).toHaveCount(0);

  await page.getByTestId("migration-state-temporary-password").click();
  await page.getByTestId("migration-list-search").fill(legacyId(5));
  await expect(page.getByTestId("migration-row")).toHaveCount(1);
  await page.getByTestId("reset-link-send").click();
  const dialog = page.getByTestId("reset-link-dialog");
  await expect(dialog.getByTestId("reset-link-delivery")).toContainText("outbox");
  await dialog.getByTestId("reset-link-confirm").click();
  await expect(dialog.getByTestId("reset-link-result")).toContainText(`outbox for ${email(5)}`);
  await expect(dialog.getByTestId("reset-link")).toHaveValue(/reset-password\?token=[^&]+&tenantId=public/);
  expect.soft(await seriousViolations(page), "serious axe violations on the reset-link result").toEqual([]);
  await page.keyboard.press("Escape");
  await expect(dialog).toHaveCount(0);
  // The row did not open the user; the screen is still the Migration screen.
  await expect(page.getByTestId("migration-page")).toBeVisible();

  const audited = await app.client.invoke("audit.list", { operation: "resetLinks.send", limit: 5 });
  expect(audited.entries[0]).toMatchObject({ operator: "e2e", role: "support", target: legacyId(5), outcome: "ok" });
  expect(JSON.stringify(audited.entries[0])).not.toContain("token=");
  expect(await watch.problems()).toEqual([]);
});
