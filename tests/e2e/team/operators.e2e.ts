/**
 * The team server's renderer end to end, in Chromium, with two browser sessions against a real
 * team server (main/team-server: embedded operator directory, demo core, the built renderer):
 * the first admin sets a password from the command line's link and signs in; invites a support
 * operator, whose one-time link is shown once; the support operator sets a password, signs in and
 * sees no Operators page; the admin removes them, and the support operator's page goes back to
 * sign-in at once ("Your session ended"), where their password no longer works.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, test, type Page } from "@playwright/test";
import { parseServerConfig } from "../../../main/team-server/config.ts";
import { startTeamServer, type TeamServer } from "../../../main/team-server/index.ts";
import { addOperator } from "../../../main/team/operators/add-operator.ts";
import { base32Decode } from "../../../main/team/totp/base32.ts";
import { totpAt } from "../../../main/team/totp/totp.ts";
import { RENDERER_OUT_DIR } from "../../../scripts/renderer-build.ts";
import { seriousViolations } from "../support/axe.ts";

let dataDir: string;
let server: TeamServer;
let firstAdminLink: string;

test.beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), "gatehouse-team-e2e-"));
  const config = parseServerConfig({ listen: { host: "127.0.0.1", port: 0 }, dataDir }, dataDir);
  server = await startTeamServer({ config, rendererDir: RENDERER_OUT_DIR, log: () => {}, gatehouse: { embeddedCoreInMemory: true }, sessionCheckMs: 500 });
  const { team, audit } = server;
  // What `npm run server -- add-operator admin@example.com --role admin` does and prints.
  const created = await addOperator({ directory: team.directory, links: team.links, audit, now: Date.now }, { email: "admin@example.com", role: "admin" }, "cli:e2e");
  firstAdminLink = created.link.url;
});

test.afterAll(async () => {
  await server?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

/** axe on the page as it is: no serious or critical violation (soft: every screen is listed). */
async function axe(page: Page, where: string): Promise<void> {
  expect.soft(await seriousViolations(page), `serious or critical axe violations on ${where}`).toEqual([]);
}

/** Opens a set-password link, sets `password`, then signs in with it (the email is filled in). */
async function setPasswordAndSignIn(page: Page, link: string, email: string, password: string): Promise<void> {
  await page.goto(link);
  await expect(page.getByTestId("set-password")).toBeVisible();
  // The token leaves the address bar at once.
  expect(page.url()).not.toContain("set-password=");
  await page.getByTestId("set-password-new").fill(password);
  await page.getByTestId("set-password-repeat").fill(`${password}!`);
  await page.getByTestId("set-password-submit").click();
  await expect(page.getByText("Repeat the new password: The two passwords are not the same.")).toBeVisible();
  await axe(page, "the set-password screen with an error");
  await page.getByTestId("set-password-repeat").fill(password);
  await page.getByTestId("set-password-repeat").press("Enter");
  await expect(page.getByTestId("sign-in-notice")).toHaveText("Your password is set. Sign in with it.");
  await expect(page.getByTestId("sign-in-email")).toHaveValue(email);
  await axe(page, "the sign-in screen with a notice");
  await page.getByTestId("sign-in-password").fill(password);
  await page.getByTestId("sign-in-password").press("Enter");
  await expect(page.getByTestId("account-email")).toHaveText(email);
}

test("an admin invites a support operator, who signs in without the Operators page, and is signed out at once when removed", async ({ browser }) => {
  const adminContext = await browser.newContext();
  const supportContext = await browser.newContext();
  try {
    const admin = await adminContext.newPage();
    await setPasswordAndSignIn(admin, firstAdminLink, "admin@example.com", "the first admin's long password");
    await expect(admin.getByTestId("role-badge")).toHaveText("admin");

    await admin.getByTestId("nav-operators").click();
    await expect(admin.getByTestId("operator-row")).toHaveCount(1);
    await admin.getByTestId("operator-invite-open").click();
    await admin.getByTestId("operator-invite-email").fill("wes@example.com");
    await admin.getByTestId("operator-invite-role-support").check();
    await admin.getByTestId("operator-invite-submit").click();
    const link = await admin.getByTestId("operator-invite-link").inputValue();
    await axe(admin, "the Operators page with an invite's link");
    expect(link).toMatch(new RegExp(`^${server.origin}/#set-password=[A-Za-z0-9_-]{43}$`));
    await admin.getByTestId("operator-invite-done").click();
    await expect(admin.getByTestId("operator-invite-link")).toHaveCount(0);
    const wesRow = admin.getByTestId("operator-row").filter({ hasText: "wes@example.com" });
    await expect(wesRow.getByTestId("operator-status")).toHaveText("invited");

    const support = await supportContext.newPage();
    await setPasswordAndSignIn(support, link, "wes@example.com", "wes has a long password too");
    await expect(support.getByTestId("role-badge")).toHaveText("support");
    await expect(support.getByTestId("nav-users")).toBeVisible();
    await expect(support.getByTestId("nav-operators")).toHaveCount(0);
    await support.goto(`${server.origin}/#/operators`);
    await expect(support.getByTestId("operators-forbidden")).toBeVisible();
    await support.getByTestId("nav-roles").click();
    await expect(support).toHaveURL(/#\/roles$/);

    await admin.getByRole("button", { name: "Reload operators" }).click();
    await expect(wesRow.getByTestId("operator-status")).toHaveText("active");
    await expect(wesRow.getByTestId("operator-sessions")).toHaveText("1");
    await wesRow.getByTestId("operator-remove").click();
    const dialog = admin.getByTestId("operator-remove-dialog");
    await expect(dialog.getByTestId("confirm-button")).toBeDisabled();
    await axe(admin, "the remove-operator dialog");
    await dialog.getByTestId("confirm-input").fill("wes@example.com");
    await dialog.getByTestId("confirm-button").click();
    await expect(wesRow).toHaveCount(0);

    // The support page learns from its closed event stream, without a click, and stays on its page.
    await expect(support.getByTestId("sign-in-notice")).toHaveText("Your session ended — sign in again.");
    await expect(support).toHaveURL(/#\/roles$/);
    await support.getByTestId("sign-in-password").fill("wes has a long password too");
    await support.getByTestId("sign-in-submit").click();
    await expect(support.getByTestId("team-error")).toHaveAttribute("data-code", "SIGN_IN_FAILED");
  } finally {
    await adminContext.close();
    await supportContext.close();
  }
});

test("signing out ends the session on the server, and signing in again returns to the page", async ({ page }) => {
  await page.goto(`${server.origin}/#/audit`);
  await expect(page.getByTestId("sign-in")).toBeVisible();
  await page.getByTestId("sign-in-email").fill("admin@example.com");
  await page.getByTestId("sign-in-password").fill("the first admin's long password");
  await page.getByTestId("sign-in-submit").click();
  await expect(page.getByTestId("account-email")).toHaveText("admin@example.com");
  await expect(page).toHaveURL(/#\/audit$/);

  await page.getByTestId("account-menu").click();
  await page.getByTestId("sign-out").click();
  await expect(page.getByTestId("sign-in-notice")).toHaveText("You signed out.");
  const session = await page.evaluate(async () => (await fetch("/api/team/session")).status);
  expect(session).toBe(401);
});

test("two-step sign-in set up from the account menu is asked for at the next sign-in", async ({ page }) => {
  const signIn = async () => {
    await page.getByTestId("sign-in-email").fill("admin@example.com");
    await page.getByTestId("sign-in-password").fill("the first admin's long password");
    await page.getByTestId("sign-in-submit").click();
  };
  await page.goto(`${server.origin}/#/users`);
  await signIn();
  await page.getByTestId("account-menu").click();
  await axe(page, "the open account menu");
  await page.getByTestId("two-step-open").click();
  await page.getByTestId("two-step-set-up").click();
  const secret = base32Decode(await page.getByTestId("two-step-secret").inputValue());
  await expect(page.getByTestId("two-step-uri")).toHaveValue(/^otpauth:\/\/totp\/.+secret=/);
  await axe(page, "the two-step set-up dialog");
  // The previous step's code (still taken), so the current one is left for signing in.
  await page.getByTestId("two-step-code").fill(totpAt(secret, Date.now() - 30_000));
  await page.getByTestId("two-step-confirm").click();
  await expect(page.getByTestId("two-step-done")).toContainText("Two-step sign-in is on.");
  await page.keyboard.press("Escape");

  await page.getByTestId("account-menu").click();
  await page.getByTestId("sign-out").click();
  await signIn();
  await expect(page.getByTestId("sign-in-code-step")).toContainText("admin@example.com");
  await axe(page, "the sign-in code step");
  await page.getByTestId("sign-in-code").fill(totpAt(secret, Date.now()));
  await page.getByTestId("sign-in-code").press("Enter");
  await expect(page.getByTestId("account-email")).toHaveText("admin@example.com");
});
