/**
 * Issue 6 end to end, in Chromium: Gatehouse in browser mode (a support profile on its embedded
 * core) and the demo app in 2fa mode (its own process, the backend kit's second-factor pieces) on
 * that core. A person signs up with email + password and enrolls phone A with the SMS code from
 * the outbox; support resets the phone to B in the console (reason + ticket); the person's session
 * is gone; the next sign-in texts B, and a code to A (or any phone an attacker types) is refused.
 * Then support clears the enrollment: the next sign-in enrolls a new phone.
 *
 * Issue 10 (items 3, 4, 14, 15), as support in the console: the dialog says before acting that a
 * phone user is shared and what a reset will do, reviews the phone as it will be stored, replaces
 * one user's phone without touching the other's, keeps focus and Escape after the result and
 * returns focus to its opener; a refused replace changes nothing, offers no "run again", and a
 * different reset of the same user then goes through.
 */
import { expect, test, type Page } from "@playwright/test";
import type { UserRow } from "../../shared/contract/schemas.ts";
import { DEFAULT_DATA_CONTRACT } from "../../shared/data-contract.ts";
import { coreReads } from "../main/helpers/core-reads.ts";
import { startConsole, type ConsoleUnderTest } from "./support/console.ts";
import { startDemoAppProcess, type RunningDemoApp } from "./support/demo-app.ts";

const NOT_ENROLLED_PHONE = "This phone number is not the one enrolled for your account.";
const PHONE_A = "+14155550161";
const PHONE_B = "+14155550162";
const PHONE_C = "+14155550163";
const ATTACKER = "+14155550199";
const PASSWORD = "correct-horse-42";

let gatehouse: ConsoleUnderTest;
let app: RunningDemoApp;

test.describe.configure({ mode: "serial", timeout: 90_000 });

test.beforeAll(async () => {
  test.setTimeout(60_000);
  gatehouse = await startConsole();
  const demo = (await gatehouse.client.invoke("profiles.list", {})).profiles.find((p) => p.embedded);
  const support = await gatehouse.client.invoke("profiles.create", {
    name: "Support desk",
    uris: demo?.uris ?? [],
    role: "support",
    defaultTenant: "public",
    timeoutMs: 5000,
    contract: { ...DEFAULT_DATA_CONTRACT },
  });
  await gatehouse.client.invoke("profiles.switch", { id: support.id });
  app = await startDemoAppProcess(["--core", gatehouse.coreUrl, "--mode", "2fa"]);
});

test.afterAll(async () => {
  await app?.close();
  await gatehouse?.close();
});

interface OutboxMessage {
  channel: string;
  to: string;
  code?: string;
}

async function codes(to: string): Promise<string[]> {
  const messages = (await (await fetch(`${app.url}/dev/outbox`)).json()) as OutboxMessage[];
  return messages.filter((m) => m.channel === "sms" && m.to === to && m.code).map((m) => m.code!);
}

/** Waits for a new code to `to` (more than `before` sent) and types it in. */
async function enterCode(page: Page, to: string, before: number): Promise<void> {
  await expect.poll(async () => (await codes(to)).length).toBeGreaterThan(before);
  await page.locator("#otp").fill((await codes(to)).at(-1)!);
  await page.getByRole("button", { name: "Verify" }).click();
}

async function signIn(page: Page, email: string, button: "Sign in" | "Sign up" = "Sign in"): Promise<void> {
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: button, exact: true }).click();
}

/** What an attacker with the first factor would send: createCode to a phone of their choosing. */
async function askCodeFor(page: Page, phoneNumber: string): Promise<unknown> {
  return page.evaluate(async (phone) => {
    const res = await fetch("/api/auth/signinup/code", {
      method: "POST",
      headers: { "content-type": "application/json", rid: "passwordless" },
      body: JSON.stringify({ phoneNumber: phone }),
    });
    return res.json();
  }, phoneNumber);
}

async function resetInConsole(page: Page, email: string, action: { phone: string } | { clear: true }): Promise<void> {
  await page.goto(gatehouse.url);
  await expect(page.getByTestId("role-badge")).toHaveText(/support/i);
  await page.getByTestId("users-search").fill(email);
  await expect(page.getByTestId("user-row")).toHaveCount(1);
  await page.getByTestId("user-row").first().click();
  const section = page.getByTestId("second-factor-section");
  await expect(section).toContainText("Enrolled");
  await section.getByTestId("second-factor-reset").click();
  await page.getByTestId("sf-reason").fill("lost phone");
  await page.getByTestId("sf-ticket").fill("SUP-1234");
  if ("phone" in action) await page.getByTestId("sf-phone").fill(action.phone);
  else {
    await page.getByTestId("sf-clear").check();
    await page.getByTestId("sf-delete-choice").selectOption("delete");
  }
  await page.getByTestId("sf-confirm").click(); // Review…
  await expect(page.getByTestId("sf-confirm-text")).toBeVisible();
  await page.getByTestId("sf-confirm").click(); // Confirm reset
  await expect(page.getByTestId("sf-result")).toContainText("Done.");
  await expect(page.getByTestId("sf-result")).toContainText(/[1-9]\d* session\(s\) ended/);
}

test("enroll A, support replaces it with B, then clears it: sessions end, only the enrolled phone gets codes", async ({ browser, page }) => {
  const errors: string[] = [];
  page.on("pageerror", (err) => errors.push(err.message));
  const email = `dana.${Date.now().toString(36)}@example.com`;
  const userContext = await browser.newContext();
  const user = await userContext.newPage();
  user.on("pageerror", (err) => errors.push(err.message));

  // Sign up, enroll A with the texted code, reach the protected page.
  await user.goto(app.url);
  await signIn(user, email, "Sign up");
  await expect(user.getByLabel("Phone number for your sign-in codes")).toBeVisible();
  await user.getByLabel("Phone number for your sign-in codes").fill(PHONE_A);
  await user.getByRole("button", { name: "Send code" }).click();
  await enterCode(user, PHONE_A, 0);
  await expect(user.getByRole("heading", { name: "2FA complete" })).toBeVisible();
  await expect(user.locator("#session-phone")).toHaveText(PHONE_A);
  await expect(user.locator("#user-email")).toHaveText(email);

  // Support replaces the phone with B in the console.
  await resetInConsole(page, email, { phone: PHONE_B });
  await expect(page.getByTestId("second-factor-section")).toContainText(PHONE_B.slice(-4));

  // The person's session is gone.
  await user.reload();
  await expect(user.locator("#first-factor-form")).toBeVisible();
  await expect(user.locator("#status")).toHaveText("Your session has ended. Sign in again.");

  // The next sign-in texts B (shown masked); A, or any phone an attacker types, is refused.
  await signIn(user, email);
  await expect(user.locator("#masked-phone")).toHaveText(/^\+1•+0162$/);
  await expect(user.locator("#phone")).toBeHidden();
  const codesToA = (await codes(PHONE_A)).length;
  expect(await askCodeFor(user, PHONE_A)).toEqual({ status: "GENERAL_ERROR", message: NOT_ENROLLED_PHONE });
  expect(await askCodeFor(user, ATTACKER)).toEqual({ status: "GENERAL_ERROR", message: NOT_ENROLLED_PHONE });
  expect(await codes(PHONE_A)).toHaveLength(codesToA);
  expect(await codes(ATTACKER)).toHaveLength(0);
  await user.getByRole("button", { name: "Text me a code" }).click();
  await enterCode(user, PHONE_B, 0);
  await expect(user.getByRole("heading", { name: "2FA complete" })).toBeVisible();
  await expect(user.locator("#session-phone")).toHaveText(PHONE_B);

  // Support clears the enrollment (deleting the old phone user): the session ends, and the next
  // sign-in asks for a phone again and enrolls a new one.
  await resetInConsole(page, email, { clear: true });
  await expect(page.getByTestId("second-factor-section")).toContainText("Not enrolled");
  await user.reload();
  await expect(user.locator("#first-factor-form")).toBeVisible();
  await expect(user.locator("#status")).toHaveText("Your session has ended. Sign in again.");
  await signIn(user, email);
  await expect(user.getByLabel("Phone number for your sign-in codes")).toBeVisible();
  await user.getByLabel("Phone number for your sign-in codes").fill(PHONE_C);
  await user.getByRole("button", { name: "Send code" }).click();
  await enterCode(user, PHONE_C, 0);
  await expect(user.getByRole("heading", { name: "2FA complete" })).toBeVisible();
  await expect(user.locator("#session-phone")).toHaveText(PHONE_C);

  // The console sees the new enrollment.
  const hits = await gatehouse.client.invoke("users.quickSearch", { text: email, tenantId: "public" });
  const detail = await gatehouse.client.invoke("users.get", { userId: hits.hits[0]?.id ?? "" });
  expect(detail.secondFactor).toMatchObject({ state: "enrolled", phoneNumber: PHONE_C });
  await userContext.close();
  expect(errors).toEqual([]);
});

const KEY = DEFAULT_DATA_CONTRACT.secondFactorUserIdKey;

async function openReset(page: Page, userId: string): Promise<void> {
  await page.goto(gatehouse.url);
  await expect(page.getByTestId("role-badge")).toHaveText(/support/i);
  // The token from the first URL stays in the tab's session storage; the user's page by its route.
  await page.goto(`${new URL(gatehouse.url).origin}/#/users/${encodeURIComponent(userId)}`);
  const section = page.getByTestId("second-factor-section");
  await expect(section).toContainText("Enrolled");
  await section.getByTestId("second-factor-reset").click();
  await expect(page.getByTestId("sf-dialog")).toBeVisible();
}

type Enrolled = UserRow & { secondFactor: { state: "enrolled"; passwordlessUserId: string; phoneNumber: string } };

test("a shared phone user: the dialog says so first, and replacing one user's phone leaves the other's as it was", async ({ page }) => {
  const report = await gatehouse.client.invoke("secondFactor.report", { tenantId: "public" });
  const shared = report.problems.find((p) => p.kind === "shared");
  const [a, b] = shared?.userIds ?? [];
  if (!shared || !a || !b) throw new Error("the demo data has no shared phone user");
  const onCore = coreReads(gatehouse.coreUrl);
  const sharedPhone = (await onCore.user(shared.passwordlessUserId))?.phoneNumbers[0];

  await openReset(page, a);
  const warning = page.getByTestId("sf-shared-warning");
  await expect(warning).toContainText("1 other user uses it as their second factor too");
  await expect(warning).toContainText(shared.userLabels[1] ?? "");
  await expect(warning).toContainText("A reset changes this user only");
  await page.getByTestId("sf-reason").fill("lost phone");
  await page.getByTestId("sf-ticket").fill("SUP-2001");
  await page.getByTestId("sf-phone").fill("(415) 555-0174");
  await expect(page.getByTestId("sf-phone-note")).toHaveText("Will be stored as +14155550174");
  await page.getByTestId("sf-confirm").click(); // Review…
  await expect(page.getByTestId("sf-confirm-text")).toContainText("replace the second-factor phone with +14155550174");
  await expect(page.getByTestId("sf-confirm-text")).toContainText("This user gets a new phone user of their own");
  await page.getByTestId("sf-confirm").click(); // Confirm reset
  await expect(page.getByTestId("sf-result")).toContainText("Done.");
  await expect(page.getByTestId("sf-result")).toContainText("1 other user(s) sharing the old phone user kept it");

  // Item 14: focus stays in the dialog, Escape closes it, focus returns to the opener.
  await expect(page.getByTestId("sf-close")).toBeFocused();
  await page.keyboard.press("Escape");
  await expect(page.getByTestId("sf-dialog")).toBeHidden();
  await expect(page.getByTestId("second-factor-reset")).toBeFocused();
  await expect(page.getByTestId("second-factor-section")).toContainText("0174");

  // On the Core: a has a phone user of their own; b still points at the shared one, which kept its phone.
  const aLink = (await onCore.metadata(a))[KEY];
  expect(aLink).not.toBe(shared.passwordlessUserId);
  expect((await onCore.user(String(aLink)))?.phoneNumbers).toEqual(["+14155550174"]);
  expect((await onCore.metadata(b))[KEY]).toBe(shared.passwordlessUserId);
  expect((await onCore.user(shared.passwordlessUserId))?.phoneNumbers).toEqual([sharedPhone]);
});

test("a refused replace changes nothing and blocks nothing: support then clears the enrollment", async ({ page }) => {
  const { rows } = await gatehouse.client.invoke("users.list", { tenantId: "public", order: "oldest", limit: 500, secondFactor: "enrolled" });
  const enrolled = rows.filter((r): r is Enrolled => r.secondFactor.state === "enrolled");
  const count = (id: string) => enrolled.filter((r) => r.secondFactor.passwordlessUserId === id).length;
  const [user, other] = enrolled.filter((r) => count(r.secondFactor.passwordlessUserId) === 1).slice(-2);
  if (!user || !other) throw new Error("no enrolled demo users");

  await openReset(page, user.id);
  const dialog = page.getByTestId("sf-dialog");
  await expect(dialog.getByText(/in region US/)).toBeVisible();
  await expect(page.getByTestId("sf-shared-warning")).toHaveCount(0);
  await page.getByTestId("sf-reason").fill("new phone");
  await page.getByTestId("sf-ticket").fill("SUP-2002");
  await page.getByTestId("sf-phone").fill(other.secondFactor.phoneNumber);
  await page.getByTestId("sf-confirm").click(); // Review…
  await page.getByTestId("sf-confirm").click(); // Confirm reset
  const error = dialog.getByTestId("error-banner");
  await expect(error).toContainText("The reset was refused (nothing was changed)");
  await expect(error).toContainText("already belongs to another user");
  // Item 15: back to the choice; nothing to finish.
  await expect(page.getByTestId("sf-confirm")).toHaveText("Review…");
  await expect(dialog.getByText(/Run again/)).toHaveCount(0);
  await expect(page.getByTestId("sf-pending")).toHaveCount(0);

  // Item 4: another choice for the same user goes through.
  await page.getByTestId("sf-clear").check();
  await page.getByTestId("sf-confirm").click(); // Review…
  await expect(page.getByTestId("sf-confirm-text")).toContainText("clear this user's second-factor enrollment and keep the old phone user");
  await page.getByTestId("sf-confirm").click(); // Confirm reset
  await expect(page.getByTestId("sf-result")).toContainText("Done.");
  await page.getByTestId("sf-close").click();
  await expect(page.getByTestId("second-factor-section")).toContainText("Not enrolled");
  const onCore = coreReads(gatehouse.coreUrl);
  expect(await onCore.metadata(user.id)).not.toHaveProperty(KEY);
  expect((await onCore.metadata(other.id))[KEY]).toBe(other.secondFactor.passwordlessUserId);
});
