/**
 * The end of the migration through the UI on the Core's bulk import, with the Gatehouse server
 * killed (SIGKILL) while the Core is half-way through its import, and started again on the same
 * data folder.
 *
 * The Core is the embedded core as Core 11.4.7 on PostgreSQL serves /bulk-import, in this test's
 * process (it outlives Gatehouse); its background task runs when the test says (runBulkImport: the
 * task's own code, on the test's clock instead of every 5 minutes). Between the staging and the
 * task's first run someone signs up with one legacy user's email, so the task fails that user
 * (E003) and leaves the rest of its chunk PROCESSING for its next run, as a real Core does. The
 * screen shows the Core's queue all along (NEW before the run; PROCESSING and FAILED after it,
 * the proxy holding Gatehouse's unstaging of the failed user until the test has seen it). While the
 * first reset links go out (the proxy holds the rest), Gatehouse is killed; restarted, the
 * operator sees the run resumed with the chunk still PROCESSING on the Core; the task's next run
 * imports it and the run finishes. Retrying the one the Core refused skips it as a conflict.
 * Then, with raw CDI reads: the users were staged once (one staging request, nothing left
 * staged), each has exactly one account under the legacy id with the record, flag and
 * verification; the SMTP server got exactly one reset mail per user; the CSV has no password.
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
  cdi,
  connectConsole,
  doneOnScreen,
  dryRunEnd,
  Gate,
  importRosterAndScan,
  legacyRoster,
  mailProblems,
  openMigrationScreen,
  problemsLeftAlone,
  problemsOnCore,
  resultRows,
  seedCore,
  signUpOnCore,
  startByTypingCount,
} from "./support/migration-end.ts";

const USERS = 200;
const HASHED = 5;
/** Reset links let through before the Core "stops answering" them. */
const PASS_LINKS = 40;
const SMTP_PASSWORD = "e2e-end-bulk-smtp";
const roster = legacyRoster("bulk-e2e", USERS, HASHED);
/** The legacy user whose email someone signs up with while the Core holds the staged users. */
const taken = roster.toCreate[USERS / 2];
const isResetToken = (path: string) => path.endsWith("/recipe/user/password/reset/token");

let core: RunningEmbeddedCore;
let proxy: ScriptedProxy;
let smtp: TestSmtp;
let dataDir: string;
let gatehouse: KillableConsole | undefined;

test.describe.configure({ timeout: 240_000 });

test.beforeAll(async () => {
  // Four chunks per batch whatever the CPU count, so that one failed user leaves a quarter PROCESSING.
  core = await startEmbeddedCore({ bulkImportIntervalMs: 0, bulkImportParallelism: 4 });
  proxy = await startScriptedProxy(core.url);
  smtp = await startTestSmtp(SMTP_PASSWORD);
  await seedCore(core.url, roster);
  dataDir = mkdtempSync(join(tmpdir(), "gatehouse-e2e-end-bulk-"));
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

test("an admin ends the migration with the Core's bulk import; Gatehouse is killed while the Core imports, restarted, and the run finishes with nobody staged, made or mailed twice", async ({ page }) => {
  if (!taken) throw new Error("no legacy user to take");
  const first = gatehouse;
  if (!first) throw new Error("Gatehouse did not start");
  const watch = await watchPage(page);
  await page.goto(first.url);
  await openMigrationScreen(page);
  await importRosterAndScan(page, roster, "legacy-roster.csv");

  await expect(page.getByTestId("migration-end-path")).toContainText("This Core: offers the bulk import");
  await dryRunEnd(page, "The Core's bulk import", USERS, HASHED);

  // Reset links: the first PASS_LINKS go through, then the Core stops answering them. Unstaging
  // (what Gatehouse does with a user the Core failed) waits too, so the FAILED one stays in view.
  const stall = new Gate();
  const unstage = new Gate();
  let links = 0;
  proxy.passed.length = 0;
  proxy.script = (r) => {
    if (r.path === "/bulk-import/users/remove") return unstage.hold();
    return isResetToken(r.path) && links++ >= PASS_LINKS ? stall.hold() : {};
  };
  await startByTypingCount(page, USERS);

  // Staged; the Core's task has not run yet: all NEW on the Core.
  const bulk = page.getByTestId("migration-end-bulk");
  await expect(page.getByTestId("migration-end-state")).toContainText("running · waiting for the Core to import the staged users");
  await expect(bulk).toContainText(`${USERS} of this run's users staged, 0 imported, 0 refused (the Core's queue: ${USERS} new, 0 processing, 0 failed)`);

  // Someone signs up with a legacy user's email before the Core's task runs; the task fails that
  // user and leaves the rest of its chunk PROCESSING for its next run.
  await signUpOnCore(core.url, taken.email, "Signed-up-meanwhile-1");
  const firstRun = await core.runBulkImport();
  expect(firstRun).toMatchObject({ waiting: USERS, failed: 1 });
  const processing = USERS - 1 - firstRun.imported;
  expect(processing, "a chunk left PROCESSING").toBeGreaterThan(0);
  await expect(bulk).toContainText(`${firstRun.imported} imported, 1 refused (the Core's queue: 0 new, ${processing} processing, 1 failed)`);
  // Unstaged, the user the Core failed fails with the Core's words (in the result file below).
  await unstage.open(proxy);
  await expect(page.getByTestId("migration-end-counts")).toContainText(/^\d+ done, 1 failed/);

  // The first links are out, more are under way: kill Gatehouse.
  await expect
    .poll(async () => stall.held >= 8 && (await doneOnScreen(page)) >= 20, { message: "links sent on the screen, and more under way", timeout: 60_000 })
    .toBe(true);
  const doneBeforeKill = await doneOnScreen(page);
  await first.kill();
  gatehouse = undefined;
  await stall.open(proxy);

  // Restarted: the operator sees the run under way and the Core still holding the chunk.
  const slow = new Gate();
  proxy.script = (r) => (isResetToken(r.path) ? slow.hold() : {});
  const second = await startKillableConsole(dataDir);
  gatehouse = second;
  await page.goto(second.url);
  await openMigrationScreen(page);
  await expect(page.getByTestId("migration-end-state")).toContainText("running");
  await expect(bulk).toContainText(new RegExp(`the Core's queue: 0 new, ${processing} processing, 0 failed`));
  expect(await doneOnScreen(page), "the journal kept what was done before the kill").toBeGreaterThanOrEqual(doneBeforeKill);

  // The Core's next run imports the chunk; the links go out again.
  expect(await core.runBulkImport()).toEqual({ waiting: processing, imported: processing, failed: 0 });
  await expect(bulk).toContainText("the Core's queue: 0 new, 0 processing, 0 failed");
  proxy.script = () => ({});
  await slow.open(proxy);
  await expect(page.getByTestId("migration-end-state")).toContainText("completed", { timeout: 120_000 });
  await expect(page.getByTestId("migration-end-counts")).toContainText(`${USERS - 1} done, 1 failed, 1 skipped of ${USERS + 1} legacy users`);
  await expect(page.getByTestId("migration-end-counts")).toContainText(`reset links: ${USERS - HASHED - 1} mailed, 0 in the outbox`);
  const failedRow = resultRows((await downloadOf(page, "end-result")).text).find((r) => r.legacyId === taken.legacyId);
  expect(failedRow).toMatchObject({ state: "failed", error: expect.stringContaining(`E003: A user with email ${taken.email} already exists`) });

  // Retried, the one the Core refused is found taken by someone else: skipped (beside the dry
  // run's conflict), not staged again.
  await page.getByTestId("end-retry").click();
  await expect(page.getByTestId("migration-end-counts")).toContainText(`${USERS - 1} done, 0 failed, 2 skipped of ${USERS + 1} legacy users`, { timeout: 60_000 });
  await expect(page.getByTestId("migration-end-state")).toContainText("completed");

  const rows = resultRows((await downloadOf(page, "end-result")).text);
  expect(rows.map((r) => r.legacyId).sort()).toEqual([...roster.toCreate, roster.conflict].map((u) => u.legacyId).sort());
  const byId = new Map(rows.map((r) => [r.legacyId, r]));
  const made = roster.toCreate.filter((u) => u !== taken);
  for (const u of made) {
    expect(byId.get(u.legacyId), u.legacyId).toMatchObject({ state: "done", outcome: expect.stringMatching(u.hash ? /^account (created|in place); keeps the legacy password/ : /^account (created|in place); reset link mailed$/) });
  }
  expect(byId.get(taken.legacyId)).toMatchObject({ state: "skipped", outcome: expect.stringMatching(/^skipped: conflict: an account with this email \(user [0-9a-f-]{36}\) is not mapped to/) });

  // The kill cut items off mid-way (their links under way): they went twice through the runner.
  const jobId = (await second.client.invoke("migrationEnd.status", {})).job?.id ?? "";
  const { items } = await second.client.invoke("jobs.get", { jobId, limit: USERS + 1 });
  expect(items.filter((i) => i.attempts >= 2).length, "items the kill cut off").toBeGreaterThanOrEqual(8);

  // Staged once: one staging request with every user once, nothing left staged on the Core.
  const stagings = proxy.passed.filter((r) => r.method === "POST" && r.path === "/bulk-import/users");
  expect(stagings).toHaveLength(1);
  const staged = (JSON.parse(stagings[0]?.body ?? "{}") as { users: { externalUserId: string }[] }).users.map((u) => u.externalUserId);
  expect(staged.sort()).toEqual(roster.toCreate.map((u) => u.legacyId).sort());
  expect(await cdi<{ count: number }>(core.url, "GET", "/bulk-import/users/count")).toMatchObject({ count: 0 });

  expect(await problemsOnCore(core.url, made)).toEqual([]);
  const takenOnCore = await cdi<{ users: { id: string }[] }>(core.url, "GET", "/public/users/by-accountinfo", { email: taken.email, doUnionOfAccountInfo: "false" });
  expect(takenOnCore.users.map((u) => u.id), "the person who signed up keeps their own account").not.toContain(taken.legacyId);
  expect(takenOnCore.users).toHaveLength(1);
  expect(await problemsLeftAlone(core.url, roster)).toEqual([]);
  expect(mailProblems(smtp, roster, made.filter((u) => !u.hash))).toEqual([]);
  expect(await watch.problems()).toEqual([]);
});
