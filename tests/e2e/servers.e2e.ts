/**
 * A Gatehouse server as a desktop connection, end to end in Chromium: the desktop console (browser
 * mode) adds a real team server (loopback, plain HTTP) on the Connections page, a bad address is
 * named at its field, Open brings the server's own sign-in screen up in a new tab that has no
 * handle on the console, and removing it is asked first; axe on the section, the form and the
 * dialog. (The desktop app's own window for a server is covered by tests/electron/.)
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, test } from "@playwright/test";
import { parseServerConfig } from "../../main/team-server/config.ts";
import { startTeamServer, type TeamServer } from "../../main/team-server/index.ts";
import { RENDERER_OUT_DIR } from "../../scripts/renderer-build.ts";
import { seriousViolations } from "./support/axe.ts";
import { startConsole, type ConsoleUnderTest } from "./support/console.ts";

let app: ConsoleUnderTest;
let server: TeamServer;
let serverDir: string;

test.describe.configure({ mode: "serial", timeout: 60_000 });

test.beforeAll(async () => {
  app = await startConsole();
  serverDir = mkdtempSync(join(tmpdir(), "gatehouse-servers-e2e-"));
  const config = parseServerConfig({ listen: { host: "127.0.0.1", port: 0 }, dataDir: serverDir }, serverDir);
  server = await startTeamServer({ config, rendererDir: RENDERER_OUT_DIR, log: () => {}, gatehouse: { embeddedCoreInMemory: true } });
});

test.afterAll(async () => {
  await server?.close();
  await app?.close();
  if (serverDir) rmSync(serverDir, { recursive: true, force: true });
});

test("add a team server, open its sign-in in a new tab, remove it", async ({ page, context }) => {
  await page.goto(app.url);
  await page.getByTestId("nav-connections").click();
  const section = page.getByTestId("servers");
  await expect(section.getByTestId("servers-empty")).toBeVisible();
  expect(await seriousViolations(page), "the Connections page with no servers").toEqual([]);

  await section.getByTestId("server-add").click();
  const form = page.getByTestId("server-form");
  await form.getByTestId("server-name").fill("Team");
  await form.getByTestId("server-url").fill("http://gatehouse.example.com");
  await form.getByTestId("server-url").press("Enter");
  await expect(form.getByTestId("field-error")).toContainText("must start with https://");
  expect(await seriousViolations(page), "the server form with an error").toEqual([]);

  await form.getByTestId("server-url").fill(`${server.origin}/`);
  await form.getByTestId("server-url").press("Enter");
  const row = section.getByTestId("server-row");
  await expect(row).toContainText(server.origin);
  await expect(row).toContainText("Gatehouse server");

  const [tab] = await Promise.all([context.waitForEvent("page"), row.getByRole("button", { name: "Open Team" }).click()]);
  await tab.waitForLoadState();
  expect(new URL(tab.url()).origin).toBe(server.origin);
  await expect(tab.getByTestId("sign-in")).toBeVisible();
  // noopener: the server's page cannot reach back into the console.
  expect(await tab.evaluate("window.opener")).toBeNull();
  await tab.close();
  await expect(row.getByTestId("server-opened-here")).toBeVisible();
  expect(await seriousViolations(page), "the Connections page with a server").toEqual([]);

  const { entries } = await app.client.invoke("audit.list", { limit: 2 });
  expect(entries.map((e) => [e.operation, e.outcome])).toEqual([
    ["servers.open", "ok"],
    ["servers.add", "ok"],
  ]);

  await row.getByRole("button", { name: "Remove Team" }).click();
  const dialog = page.getByTestId("server-remove-dialog");
  await expect(dialog).toBeVisible();
  expect(await seriousViolations(page), "the remove dialog").toEqual([]);
  await page.keyboard.press("Escape");
  await expect(dialog).toBeHidden();
  await expect(row).toBeVisible();
  await row.getByRole("button", { name: "Remove Team" }).click();
  await dialog.getByRole("button", { name: "Remove server" }).click();
  await expect(section.getByTestId("servers-empty")).toBeVisible();
  expect((await app.client.invoke("servers.list", {})).servers).toEqual([]);
});
