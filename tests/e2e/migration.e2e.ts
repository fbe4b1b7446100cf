/**
 * Just-in-time migration (seed 04) in Chromium, every path a person meets: the demo app in
 * migration mode (its own process, the backend kit's overrides, the page on supertokens-web-js)
 * against the console's embedded core (with its demo data) and a LegacyAuth service (its own
 * process, default seed), mail over a real SMTP sink. Then the console shows each of these users
 * with their legacy id and the right temporary-password state.
 */
import { expect, test, type Page } from "@playwright/test";
import { demoLegacyMigrations, legacyPassword, legacyRoster, type LegacyRosterUser } from "../../main/embedded-core/demo/legacy-roster.ts";
import { DEFAULT_DATA_CONTRACT as C } from "../../shared/data-contract.ts";
import { coreReads } from "../main/helpers/core-reads.ts";
import { startLegacyAuthProcess, type RunningLegacyAuthProcess } from "../support/legacy-auth-process.ts";
import { startConsole, type ConsoleUnderTest } from "./support/console.ts";
import { startDemoAppProcess, startMailSink, type MailSink, type RunningDemoApp } from "./support/demo-app.ts";

const TOKEN = "e2e-legacy-token";
const USERS = 200;

let gatehouse: ConsoleUnderTest;
let legacy: RunningLegacyAuthProcess;
let mail: MailSink;
let app: RunningDemoApp;
let core: ReturnType<typeof coreReads>;

test.describe.configure({ mode: "serial", timeout: 60_000 });

const demoMigrated = demoLegacyMigrations(52);
const alreadyMigrated = new Set(demoMigrated.map((m) => m.user.id));
const candidates = legacyRoster(1, USERS).filter((u) => !u.disabled && !alreadyMigrated.has(u.id));
/** LegacyAuth users the demo data has not migrated: one per path. */
const [firstSignIn, signsUp, forgot, remembers, mistypes] = [
  candidates.find((u) => u.emailVerified)!,
  candidates[1]!,
  candidates[2]!,
  candidates[3]!,
  candidates[4]!,
];
/** A user the demo data has mid-reset (flagged), within the service's roster. */
const demoMidReset = demoMigrated.find((m) => m.state === "mid-reset" && m.user.number < 100001 + USERS)!.user;

test.beforeAll(async () => {
  test.setTimeout(90_000);
  gatehouse = await startConsole();
  core = coreReads(gatehouse.coreUrl);
  [legacy, mail] = await Promise.all([startLegacyAuthProcess(["--users", String(USERS), "--cost", "4", "--token", TOKEN]), startMailSink()]);
  app = await startDemoAppProcess([
    "--core", gatehouse.coreUrl,
    "--mode", "migration",
    "--legacy", legacy.url,
    "--legacy-token", TOKEN,
    "--smtp", `127.0.0.1:${mail.port}`,
  ]);
});

test.afterAll(async () => {
  await app?.close();
  await mail?.close();
  await legacy?.close();
  await gatehouse?.close();
});

async function fillCredentials(page: Page, email: string, password: string): Promise<void> {
  await page.goto(app.url);
  const form = page.locator("#sign-in-form");
  await form.getByLabel("Email").fill(email);
  await form.getByLabel("Password").fill(password);
}

async function signIn(page: Page, email: string, password: string): Promise<void> {
  await fillCredentials(page, email, password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

async function expectSignedInAs(page: Page, user: LegacyRosterUser): Promise<void> {
  await expect(page.locator("#signed-in")).toBeVisible();
  await expect(page.locator("#user-id")).toHaveText(user.id);
  await expect(page.locator("#user-email")).toHaveText(user.email);
}

/** Asks for a reset link on the page; returns the link from the mail the SMTP sink received. */
async function askForReset(page: Page, user: LegacyRosterUser): Promise<string> {
  await page.goto(app.url);
  await page.getByRole("button", { name: "Forgot your password?" }).click();
  await page.locator("#forgot-form").getByLabel("Email").fill(user.email);
  await page.getByRole("button", { name: "Email me a reset link" }).click();
  await expect(page.locator("#status")).toHaveText(`If ${user.email} has an account, we sent it a link to set a new password.`);
  const received = await mail.waitFor(user.email, (m) => m.text.includes("reset-password"));
  const link = /http:\/\/\S+\/auth\/reset-password\S+/.exec(received.text)?.[0];
  expect(link, received.text).toBeTruthy();
  return link!;
}

async function mappingOf(legacyId: string): Promise<{ status: string; superTokensUserId?: string }> {
  const res = await fetch(`${gatehouse.coreUrl}/recipe/userid/map?userId=${legacyId}&userIdType=EXTERNAL`, { headers: { "cdi-version": "5.4" } });
  return (await res.json()) as { status: string; superTokensUserId?: string };
}

test("a legacy user signs in with the old password and is migrated: mapping, verified email, imported profile", async ({ page }) => {
  expect(await core.byContact({ email: firstSignIn.email })).toEqual([]);
  await signIn(page, firstSignIn.email, legacyPassword(firstSignIn));
  await expectSignedInAs(page, firstSignIn);
  await expect(page.locator("#user-verified")).toHaveText("verified");
  await expect(page.locator("#user-name")).toHaveText(`${firstSignIn.givenName} ${firstSignIn.familyName}`);

  const mapping = await mappingOf(firstSignIn.id);
  expect(mapping.status).toBe("OK");
  const [onCore] = await core.byContact({ email: firstSignIn.email });
  expect(onCore?.id).toBe(firstSignIn.id);
  const metadata = await core.metadata(firstSignIn.id);
  expect(metadata[C.migrationKey]).toMatchObject({ legacyId: firstSignIn.id, via: "sign-in", provider: "LegacyAuth" });
  expect(metadata.profile).toMatchObject({ givenName: firstSignIn.givenName, plan: firstSignIn.plan });
  expect(metadata[C.temporaryPasswordKey]).toBeUndefined();
});

test("signing up with a legacy email is refused, and no account is made", async ({ page }) => {
  await fillCredentials(page, signsUp.email, "a-brand-new-password-1");
  await page.getByRole("button", { name: "Sign up" }).click();
  await expect(page.getByRole("alert")).toHaveText("This email already exists. Please sign in instead.");
  await expect(page.locator("#signed-in")).toBeHidden();
  expect(await core.byContact({ email: signsUp.email })).toEqual([]);
});

test("a legacy user who forgot the password gets the reset mail, sets a new one, signs in, and the flag is gone", async ({ page }) => {
  const link = await askForReset(page, forgot);
  // The account exists now, on a temporary password.
  expect((await core.metadata(forgot.id))[C.temporaryPasswordKey]).toBe(true);

  await page.goto(link);
  await page.getByLabel("New password").fill("my-own-new-password-9");
  await page.getByRole("button", { name: "Set new password" }).click();
  await expect(page.locator("#status")).toHaveText("Your new password is set. Sign in with it.");
  expect((await core.metadata(forgot.id))[C.temporaryPasswordKey]).toBeUndefined();

  await signIn(page, forgot.email, "my-own-new-password-9");
  await expectSignedInAs(page, forgot);
  expect(await core.metadata(forgot.id)).toMatchObject({ [C.migrationKey]: { via: "password-reset", clearedBy: "password-reset" } });
});

test("a user who started a reset but signs in with the old legacy password is let in, and the flag is cleared", async ({ page }) => {
  await askForReset(page, remembers);
  expect((await core.metadata(remembers.id))[C.temporaryPasswordKey]).toBe(true);
  await signIn(page, remembers.email, legacyPassword(remembers));
  await expectSignedInAs(page, remembers);
  const metadata = await core.metadata(remembers.id);
  expect(metadata[C.temporaryPasswordKey]).toBeUndefined();
  expect(metadata[C.migrationKey]).toMatchObject({ clearedBy: "legacy-sign-in" });
});

test("a wrong password on an account with the flag is refused, and the flag stays", async ({ page }) => {
  await askForReset(page, mistypes);
  await signIn(page, mistypes.email, "Legacy-999999");
  await expect(page.getByRole("alert")).toHaveText("Wrong email or password.");
  await expect(page.locator("#signed-in")).toBeHidden();
  expect((await core.metadata(mistypes.id))[C.temporaryPasswordKey]).toBe(true);
});

test("a user the demo data has mid-reset signs in with their LegacyAuth password (one story on both sides)", async ({ page }) => {
  expect((await core.metadata(demoMidReset.id))[C.temporaryPasswordKey]).toBe(true);
  await signIn(page, demoMidReset.email, legacyPassword(demoMidReset));
  await expectSignedInAs(page, demoMidReset);
  expect((await core.metadata(demoMidReset.id))[C.temporaryPasswordKey]).toBeUndefined();
});

test("the console shows each of these users with the legacy id and the right temporary-password state", async ({ page }) => {
  await page.goto(gatehouse.url);
  const rows = page.getByTestId("user-row");
  await expect(rows.first()).toBeVisible();
  for (const [user, temporary] of [
    [firstSignIn, false],
    [forgot, false],
    [remembers, false],
    [mistypes, true],
    [demoMidReset, false],
  ] as const) {
    const mapping = await mappingOf(user.id);
    await page.getByTestId("users-search").fill(user.email);
    await expect(rows).toHaveCount(1);
    const row = rows.first();
    await expect(row).toContainText(user.id);
    await expect(row).toContainText(`ST ${mapping.superTokensUserId}`);
    if (temporary) await expect(row.getByText("temporary", { exact: true })).toBeVisible();
    else await expect(row.getByText("temporary", { exact: true })).toHaveCount(0);

    await row.click();
    const detail = page.getByTestId("user-detail");
    await expect(detail).toContainText(user.email);
    await expect(detail.locator("dt", { hasText: "User id" }).locator("+ dd")).toHaveText(user.id);
    await expect(detail.locator("dt", { hasText: "SuperTokens id" }).locator("+ dd")).toHaveText(mapping.superTokensUserId!);
    await expect(detail.locator("dt", { hasText: "Temporary password" }).locator("+ dd")).toHaveText(temporary ? "yes — migrated, not reset yet" : "no");
    await page.goBack();
  }
  // The legacy email that was refused at sign-up has no user.
  await page.getByTestId("users-search").fill(signsUp.email);
  await expect(rows).toHaveCount(0);
});
