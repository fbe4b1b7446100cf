/**
 * Issue 5's demo-app scenario driven through the console, in Chromium: Gatehouse in browser mode
 * (its embedded core), a real SMTP server, and two demo apps (their own processes, the backend
 * kit's guards) on the console's core. Invite-only: the admin sets the invite settings and invites
 * alice in the console; the mail arrives over SMTP; alice opens its magic link and is signed in on
 * the demo app; the console then shows her invite accepted, on the Invites screen and on her user
 * page. mallory, never invited, is refused with the seed's message. Allow-list: the admin adds a
 * phone in the console's Allow-lists page (through the preview); it signs up on the demo app with
 * an OTP; the admin removes it; a new phone is refused while the existing user still signs in.
 */
import { expect, test, type Page } from "@playwright/test";
import { startConsole, type ConsoleUnderTest } from "./support/console.ts";
import { askForCode, signInWithOtp, startDemoApps, type DemoApps, type MailSink, type RunningDemoApp } from "./support/demo-app.ts";
import { SIGN_UP_DISABLED_MESSAGE } from "../../backend-kit/messages.ts";


let gatehouse: ConsoleUnderTest;
let apps: DemoApps;
let mail: MailSink;
let inviteOnlyApp: RunningDemoApp;
let allowListApp: RunningDemoApp;

test.describe.configure({ mode: "serial", timeout: 60_000 });

test.beforeAll(async () => {
  test.setTimeout(60_000);
  gatehouse = await startConsole();
  apps = await startDemoApps(gatehouse.coreUrl);
  ({ mail, inviteOnly: inviteOnlyApp, allowList: allowListApp } = apps);
});

test.afterAll(async () => {
  await apps?.close();
  await gatehouse?.close();
});

/** Fails the test on any uncaught error in the console's page. */
function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on("pageerror", (err) => errors.push(err.message));
  return errors;
}

test.describe("invite-only, from the console", () => {
  const alice = `alice.${Date.now().toString(36)}@example.com`;

  test("the admin invites alice in the console; she opens the mailed link, is signed in, and the console shows her invite accepted", async ({ page, browser }) => {
    const errors = watchErrors(page);
    await page.goto(gatehouse.url);
    await expect(page.getByTestId("role-badge")).toHaveText(/admin/i);
    await page.getByTestId("nav-invites").click();

    // Invite settings, through the form: the demo app's sign-in page and the SMTP sink.
    await page.getByTestId("invite-settings-toggle").click();
    const settings = page.getByTestId("invite-settings");
    await settings.getByTestId("invite-settings-appUrl").fill(inviteOnlyApp.url);
    await settings.getByTestId("invite-settings-websiteBasePath").fill("/auth");
    await settings.getByTestId("invite-settings-smtp-enabled").check();
    await settings.getByTestId("invite-settings-smtp-host").fill("127.0.0.1");
    await settings.getByTestId("invite-settings-smtp-port").fill(String(mail.port));
    await settings.getByTestId("invite-settings-smtp-from").fill("Gatehouse <gatehouse@localhost>");
    await settings.getByTestId("invite-settings-save").click();
    await expect(page.getByText("Invite settings saved")).toBeVisible();
    expect(await gatehouse.client.invoke("invites.settings.get", {})).toMatchObject({
      appUrl: inviteOnlyApp.url,
      websiteBasePath: "/auth",
      smtp: { host: "127.0.0.1", port: mail.port, secure: false, username: "" },
    });

    // Invite alice: the link shows, and it went out by mail.
    await page.getByTestId("invite-email").fill(alice);
    await page.getByTestId("invite-submit").click();
    const result = page.getByTestId("invite-result");
    await expect(result).toContainText("Mailed");
    const shownLink = await page.getByTestId("invite-link").inputValue();
    expect(shownLink.startsWith(`${inviteOnlyApp.url}/auth/verify?`)).toBe(true);
    const row = page.getByTestId("invite-row").filter({ hasText: alice });
    await expect(row.getByTestId("invite-status")).toHaveText("pending");
    await expect(row).toContainText("mailed");

    // The mail, over real SMTP, carries the same link.
    const invite = await mail.waitFor(alice, (m) => m.text.includes("invited"));
    const link = /https?:\/\/\S+\/auth\/verify\S+/.exec(invite.text)?.[0];
    expect(link, invite.text).toBe(shownLink);

    // Alice opens it in her own browser context and lands signed in.
    const aliceContext = await browser.newContext();
    const alicePage = await aliceContext.newPage();
    await alicePage.goto(link!);
    await expect(alicePage.locator("#signed-in")).toBeVisible();
    await expect(alicePage.locator("#user-contact")).toHaveText(alice);
    const aliceId = (await alicePage.locator("#user-id").textContent()) ?? "";
    await aliceContext.close();
    const listed = await gatehouse.client.invoke("invites.list", { tenantId: "public" });
    expect(listed.invites.find((i) => i.email === alice)?.userId).toBe(aliceId);

    // Back in the console: accepted, after a reload of the list.
    await page.getByRole("button", { name: "Reload invites" }).click();
    await expect(row.getByTestId("invite-status")).toHaveText("accepted");

    // And on her user page.
    await row.getByRole("link", { name: alice }).click();
    await expect(page.getByTestId("user-detail")).toContainText(aliceId);
    const status = page.getByTestId("user-invite-status");
    await expect(status).toHaveAttribute("data-status", "accepted");
    await expect(status).toContainText(/^Invited .+ by e2e — accepted .+/);
    expect(errors).toEqual([]);
  });

  test("the admin revokes bob's invite in the console; the link he was mailed no longer signs him in, and nothing of him is left", async ({ page, browser }) => {
    const bob = `bob.${Date.now().toString(36)}@example.com`;
    const errors = watchErrors(page);
    await page.goto(gatehouse.url);
    await page.getByTestId("nav-invites").click();
    await page.getByTestId("invite-email").fill(bob);
    await page.getByTestId("invite-submit").click();
    await expect(page.getByTestId("invite-result")).toContainText("Mailed");
    // The form is empty again for the next person.
    await expect(page.getByTestId("invite-email")).toHaveValue("");
    const mailed = await mail.waitFor(bob, (m) => m.text.includes("invited"));
    const link = /https?:\/\/\S+\/auth\/verify\S+/.exec(mailed.text)?.[0] ?? "";

    const row = page.getByTestId("invite-row").filter({ hasText: bob });
    await row.getByTestId("invite-revoke").click();
    const dialog = page.getByTestId("revoke-dialog");
    await expect(dialog).toContainText("stop working at once");
    await dialog.getByTestId("confirm-button").click();
    await expect(dialog).toBeHidden();
    await expect(row.getByTestId("invite-status")).toHaveText("revoked");

    // Bob opens the mail anyway: not signed in, and no account was made for him.
    const bobContext = await browser.newContext();
    const bobPage = await bobContext.newPage();
    await bobPage.goto(link);
    await expect(bobPage.getByRole("alert")).toContainText("This link has expired or was already used");
    await expect(bobPage.locator("#signed-in")).toBeHidden();
    await bobContext.close();
    const found = await gatehouse.client.invoke("users.quickSearch", { text: bob, tenantId: "public" });
    expect(found.hits).toEqual([]);
    expect(JSON.stringify(found)).not.toContain(bob);
    expect(errors).toEqual([]);
  });

  test("inviting ada, who signs in with a password, offers no sign-in link and says why", async ({ page }) => {
    await page.goto(gatehouse.url);
    await page.getByTestId("nav-invites").click();
    await page.getByTestId("invite-email").fill("ada.lovelace@example.com");
    await page.getByTestId("invite-submit").click();
    const notice = page.getByTestId("invite-exists");
    await expect(notice).toContainText("signs in with email and password");
    await expect(notice).toContainText("would create a second, separate account, so nothing was sent");
    await expect(page.getByTestId("invite-exists-resend")).toHaveCount(0);
    await expect(page.getByTestId("invite-link")).toHaveCount(0);
  });

  test("the demo data's invites (made outside this console) are listed, with their status", async ({ page }) => {
    await page.goto(gatehouse.url);
    await page.getByTestId("nav-invites").click();
    await expect(page.getByTestId("invites-sync-state")).toContainText("found on the Core");
    const elsewhere = page.getByTestId("invite-row").filter({ hasText: "outside this console" });
    await expect(elsewhere.first()).toBeVisible();
    await page.getByTestId("invites-filter-accepted").click();
    await expect(page.getByTestId("invite-row").first().getByTestId("invite-status")).toHaveText("accepted");
  });

  test("an auditor sees the outbox without any sign-in link and with phones masked", async ({ page }) => {
    const phone = "+14155550199";
    const made = await gatehouse.client.invoke("invites.create", { tenantId: "public", phoneNumber: phone });
    if (made.status !== "invited") throw new Error("expected invited");
    const demo = (await gatehouse.client.invoke("session.whoami", {})).profile?.id ?? "";
    const other = await gatehouse.client.invoke("profiles.create", {
      name: "Admin desk",
      uris: [gatehouse.coreUrl],
      role: "admin",
      defaultTenant: "public",
      timeoutMs: 5000,
      contract: (await gatehouse.client.invoke("profiles.list", {})).profiles[0]!.contract,
    });
    // The profile that made the message becomes an auditor one (changed from another admin profile).
    await gatehouse.client.invoke("profiles.switch", { id: other.id });
    await gatehouse.client.invoke("profiles.update", { id: demo, role: "auditor" });
    await gatehouse.client.invoke("profiles.switch", { id: demo });
    try {
      await page.goto(gatehouse.url);
      await expect(page.getByTestId("role-badge")).toHaveText(/auditor/i);
      await page.getByTestId("nav-invites").click();
      const outbox = page.getByTestId("outbox");
      await expect(outbox.getByTestId("outbox-row").first()).toBeVisible();
      await expect(outbox.getByTestId("outbox-link-hidden").first()).toBeVisible();
      await expect(outbox.getByTestId("outbox-link")).toHaveCount(0);
      await expect(outbox.getByTestId("outbox-mark")).toHaveCount(0);
      const text = (await page.locator("main").textContent()) ?? "";
      expect(text).not.toContain(phone);
      expect(text).not.toContain(made.link);
      expect(text).not.toContain("preAuthSessionId");
    } finally {
      await gatehouse.client.invoke("profiles.switch", { id: other.id });
      await gatehouse.client.invoke("profiles.update", { id: demo, role: "admin" });
      await gatehouse.client.invoke("profiles.switch", { id: demo });
    }
  });

  test("mallory, never invited, is told sign-up is disabled and gets no mail", async ({ page }) => {
    const mallory = `mallory.${Date.now().toString(36)}@example.com`;
    await askForCode(page, inviteOnlyApp, mallory);
    await expect(page.getByRole("alert")).toHaveText(SIGN_UP_DISABLED_MESSAGE);
    await expect(page.locator("#otp-form")).toBeHidden();
    expect(mail.mails.some((m) => m.to.includes(mallory))).toBe(false);
  });
});

test.describe("allow-list, from the console", () => {
  test("a phone the admin adds signs up with an OTP; after the admin removes it a new phone cannot, and the existing user still signs in", async ({ page, browser }) => {
    const listed = "+14155550111";
    const stranger = "+14155550112";
    const errors = watchErrors(page);
    await page.goto(`${gatehouse.url}`);
    await expect(page.getByTestId("role-badge")).toHaveText(/admin/i);
    await page.getByTestId("nav-allowlists").click();
    await page.getByTestId("allowlist-kind-phone").click();
    await expect(page.getByTestId("allowlist-kind-phone")).toHaveAttribute("aria-pressed", "true");

    // Add, through the preview.
    await page.getByTestId("allowlist-add").fill(listed);
    await page.getByTestId("allowlist-preview-button").click();
    const preview = page.getByTestId("allowlist-preview");
    await expect(preview.getByTestId("allowlist-preview-row")).toHaveAttribute("data-outcome", "new");
    await preview.getByTestId("allowlist-save").click();
    await expect(page.getByTestId("allowlist-saved")).toContainText("1 added");
    await expect(page.getByTestId("allowlist-row").filter({ hasText: listed })).toHaveCount(1);

    const first = await browser.newPage();
    const userId = await signInWithOtp(first, allowListApp, listed);
    expect(userId).not.toBe("");
    await first.close();

    // Remove: tick it, preview (the impact names the existing account), save.
    await page.getByRole("button", { name: "Reload the allow-list" }).click();
    await page.getByRole("checkbox", { name: `Remove ${listed}` }).check();
    await page.getByTestId("allowlist-preview-button").click();
    await expect(preview.getByTestId("allowlist-preview-row")).toHaveAttribute("data-outcome", "removed");
    await expect(preview.getByTestId("allowlist-impact")).toContainText("1 removed belong to existing users");
    await preview.getByTestId("allowlist-save").click();
    await expect(page.getByTestId("allowlist-saved")).toContainText("1 removed");
    await expect(page.getByTestId("allowlist-row").filter({ hasText: listed })).toHaveCount(0);
    const list = await gatehouse.client.invoke("allowlists.get", { tenantId: "public", kind: "phone" });
    expect(list.entries.map((e) => e.value)).not.toContain(listed);

    const refused = await browser.newPage();
    await askForCode(refused, allowListApp, stranger);
    await expect(refused.getByRole("alert")).toHaveText(SIGN_UP_DISABLED_MESSAGE);
    await refused.close();

    const again = await browser.newPage();
    expect(await signInWithOtp(again, allowListApp, listed)).toBe(userId);
    await again.close();
    expect(errors).toEqual([]);
  });
});
