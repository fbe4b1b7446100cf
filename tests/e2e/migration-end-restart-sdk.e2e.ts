/**
 * The end of the migration through the UI on a Core without bulk import (supertokens-node calls),
 * with the Gatehouse server killed (SIGKILL) mid-job and started again on the same data folder.
 *
 * Gatehouse runs in browser mode as a process of its own; the Core (the embedded core, in this
 * test's process, so it outlives Gatehouse) sits behind a proxy that answers 404 on /bulk-import
 * like a Core older than 9 and holds the job's writes once 60 sign-ups have gone through, so the
 * kill deterministically finds users half made with their calls under way. The held calls reach
 * the Core after the kill, as they would in a real crash. After the restart the operator opens the
 * new URL, sees the run resumed where it was, and follows it to the end. Then, on the Core with
 * raw CDI reads: every not-migrated roster user has exactly one account under their legacy id,
 * with the migration record, the temporary-password flag (or their legacy password, for those
 * whose hash the roster had) and verification as in the roster; the conflict and the user
 * migrated at sign-in are untouched; one sign-up per user reached the Core; the SMTP server got
 * exactly one reset mail per user; the result CSV has every user and no password.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, test } from "@playwright/test";
import { startEmbeddedCore, type RunningEmbeddedCore } from "../../main/embedded-core/index.ts";
import { startTestSmtp, type TestSmtp } from "../main/helpers/smtp.ts";
import { startScriptedProxy, type ScriptedProxy } from "../main/jobs/helpers.ts";
import { startKillableConsole, type KillableConsole } from "./support/killable-console.ts";
import { downloadOf, watchPage } from "./support/migration.ts";
import {
  connectConsole,
  doneOnScreen,
  dryRunEnd,
  Gate,
  importRosterAndScan,
  isWrite,
  legacyRoster,
  mailProblems,
  openMigrationScreen,
  problemsLeftAlone,
  problemsOnCore,
  resultRows,
  seedCore,
  startByTypingCount,
  type Script,
} from "./support/migration-end.ts";

const USERS = 200;
const HASHED = 5;
/** Sign-ups let through before the Core "stops answering" writes: a fifth of the run or so. */
const PASS_SIGN_UPS = 60;
const SMTP_PASSWORD = "e2e-end-sdk-smtp";
const roster = legacyRoster("sdk-e2e", USERS, HASHED);

let core: RunningEmbeddedCore;
let proxy: ScriptedProxy;
let smtp: TestSmtp;
let dataDir: string;
let gatehouse: KillableConsole | undefined;

/** Like a Core before 9: no bulk import, whatever else the script does. */
function olderCore(script: Script): Script {
  return (r) => (r.path.includes("/bulk-import") ? { status: 404, body: "Not Found" } : script(r));
}

test.describe.configure({ timeout: 240_000 });

test.beforeAll(async () => {
  core = await startEmbeddedCore({});
  proxy = await startScriptedProxy(core.url);
  proxy.script = olderCore(() => ({}));
  smtp = await startTestSmtp(SMTP_PASSWORD);
  await seedCore(core.url, roster);
  dataDir = mkdtempSync(join(tmpdir(), "gatehouse-e2e-end-sdk-"));
  gatehouse = await startKillableConsole(dataDir);
  await connectConsole(gatehouse.client, proxy.url, { port: smtp.port, password: SMTP_PASSWORD });
});

test.afterAll(async () => {
  // The proxy first: calls it still holds (a test failed mid-job) are cut instead of awaited.
  await proxy?.close();
  await gatehouse?.close();
  await smtp?.close();
  await core?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

test("an admin ends the migration with supertokens-node calls; Gatehouse is killed mid-run, restarted, and the run finishes with nobody lost or made twice", async ({ page }) => {
  const first = gatehouse;
  if (!first) throw new Error("Gatehouse did not start");
  const watch = await watchPage(page);
  await page.goto(first.url);
  await openMigrationScreen(page);
  await importRosterAndScan(page, roster, "legacy-roster.csv");

  // The Core has no bulk import: the screen says so, and the dry run takes the path every Core has.
  await expect(page.getByTestId("migration-end-path")).toContainText("no bulk import (This Core has no bulk import (404 on /bulk-import/users/count");
  await dryRunEnd(page, "supertokens-node calls", USERS, HASHED);

  // A Core that stops answering writes once PASS_SIGN_UPS sign-ups are through.
  const stall = new Gate();
  let signUps = 0;
  proxy.passed.length = 0;
  proxy.script = olderCore((r) => {
    if (!isWrite(r)) return {};
    if (signUps >= PASS_SIGN_UPS) return stall.hold();
    if (r.path.endsWith("/recipe/signup")) signUps += 1;
    return {};
  });
  await startByTypingCount(page, USERS);
  await expect(page.getByTestId("migration-end-state")).toContainText("running · creating accounts");
  await expect
    .poll(async () => stall.held >= 8 && (await doneOnScreen(page)) >= 20, { message: "users done on the screen, and calls held mid-item", timeout: 60_000 })
    .toBe(true);
  const doneBeforeKill = await doneOnScreen(page);
  expect(doneBeforeKill).toBeLessThan(USERS);

  await first.kill();
  gatehouse = undefined;
  // The calls under way at the kill land on the Core all the same, answered to nobody.
  await stall.open(proxy);

  // Restarted on the same data folder; the Core holds writes again, so the resumed run is seen under way.
  const slow = new Gate();
  proxy.script = olderCore((r) => (isWrite(r) ? slow.hold() : {}));
  const second = await startKillableConsole(dataDir);
  gatehouse = second;
  await page.goto(second.url);
  await openMigrationScreen(page);
  await expect(page.getByTestId("migration-end-state")).toContainText("running · creating accounts");
  const resumedAt = await doneOnScreen(page);
  expect(resumedAt, "the journal kept what was done before the kill").toBeGreaterThanOrEqual(doneBeforeKill);
  expect(resumedAt).toBeLessThan(USERS);
  await expect.poll(() => slow.held, { message: "the resumed run's calls reaching the Core" }).toBeGreaterThan(0);

  proxy.script = olderCore(() => ({}));
  await slow.open(proxy);
  await expect(page.getByTestId("migration-end-state")).toContainText("completed", { timeout: 120_000 });
  await expect(page.getByTestId("migration-end-counts")).toContainText(`${USERS} done, 0 failed, 1 skipped of ${USERS + 1} legacy users`);
  await expect(page.getByTestId("migration-end-counts")).toContainText(`reset links: ${USERS - HASHED} mailed, 0 in the outbox`);

  // The result file: every user once, the conflict skipped with why, no password.
  const result = await downloadOf(page, "end-result");
  const rows = resultRows(result.text);
  expect(rows.map((r) => r.legacyId).sort()).toEqual([...roster.toCreate, roster.conflict].map((u) => u.legacyId).sort());
  const byId = new Map(rows.map((r) => [r.legacyId, r]));
  for (const u of roster.toCreate) {
    expect(byId.get(u.legacyId), u.legacyId).toMatchObject({ state: "done", outcome: expect.stringMatching(u.hash ? /^account (created|in place); keeps the legacy password/ : /^account (created|in place); reset link mailed$/) });
  }
  expect(byId.get(roster.conflict.legacyId)).toMatchObject({ state: "skipped", error: expect.stringMatching(/^conflict: an account with this email/) });

  // The kill cut items off mid-way: some went twice through the runner, yet one sign-up each reached the Core.
  const { items } = await second.client.invoke("jobs.get", { jobId: (await second.client.invoke("migrationEnd.status", {})).job?.id ?? "", limit: USERS + 1 });
  expect(items.some((i) => i.attempts >= 2), "an item the kill cut off").toBe(true);
  const signUpsOnCore = proxy.passed.filter((r) => r.method === "POST" && r.path.endsWith("/recipe/signup")).length;
  expect(signUpsOnCore, "one sign-up per user without their hash: a repeat adopts the account it made").toBe(USERS - HASHED);

  expect(await problemsOnCore(core.url, roster.toCreate)).toEqual([]);
  expect(await problemsLeftAlone(core.url, roster)).toEqual([]);
  expect(mailProblems(smtp, roster, roster.toCreate.filter((u) => !u.hash))).toEqual([]);
  expect(await watch.problems()).toEqual([]);
});
