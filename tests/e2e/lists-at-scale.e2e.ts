/**
 * Lists that grow, end to end in Chromium: a users search with more matches than the Core returns
 * (2,974 match; the Core keeps 1,000 per sign-in method), paged like the list and saying it was
 * cut; a role held by 10,000 users; an audit log of 3,000 entries. Each stays a screenful of rows
 * in the DOM, and its last entries are reachable from the keyboard. The users and role holders are
 * written into the embedded core's database file next to the demo data; the audit entries are
 * appended by Gatehouse's own AuditLog over the same store and sealed key, so the chain verifies.
 */
import { expect, test, type Locator, type Page } from "@playwright/test";
import { join } from "node:path";
import { AuditLog } from "../../main/services/audit-log.ts";
import { FileKeySecretBox } from "../../main/secrets/file-key-box.ts";
import { openStore } from "../../main/store/database.ts";
import { seedRoleHolders, seedUsers } from "../support/seed-users.ts";
import { seriousViolations } from "./support/axe.ts";
import { startConsole, type ConsoleUnderTest } from "./support/console.ts";

const HOLDERS = 10_000;
const AUDIT_ENTRIES = 3_000;
let app: ConsoleUnderTest;

test.beforeAll(async () => {
  app = await startConsole({ coreInFile: true });
  const dbFile = app.coreDbFile ?? "";
  const searched = seedUsers(dbFile, [
    { recipe: "emailpassword", count: 1_400, emailPrefix: "many.ep", domain: "bulk.test" },
    { recipe: "passwordless", count: 1_574, emailPrefix: "many.pl", domain: "bulk.test" },
  ]);
  const more = seedUsers(dbFile, [{ recipe: "passwordless", count: HOLDERS - searched.length, emailPrefix: "holder.", domain: "roles.test" }]);
  await app.client.invoke("roles.create", { role: "member", permissions: ["read"] });
  seedRoleHolders(dbFile, "member", [...searched, ...more].map((u) => u.id));

  const store = openStore(join(app.dataDir, "gatehouse.sqlite"));
  try {
    const log = new AuditLog(store, new FileKeySecretBox(join(app.dataDir, "secrets.key")), Date.now);
    store.transaction(() => {
      for (let i = 1; i <= AUDIT_ENTRIES; i++) {
        void log.append({ operator: "importer", address: null, role: "admin", profile: "Local demo", operation: "users.updateMetadata", target: `imported-${i}`, input: { i }, outcome: "ok", detail: null });
      }
    })();
  } finally {
    store.close();
  }
});
test.afterAll(async () => {
  await app?.close();
});

test("a search pages through every match the Core returned and says the Core cut the rest", async ({ page }) => {
  await page.goto(app.url);
  const rows = page.getByTestId("user-row");
  await expect(rows.first()).toBeVisible();
  const info = page.getByTestId("users-pager-info");
  const next = page.getByTestId("users-next");
  const previous = page.getByTestId("users-previous");

  await page.getByTestId("page-size").selectOption("25");
  await page.getByTestId("users-search").fill("many.");
  await expect(info).toHaveText(/Page 1 · users 1–25 of 2,000 matches/);
  await expect(rows.first()).toContainText("@bulk.test");
  const cut = page.getByTestId("users-search-cut");
  await expect(cut).toContainText("at most 1,000 matches per sign-in method");
  await expect(cut).toContainText("2,000 shown of more");
  await expect(cut).toContainText("Type more of the email or phone number");
  expect(await seriousViolations(page), "axe on a cut search").toEqual([]);

  await next.click();
  await expect(info).toHaveText(/Page 2 · users 26–50 of 2,000 matches/);
  await previous.click();
  await expect(info).toHaveText(/Page 1 · users 1–25 of 2,000 matches/);

  // Bigger pages, to the end: every match the Core returned is reachable, and the table stays small.
  await page.getByTestId("page-size").selectOption("500");
  await expect(info).toHaveText(/Page 1 · users 1–500 of 2,000 matches/);
  for (const [n, range] of [[2, "501–1,000"], [3, "1,001–1,500"], [4, "1,501–2,000"]] as const) {
    await next.click();
    await expect(info).toHaveText(new RegExp(`Page ${n} · users ${range} of 2,000 matches`));
    expect(await rows.count()).toBeLessThan(100);
  }
  await expect(next).toBeDisabled();
  // The last row is the last match, reached from the keyboard.
  await page.getByTestId("users-table").focus();
  await page.keyboard.press("End");
  await expect(rows.last()).toHaveAttribute("data-index", "499");

  // Narrowed below the cap: no notice, and every match fits.
  await page.getByTestId("users-search").fill("many.ep13");
  await expect(info).toHaveText(/Page 1 · users 1–111 of 111 matches/);
  await expect(cut).toHaveCount(0);
  await expect(next).toBeDisabled();
});

/** How many rows of a table are in the DOM (virtualized: a screenful, whatever the list's length). */
const drawn = (rows: Locator) => rows.count();

async function pressOn(page: Page, testId: string): Promise<void> {
  await page.getByTestId(testId).focus();
  await page.keyboard.press("Enter");
}

test("a role held by 10,000 users shows a page of them, a screenful in the DOM, and the last holders two key presses away", async ({ page }) => {
  await page.goto(app.url);
  await page.getByTestId("nav-roles").click();
  const member = page.getByTestId("role-row").filter({ hasText: "member" });
  await expect(member).toContainText("10,000");
  await member.getByRole("button", { name: "member" }).click();
  const info = page.getByTestId("role-holders-pager-info");
  await expect(info).toHaveText(/1–100 of 10,000/);
  const rows = page.getByTestId("role-holder");
  await expect(rows.first()).toContainText("@");
  expect(await drawn(rows)).toBeLessThan(50);

  expect(await seriousViolations(page), "axe on a page of holders").toEqual([]);
  await pressOn(page, "role-holders-pager-last");
  await expect(info).toHaveText(/9,901–10,000 of 10,000/);
  await expect(page.getByTestId("role-holders-pager-next")).toBeDisabled();
  // The last holder of the page, from the keyboard, opens their user page.
  await page.getByTestId("role-holders-table").focus();
  await page.keyboard.press("End");
  await expect(rows.last()).toHaveAttribute("data-index", "99");
  expect(await drawn(rows)).toBeLessThan(50);
  const lastLabel = (await rows.last().locator("a").textContent()) ?? "";
  expect(lastLabel).toMatch(/@(bulk|roles)\.test$/);
  await page.keyboard.press("Enter");
  await expect(page.getByTestId("user-detail")).toContainText(lastLabel);
});

test("an audit log of 3,000 entries pages from the keyboard to the oldest entry with a screenful in the DOM", async ({ page }) => {
  await page.goto(app.url);
  await page.getByTestId("nav-audit").click();
  const info = page.getByTestId("audit-pager-info");
  await expect(info).toHaveText(/Entries 1–200 of 3,\d{3}, newest first/);
  const total = Number(/of ([\d,]+)/.exec((await info.textContent()) ?? "")?.[1]?.replace(/,/g, ""));
  expect(total).toBeGreaterThanOrEqual(AUDIT_ENTRIES);
  const rows = page.getByTestId("audit-row");
  await expect(rows.first()).toBeVisible();
  expect(await drawn(rows)).toBeLessThan(60);

  await pressOn(page, "audit-older");
  await expect(info).toHaveText(/Entries 201–400 of/);
  expect(await seriousViolations(page), "axe on a middle page of the audit log").toEqual([]);
  await pressOn(page, "audit-oldest");
  await expect(info).toHaveText(new RegExp(`Entries ${(total - 199).toLocaleString("en-US")}–${total.toLocaleString("en-US")} of`));
  await expect(page.getByTestId("audit-older")).toBeDisabled();
  await page.getByTestId("audit-table").focus();
  await page.keyboard.press("End");
  await expect(rows.last()).toHaveAttribute("data-index", "199");
  await expect(rows.last().getByRole("gridcell").first()).toHaveText("1");
  expect(await drawn(rows)).toBeLessThan(60);

  // The biggest page is still a screenful in the DOM.
  await page.getByTestId("audit-page-size").selectOption("1000");
  await expect(info).toHaveText(/Entries 1–1,000 of/);
  expect(await drawn(rows)).toBeLessThan(60);
  await expect(page.getByTestId("audit-newer")).toBeDisabled();

  // Operator in another case still matches; the chain of the 3,000 appended entries verifies.
  await page.getByTestId("audit-filter-operator").fill("IMPORTER");
  await page.getByTestId("audit-filter-operator").press("Enter");
  await expect(info).toHaveText(/Entries 1–1,000 of 3,000, newest first/);
  // A From after the To is refused at the field, and says so.
  await page.getByTestId("audit-filter-from").fill("2030-01-02T10:00");
  await page.getByTestId("audit-filter-to").fill("2030-01-01T10:00");
  await page.getByTestId("audit-filter-apply").click();
  await expect(page.getByTestId("audit-filter-error")).toContainText("“From”");
  await expect(page.getByTestId("audit-filter-from")).toBeFocused();
  await expect(info).toHaveText(/of 3,000/);
  expect(await seriousViolations(page), "axe on a refused time range").toEqual([]);
  await page.getByTestId("audit-verify").click();
  await expect(page.getByTestId("audit-verify-result")).toContainText("Chain intact");
});
