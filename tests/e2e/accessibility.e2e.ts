/**
 * Accessibility, in Chromium: axe-core on every screen and every dialog of the console, as an
 * admin on the demo data, then the auditor's screens and the no-token screen, with the page's
 * real CSP (see support/axe.ts). Any serious or critical violation fails the test and is listed
 * with the element it is on (soft assertions: one run lists every screen that has any).
 */
import { expect, test, type Page } from "@playwright/test";
import supertokens from "supertokens-node";
import Session from "supertokens-node/recipe/session";
import { CoreClient } from "../../main/core/core-client.ts";
import { DEFAULT_DATA_CONTRACT } from "../../shared/data-contract.ts";
import { seriousViolations } from "./support/axe.ts";
import { startConsole, type ConsoleUnderTest } from "./support/console.ts";

let app: ConsoleUnderTest;
/** A user with a second-factor phone and a session (for the 2FA reset and revoke dialogs). */
let enrolledUserId = "";

test.describe.configure({ mode: "serial", timeout: 180_000 });

test.beforeAll(async () => {
  app = await startConsole();
  const { rows } = await app.client.invoke("users.list", { tenantId: "public", order: "oldest", limit: 200 });
  const enrolled = rows.find((r) => r.secondFactor.state === "enrolled" && r.emails.length > 0);
  if (!enrolled) throw new Error("the demo data has no user with a second-factor phone");
  enrolledUserId = enrolled.id;
  const core = new CoreClient({ uris: [app.coreUrl], apiKey: undefined, timeoutMs: 5000 });
  await core.sdk(() => Session.createNewSessionWithoutRequestResponse("public", supertokens.convertToRecipeUserId(enrolledUserId)));
  // Something in each list: a pending invite and its outbox message, a finished job with a failed row.
  await app.client.invoke("invites.create", { tenantId: "public", email: "a11y.pending@example.com", roles: [] });
  const { job } = await app.client.invoke("jobs.dryRun", { kind: "invites.bulk", input: { csv: "email\na11y.bulk.1@example.com\na11y.bulk.2@example.com\nnot-an-email\n" } });
  await app.client.invoke("jobs.start", { jobId: job.id });
});

test.afterAll(async () => {
  await app?.close();
});

/** Runs axe on the page as it is, and fails with the list of serious and critical violations. */
async function expectAccessible(page: Page, where: string): Promise<void> {
  // Soft: one run lists every screen with violations, not only the first.
  expect.soft(await seriousViolations(page), `serious or critical axe violations on ${where}`).toEqual([]);
}

/** `ready`: a test id to wait for, or the id of the page's heading. */
async function openPage(page: Page, nav: string, ready: string): Promise<void> {
  await page.getByTestId(`nav-${nav}`).click();
  await expect(page.getByTestId(ready).or(page.locator(`h1#${ready}`)).first()).toBeVisible();
}

test("every screen and dialog has no serious or critical axe violation", async ({ page }) => {
  const pageErrors: string[] = [];
  page.on("pageerror", (err) => pageErrors.push(err.message));
  await page.goto(app.url);
  await expect(page.getByTestId("user-row").first()).toBeVisible();
  await expectAccessible(page, "Users");

  await page.keyboard.press("Control+k");
  await page.getByTestId("quick-search-input").fill("grace");
  await expect(page.getByTestId("quick-search-option").first()).toBeVisible();
  await expectAccessible(page, "the Ctrl+K quick search");
  await page.keyboard.press("Escape");

  // User detail, and its dialogs.
  await page.goto(`${app.url.split("#")[0]}#/users/${encodeURIComponent(enrolledUserId)}`);
  await expect(page.getByTestId("user-detail")).toBeVisible();
  await expect(page.getByTestId("session-row").first()).toBeVisible();
  await expectAccessible(page, "User detail");
  await page.getByTestId("metadata-edit").click();
  await expect(page.getByTestId("metadata-json")).toBeVisible();
  await expectAccessible(page, "the metadata editor");
  await page.keyboard.press("Escape");
  await page.getByTestId("session-revoke").first().click();
  await expect(page.getByRole("dialog")).toBeVisible();
  await expectAccessible(page, "the revoke-session confirmation");
  await page.keyboard.press("Escape");
  await page.getByTestId("second-factor-reset").click();
  await expect(page.getByTestId("sf-dialog")).toBeVisible();
  await expectAccessible(page, "the second-factor reset dialog");
  await page.keyboard.press("Escape");
  await page.getByTestId("user-delete").click();
  await page.getByTestId("confirm-input").fill("NOT IT");
  await expectAccessible(page, "the delete-user dialog");
  await page.keyboard.press("Escape");

  // Roles, and their dialogs.
  await openPage(page, "roles", "role-row");
  await page.getByTestId("role-row").filter({ hasText: "support" }).getByRole("button", { name: "support" }).click();
  await expect(page.getByTestId("role-holders")).toBeVisible();
  await expectAccessible(page, "Roles");
  await page.getByTestId("role-create").click();
  await page.getByTestId("role-name").fill("bad name");
  await expectAccessible(page, "the new-role form with a field error");
  await page.keyboard.press("Escape");
  const admin = page.getByTestId("role-row").filter({ hasText: "admin" });
  await admin.getByTestId("chip-remove").first().click();
  await expect(page.getByTestId("permission-remove-dialog")).toBeVisible();
  await expectAccessible(page, "the remove-permission confirmation");
  await page.keyboard.press("Escape");
  await admin.getByTestId("role-delete").click();
  await expect(page.getByTestId("role-delete-preview")).toBeVisible();
  await expectAccessible(page, "the delete-role dialog");
  await page.keyboard.press("Escape");

  // Invites: list, outbox, settings, bulk dry run, revoke.
  await openPage(page, "invites", "invite-row");
  await expectAccessible(page, "Invites");
  await page.getByTestId("invite-settings-toggle").click();
  await expect(page.getByTestId("invite-settings")).toBeVisible();
  await expectAccessible(page, "Invite settings");
  await page.getByTestId("invite-settings-toggle").click();
  await page.getByTestId("bulk-invite-paste").fill("email\nfine@example.com\ntrail@example.com.\n");
  await page.getByTestId("bulk-invite-plan").click();
  await expect(page.getByTestId("bulk-invite-dryrun")).toBeVisible();
  await expectAccessible(page, "the bulk-invite dry run");
  await page.getByTestId("invite-row").filter({ hasText: "a11y.pending@example.com" }).getByTestId("invite-revoke").click();
  await expect(page.getByTestId("revoke-dialog")).toBeVisible();
  await expectAccessible(page, "the revoke-invite confirmation");
  await page.keyboard.press("Escape");

  // Allow-lists: list with flags and accounts, a change previewed, the import form.
  await openPage(page, "allowlists", "allowlist-row");
  await expectAccessible(page, "Allow-lists");
  await page.getByTestId("allowlist-add").fill("someone.new@example.com, not-an-email");
  await page.getByTestId("allowlist-preview-button").click();
  await expect(page.getByTestId("allowlist-preview")).toBeVisible();
  await expectAccessible(page, "the allow-list change preview");

  // Second factor: the scan report.
  await openPage(page, "second-factor", "second-factor-page");
  await page.getByTestId("sf-report-run").click();
  await expect(page.getByTestId("sf-report-summary")).toBeVisible();
  await expectAccessible(page, "Second factor");

  // Jobs: the list and a job with its progress and items.
  await openPage(page, "jobs", "job-row");
  await page.getByTestId("job-row").first().getByRole("button").first().click();
  await expect(page.getByTestId("job-view")).toBeVisible();
  await expectAccessible(page, "Jobs");

  // Audit log: the list, an entry, the chain check.
  await openPage(page, "audit", "audit-row");
  await expectAccessible(page, "Audit log");
  await page.getByTestId("audit-row").first().click();
  await expect(page.getByTestId("audit-entry")).toBeVisible();
  await expectAccessible(page, "an audit entry");
  await page.keyboard.press("Escape");
  await page.getByTestId("audit-verify").click();
  await expect(page.getByTestId("audit-verify-result")).toBeVisible();
  await expectAccessible(page, "the audit chain check");

  // Connections: the list, a test result, the profile form, the remove confirmation.
  await openPage(page, "connections", "profile-row");
  await page.getByTestId("profile-test-saved").first().click();
  await expect(page.getByTestId("profile-test-result")).toBeVisible();
  await expectAccessible(page, "Connections");
  await page.getByTestId("profile-add").click();
  await page.getByTestId("profile-uris").fill("not a url");
  await page.getByTestId("profile-save").click();
  await expectAccessible(page, "the profile form");
  await page.keyboard.press("Escape");
  await page.getByTestId("profile-remove").first().click();
  await expect(page.getByRole("dialog")).toBeVisible();
  await expectAccessible(page, "the remove-profile confirmation");
  await page.keyboard.press("Escape");

  expect(pageErrors).toEqual([]);
});

test("the auditor's screens, and the screen of a tab opened without the token, have none either", async ({ page, browser }) => {
  const demo = (await app.client.invoke("profiles.list", {})).profiles.find((p) => p.embedded);
  const auditor = await app.client.invoke("profiles.create", {
    name: "Auditor desk",
    uris: demo?.uris ?? [],
    role: "auditor",
    defaultTenant: "public",
    timeoutMs: 5000,
    contract: { ...DEFAULT_DATA_CONTRACT },
  });
  await app.client.invoke("profiles.switch", { id: auditor.id });
  try {
    await page.goto(app.url);
    await expect(page.getByTestId("role-badge")).toHaveText(/auditor/i);
    await expect(page.getByTestId("user-row").first()).toBeVisible();
    await expectAccessible(page, "Users (auditor)");
    await page.getByTestId("user-row").first().click();
    await expect(page.getByTestId("user-detail")).toBeVisible();
    await expectAccessible(page, "User detail (auditor)");
    for (const [nav, ready] of [
      ["roles", "role-row"],
      ["invites", "invite-row"],
      ["allowlists", "allowlist-row"],
      ["second-factor", "second-factor-page"],
      ["jobs", "jobs-title"], // jobs belong to the profile that ran them: this one has none
      ["audit", "audit-row"],
      ["connections", "profile-row"],
    ] as const) {
      await openPage(page, nav, ready);
      await expectAccessible(page, `${nav} (auditor)`);
    }
  } finally {
    await app.client.invoke("profiles.switch", { id: demo?.id ?? "" });
  }

  const stranger = await browser.newContext();
  try {
    const tab = await stranger.newPage();
    await tab.goto(app.url.split("#")[0] ?? app.url);
    await expect(tab.getByTestId("no-token")).toBeVisible();
    await expectAccessible(tab, "the no-token screen");
  } finally {
    await stranger.close();
  }
});
