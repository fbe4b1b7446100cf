/**
 * The backend kit in a real app, in Chromium: the demo app (its own process, as `npm run
 * demo-app` starts it) against an embedded core, with its sign-in page on supertokens-web-js.
 * Invite-only: an admin invites alice through the kit's admin API, the invite mail arrives over
 * real SMTP, alice opens its magic link and is signed in, and her acceptance is recorded; mallory
 * is refused with the seed's message. Allow-list: a listed phone signs up with an OTP; after its
 * removal a new phone is refused while the existing user still signs in.
 */
import { expect, test } from "@playwright/test";
import { startEmbeddedCore, type RunningEmbeddedCore } from "../../main/embedded-core/index.ts";
import { askForCode, kitAdmin, signInWithOtp, startDemoApps, type DemoApps, type MailSink, type RunningDemoApp } from "./support/demo-app.ts";
import { SIGN_UP_DISABLED_MESSAGE } from "../../backend-kit/messages.ts";


let core: RunningEmbeddedCore;
let apps: DemoApps;
let mail: MailSink;
let inviteOnlyApp: RunningDemoApp;
let allowListApp: RunningDemoApp;

test.describe.configure({ mode: "serial", timeout: 60_000 });

test.beforeAll(async () => {
  test.setTimeout(60_000);
  core = await startEmbeddedCore();
  apps = await startDemoApps(core.url);
  ({ mail, inviteOnly: inviteOnlyApp, allowList: allowListApp } = apps);
});

test.afterAll(async () => {
  await apps?.close();
  await core?.close();
});

test.describe("invite-only demo app", () => {
  test("an invited user opens the magic link from the invite mail and lands signed in; acceptance is recorded", async ({ page }) => {
    const admin = (await kitAdmin(core.url, "make-admin", "admin@example.com")) as { accessToken: string };
    const res = await fetch(`${inviteOnlyApp.url}/api/admin/invite`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${admin.accessToken}` },
      body: JSON.stringify({ email: "alice@example.com" }),
    });
    expect(res.status).toBe(200);
    const invited = (await res.json()) as { userId: string; createdNewUser: boolean };
    expect(invited.createdNewUser).toBe(true);
    expect(await kitAdmin(core.url, "invite-record", invited.userId)).toMatchObject({ invitedAt: expect.any(Number) });

    const invite = await mail.waitFor("alice@example.com", (m) => m.text.includes("invited"));
    const link = /https?:\/\/\S+\/auth\/verify\S+/.exec(invite.text)?.[0];
    expect(link, invite.text).toBeTruthy();

    await page.goto(link!);
    await expect(page.locator("#signed-in")).toBeVisible();
    await expect(page.locator("#user-id")).toHaveText(invited.userId);
    await expect(page.locator("#user-contact")).toHaveText("alice@example.com");

    const record = (await kitAdmin(core.url, "invite-record", invited.userId)) as { invitedAt: number; acceptedAt?: number };
    expect(record.acceptedAt).toBeGreaterThanOrEqual(record.invitedAt);
  });

  test("the invite API refuses a caller without a session (401; the 403 for a non-admin session is in tests/backend-kit)", async () => {
    const res = await fetch(`${inviteOnlyApp.url}/api/admin/invite`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: "eve@example.com" }),
    });
    expect(res.status).toBe(401);
  });

  test("mallory, never invited, is told sign-up is disabled and gets no mail", async ({ page }) => {
    await askForCode(page, inviteOnlyApp, "mallory@example.com");
    await expect(page.getByRole("alert")).toHaveText(SIGN_UP_DISABLED_MESSAGE);
    await expect(page.locator("#otp-form")).toBeHidden();
    expect(mail.mails.some((m) => m.to.includes("mallory@example.com"))).toBe(false);
  });

  test("an invited user can also sign in with the code from the sign-in mail (over SMTP)", async ({ page }) => {
    await askForCode(page, inviteOnlyApp, "alice@example.com");
    const signInMail = await mail.waitFor("alice@example.com", (m) => m.text.includes("sign-in code"));
    const code = /^\s*(\d{6})\s*$/m.exec(signInMail.text)?.[1];
    expect(code, signInMail.text).toBeTruthy();
    await page.locator("#otp").fill(code!);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.locator("#user-contact")).toHaveText("alice@example.com");
  });
});

test.describe("allow-list demo app", () => {
  test("a listed phone signs up with an OTP; after its removal a new phone cannot, and the existing user still signs in", async ({ browser }) => {
    expect(await kitAdmin(core.url, "allow-add", "phone", "+14155550101")).toEqual({ changed: true });

    const first = await browser.newPage();
    const userId = await signInWithOtp(first, allowListApp, "+14155550101");
    expect(userId).not.toBe("");
    await first.close();

    expect(await kitAdmin(core.url, "allow-remove", "phone", "+14155550101")).toEqual({ changed: true });

    const stranger = await browser.newPage();
    await askForCode(stranger, allowListApp, "+14155550102");
    await expect(stranger.getByRole("alert")).toHaveText(SIGN_UP_DISABLED_MESSAGE);
    await stranger.close();

    const again = await browser.newPage();
    expect(await signInWithOtp(again, allowListApp, "+14155550101")).toBe(userId);
    await again.close();
  });
});
