/**
 * The team server with two browser sessions, the roles the server gives (issue 14's e2e): a
 * support operator resets a user's second-factor phone in the console (and it is really gone on
 * the Core), and sending an admin operation by hand from their page is refused in main, with an
 * audit entry naming them and their address; an auditor sees phones masked in the Users list and
 * a user's detail, and no full phone anywhere on the page.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, test, type Browser, type Page } from "@playwright/test";
import { parseServerConfig } from "../../../main/team-server/config.ts";
import { startTeamServer, type TeamServer } from "../../../main/team-server/index.ts";
import { addOperator } from "../../../main/team/operators/add-operator.ts";
import type { Caller } from "../../../shared/contract/caller.ts";
import type { OutputOf } from "../../../shared/contract/index.ts";
import { RENDERER_OUT_DIR } from "../../../scripts/renderer-build.ts";

let dataDir: string;
let server: TeamServer;
const ADMIN: Caller = { operator: "e2e-admin", role: "admin", address: null };

test.describe.configure({ timeout: 90_000 });

test.beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), "gatehouse-team-roles-e2e-"));
  const config = parseServerConfig({ listen: { host: "127.0.0.1", port: 0 }, dataDir }, dataDir);
  server = await startTeamServer({ config, rendererDir: RENDERER_OUT_DIR, log: () => {}, gatehouse: { embeddedCoreInMemory: true } });
  for (const [email, role] of [
    ["sam@example.com", "support"],
    ["ada@example.com", "auditor"],
  ] as const) {
    // What an admin's invite (or add-operator) gives them, and what they type on the set-password page.
    const created = await addOperator({ directory: server.team.directory, links: server.team.links, audit: server.audit, now: Date.now }, { email, role }, "cli:e2e");
    const token = new URL(created.link.url).hash.replace("#set-password=", "");
    await server.team.setPassword({ token, password: `${email} long password` }, "127.0.0.1");
  }
});

test.afterAll(async () => {
  await server?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

async function signedIn(browser: Browser, email: string): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await page.goto(`${server.origin}/#/users`);
  await page.getByTestId("sign-in-email").fill(email);
  await page.getByTestId("sign-in-password").fill(`${email} long password`);
  await page.getByTestId("sign-in-submit").click();
  await expect(page.getByTestId("account-email")).toHaveText(email);
  return page;
}

type Row = OutputOf<"users.list">["rows"][number];

/** Demo users with an enrolled second-factor phone, as an admin's call sees them (phones in full). */
async function enrolledUsers(): Promise<(Row & { secondFactor: { state: "enrolled"; phoneNumber: string } })[]> {
  const answer = await server.gatehouse.dispatcher.invoke("users.list", { tenantId: "public", order: "oldest", limit: 200, secondFactor: "enrolled" }, ADMIN);
  if (!answer.ok) throw new Error(answer.error.message);
  return (answer.value as OutputOf<"users.list">).rows.filter(
    (r): r is Row & { secondFactor: { state: "enrolled"; phoneNumber: string } } => r.secondFactor.state === "enrolled" && r.emails.length > 0,
  );
}

test("support resets a second-factor phone, and is refused (and audited) sending an admin operation by hand", async ({ browser }) => {
  const [user] = await enrolledUsers();
  if (!user) throw new Error("the demo data has no user with an enrolled second factor");
  const page = await signedIn(browser, "sam@example.com");
  await expect(page.getByTestId("role-badge")).toHaveText(/support/i);

  await page.getByTestId("users-search").fill(user.emails[0] ?? "");
  await expect(page.getByTestId("user-row")).toHaveCount(1);
  await page.getByTestId("user-row").first().click();
  const section = page.getByTestId("second-factor-section");
  await expect(section).toContainText(user.secondFactor.phoneNumber.slice(-4));
  await section.getByTestId("second-factor-reset").click();
  await page.getByTestId("sf-reason").fill("lost phone");
  await page.getByTestId("sf-ticket").fill("SUP-14");
  await page.getByTestId("sf-clear").check();
  await page.getByTestId("sf-confirm").click(); // Review…
  await expect(page.getByTestId("sf-confirm-text")).toBeVisible();
  await page.getByTestId("sf-confirm").click(); // Confirm reset
  await expect(page.getByTestId("sf-result")).toContainText("Done.");
  await page.getByTestId("sf-close").click();
  await expect(section).toContainText("Not enrolled");
  // Gone on the Core, not only on the page: the user's metadata no longer points at a phone user.
  const after = await server.gatehouse.dispatcher.invoke("users.get", { userId: user.id }, ADMIN);
  expect(after).toMatchObject({ ok: true, value: { secondFactor: { state: "none" } } });
  const [reset] = (await server.gatehouse.audit.list({ limit: 1, operation: "secondFactor.reset" })).entries;
  expect(reset).toMatchObject({ operator: "sam@example.com", role: "support", address: "127.0.0.1", target: user.id, outcome: "ok" });

  // By hand, from the support operator's own page: the session and CSRF token are theirs; main refuses.
  const byHand = await page.evaluate(async () => {
    const session = (await (await fetch("/api/team/session")).json()) as { value: { csrfToken: string } };
    const response = await fetch("/api/invoke", {
      method: "POST",
      headers: { "content-type": "application/json", "x-csrf-token": session.value.csrfToken },
      body: JSON.stringify({ op: "operators.invite", input: { email: "sams.friend@example.com", role: "admin" } }),
    });
    return (await response.json()) as { ok: boolean; error?: { code: string; message: string } };
  });
  expect(byHand).toMatchObject({ ok: false, error: { code: "FORBIDDEN" } });
  expect(byHand.error?.message).toContain("The support role cannot");
  const [refused] = (await server.gatehouse.audit.list({ limit: 1 })).entries;
  expect(refused).toMatchObject({ operation: "operators.invite", operator: "sam@example.com", role: "support", address: "127.0.0.1", outcome: "error", target: "sams.friend@example.com" });
  expect(refused?.detail).toMatch(/^FORBIDDEN: /);
  expect(await server.team.directory.findByEmail("sams.friend@example.com")).toBeUndefined();
  await page.context().close();
});

test("an auditor sees second-factor phones masked, in the list and in a user's detail", async ({ browser }) => {
  const users = await enrolledUsers();
  const user = users.at(-1);
  if (!user) throw new Error("the demo data has no user with an enrolled second factor");
  const page = await signedIn(browser, "ada@example.com");
  await expect(page.getByTestId("role-badge")).toHaveText(/auditor/i);
  await expect(page.getByTestId("user-row").first()).toBeVisible();
  await expect(page.getByTestId("users-table")).toContainText("••••");

  await page.getByTestId("users-search").fill(user.emails[0] ?? "");
  await expect(page.getByTestId("user-row")).toHaveCount(1);
  await page.getByTestId("user-row").first().click();
  const section = page.getByTestId("second-factor-section");
  await expect(section).toContainText("••••");
  await expect(section).toContainText(user.secondFactor.phoneNumber.slice(-4));
  await expect(section.getByTestId("second-factor-reset")).toHaveCount(0);
  const text = await page.locator("body").innerText();
  for (const { secondFactor } of users) expect(text).not.toContain(secondFactor.phoneNumber);
  await page.context().close();
});
