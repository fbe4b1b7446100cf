/**
 * Bulk invites from CSV, through the console in Chromium, as the admin of the Local demo profile
 * (the embedded core with the demo data, no SMTP: links go to the outbox). The admin uploads a
 * CSV of six hundred new people, a phone number written the local way, a bad email, a duplicate
 * row, an existing passwordless user (who gets a new link) and an existing email-password user
 * (skipped); the dry run counts them and names the bad lines; the job runs on the Jobs page, is
 * paused there; resumed while the Core cannot be reached, it says it waits for the Core and
 * carries on by itself when the Core is back, and completes; its result CSV, downloaded through the
 * UI, has a row per input row with the links and errors (phones written as they are, so the file
 * could be imported again). Main then holds each new user exactly once, their messages in the
 * outbox, and the Invites page lists them as pending.
 *
 * To pause the job while it surely runs, whatever the machine's speed, the admin works on a profile
 * that reaches the same core through a fault proxy, which holds the Core's connections while the
 * job is paused (nothing reaches the Core then, so nothing is half-done).
 */
import { expect, test, type Page } from "@playwright/test";
import { parse } from "csv-parse/sync";
import { readFile } from "node:fs/promises";
import { buildDemoDataSet } from "../../main/embedded-core/demo/data-set.ts";
import { DEFAULT_DATA_CONTRACT } from "../../shared/data-contract.ts";
import { startTcpFaultProxy, type TcpFaultProxy } from "../main/helpers/faults.ts";
import { seriousViolations } from "./support/axe.ts";
import { startConsole, type ConsoleUnderTest } from "./support/console.ts";

const NEW_EMAILS = 600;

const RESULT_COLUMNS = ["index", "line", "email", "phoneNumber", "tenantId", "roles", "state", "outcome", "userId", "link", "expiresAt", "delivery", "deliveryError", "error"] as const;
type ResultRow = Record<(typeof RESULT_COLUMNS)[number], string>;

let gatehouse: ConsoleUnderTest;
let proxy: TcpFaultProxy;

test.beforeAll(async () => {
  // A job waiting for its Core looks again soon (the default backoff grows to 15 s).
  gatehouse = await startConsole({ jobs: { probe: { baseMs: 200, capMs: 1000 } } });
  proxy = await startTcpFaultProxy(gatehouse.coreUrl);
  const profile = await gatehouse.client.invoke("profiles.create", {
    name: "Demo core via a fault proxy",
    uris: [proxy.url],
    role: "admin",
    defaultTenant: "public",
    timeoutMs: 30_000,
    contract: { ...DEFAULT_DATA_CONTRACT },
  });
  await gatehouse.client.invoke("profiles.switch", { id: profile.id });
});

test.afterAll(async () => {
  await gatehouse?.close();
  await proxy?.close();
});

/** Every message in the outbox, page after page. */
async function allOutbox() {
  const all = [];
  for (let offset = 0; ; offset += 500) {
    const page = await gatehouse.client.invoke("invites.outbox.list", { offset, limit: 500 });
    all.push(...page.entries);
    if (page.entries.length === 0 || all.length >= page.total) return all;
  }
}

/** Every invite of the public tenant, page after page. */
async function allInvites() {
  const all = [];
  for (let offset = 0; ; offset += 500) {
    const page = await gatehouse.client.invoke("invites.list", { tenantId: "public", offset, limit: 500 });
    all.push(...page.invites);
    if (page.invites.length === 0 || all.length >= page.total) return all;
  }
}

function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on("pageerror", (err) => errors.push(err.message));
  return errors;
}

/**
 * Every user of the public tenant whose email starts with `prefix`. A search makes the Core return
 * every match at once (limit and paging do not apply), so keep each prefix under 500 matches.
 */
async function usersWithEmailPrefix(prefix: string) {
  const rows = [];
  let paginationToken: string | undefined;
  do {
    const page = await gatehouse.client.invoke("users.list", { tenantId: "public", order: "oldest", search: prefix, limit: 500, ...(paginationToken ? { paginationToken } : {}) });
    rows.push(...page.rows);
    paginationToken = page.nextPaginationToken ?? undefined;
  } while (paginationToken);
  return rows;
}

test("the admin invites a CSV of people: dry run, job with pause and resume, result CSV, users, outbox and pending invites", async ({ page }) => {
  const errors = watchErrors(page);
  const demo = buildDemoDataSet();
  // An existing passwordless email user of the public tenant (a new link), and an email-password one (skipped).
  const passwordless = demo.users.filter((u) => u.row.recipe_id === "passwordless" && u.row.email && u.tenantIds.includes("public") && !u.metadata)[1]?.row;
  const emailPassword = demo.users.find((u) => u.row.recipe_id === "emailpassword" && u.row.email === "grace.hopper@example.com")?.row;
  if (!passwordless?.email || !emailPassword?.email) throw new Error("the demo data set lacks the users this test needs");

  const prefix = `bulk-${Date.now().toString(36)}-`;
  // In groups of 250 under their own prefix, so each search for them stays under 500 matches.
  const group = (i: number) => `${prefix}${Math.floor(i / 250)}-`;
  const groups = [...new Set(Array.from({ length: NEW_EMAILS }, (_, i) => group(i)))];
  const newEmails = Array.from({ length: NEW_EMAILS }, (_, i) => `${group(i)}${String(i).padStart(4, "0")}@example.com`);
  const phone = "+14155550177";
  // Line 1 is the header; the special rows come first so the dry run's table shows them.
  const lines = [
    "email,phone,roles",
    `${passwordless.email.toUpperCase()},,`, // line 2: exists with a passwordless login → new link
    `${emailPassword.email},,`, // line 3: exists without one → skipped
    "not-an-email,,", // line 4: bad email
    ",(415) 555-0177,support", // line 5: a phone in the default region (US), with a role
    `${newEmails[0]},,`, // line 6
    `${newEmails[0]!.toUpperCase()},,`, // line 7: duplicate of line 6 once normalised
    ...newEmails.slice(1).map((e) => `${e},,`),
  ];
  const totalRows = lines.length - 1;
  expect(totalRows).toBe(NEW_EMAILS + 5);
  const validRows = totalRows - 2;

  await page.goto(gatehouse.url);
  await expect(page.getByTestId("role-badge")).toHaveText(/admin/i);
  await page.getByTestId("nav-invites").click();

  // Upload and dry run.
  const bulk = page.getByTestId("bulk-invite");
  await bulk.getByTestId("bulk-invite-file").setInputFiles({ name: "people.csv", mimeType: "text/csv", buffer: Buffer.from(`${lines.join("\r\n")}\r\n`, "utf8") });
  await bulk.getByTestId("bulk-invite-plan").click();
  const dryRun = bulk.getByTestId("bulk-invite-dryrun");
  await expect(dryRun.getByTestId("bulk-invite-count-invite")).toHaveText(String(NEW_EMAILS + 1));
  await expect(dryRun.getByTestId("bulk-invite-count-link")).toHaveText("1");
  await expect(dryRun.getByTestId("bulk-invite-count-skip")).toHaveText("1");
  await expect(dryRun.getByTestId("bulk-invite-count-errors")).toHaveText("2");
  await expect(dryRun).toContainText(`${totalRows} rows`);
  const dryRows = dryRun.getByTestId("bulk-invite-row");
  await expect(dryRows.filter({ hasText: "not-an-email" })).toContainText('line 4: "not-an-email" is not an email address');
  await expect(dryRows.filter({ hasText: "duplicate of line" })).toContainText("line 7: duplicate of line 6 (same email and tenant)");
  await expect(dryRows.filter({ hasText: passwordless.email })).toContainText("already exists: send a new link");
  await expect(dryRows.filter({ hasText: emailPassword.email })).toContainText("skip: already exists");
  await expect(dryRows.filter({ hasText: phone })).toContainText("invite new user with support");
  // Nothing is changed by the dry run.
  expect(await usersWithEmailPrefix(prefix)).toEqual([]);

  // Start, and follow the job to the Jobs page.
  const start = dryRun.getByTestId("bulk-invite-start");
  await expect(start).toHaveText(`Start: invite ${validRows} rows`);
  // From now on the Core's connections are held: the job starts and stays under way.
  proxy.setMode({ kind: "stall" });
  await start.click();
  await expect(dryRun.getByTestId("bulk-invite-started")).toBeVisible();
  await dryRun.getByTestId("bulk-invite-job-link").click();
  await expect(page).toHaveURL(/#\/jobs$/);
  const view = page.getByTestId("job-view");
  await expect(view).toContainText("invites.bulk");
  const jobRow = page.getByTestId("job-row").filter({ hasText: "invites.bulk" });
  await expect(jobRow).toHaveCount(1);
  await expect(jobRow.getByTestId("job-profile")).toHaveText("Demo core via a fault proxy");
  await expect(jobRow.getByTestId("job-progress")).toHaveAttribute("aria-valuemax", String(validRows));
  const { jobs } = await gatehouse.client.invoke("jobs.list", { limit: 10 });
  const jobId = jobs.find((j) => j.kind === "invites.bulk")?.id;
  if (!jobId) throw new Error("no invites.bulk job after Start");

  // Pause while it runs: it stops with work left; then let the Core answer again, and resume.
  await expect(jobRow.getByTestId("job-state")).toHaveText("running");
  await view.getByTestId("job-pause").click();
  await expect(jobRow.getByTestId("job-state")).toHaveText("paused");
  await expect(view.getByTestId("job-resume")).toBeVisible();
  await expect(view.getByTestId("job-pause")).toBeHidden();
  const paused = (await gatehouse.client.invoke("jobs.get", { jobId, limit: 1 })).job;
  expect(paused.state).toBe("paused");
  expect(paused.pending).toBeGreaterThan(0);
  expect(Number(await jobRow.getByTestId("job-progress").getAttribute("aria-valuenow"))).toBeLessThan(validRows);
  // The Core goes away (the held connections are cut, new ones dropped) and the job is resumed:
  // it finds the Core gone and waits for it, saying so, without failing a row.
  proxy.setMode({ kind: "drop" });
  await view.getByTestId("job-resume").click();
  await expect(jobRow.getByTestId("job-state")).toHaveText("waiting for the Core");
  await expect(view.getByTestId("job-waiting")).toContainText("Waiting for the Core.");
  await expect(view.getByTestId("job-waiting")).toContainText("Cannot reach the SuperTokens Core");
  await expect(view.getByTestId("job-pause")).toBeVisible();
  expect((await gatehouse.client.invoke("jobs.get", { jobId, limit: 1 })).job).toMatchObject({ state: "waiting", failed: 0 });
  // The waiting state reads for everyone: no serious axe violation (contrast of its badge and notice).
  expect(await seriousViolations(page)).toEqual([]);

  // The Core is back: the job carries on by itself.
  proxy.setMode({ kind: "pass" });
  await expect(view.getByTestId("job-waiting")).toBeHidden({ timeout: 15_000 });

  // Completed, with its counts, live from the progress events.
  await expect(jobRow.getByTestId("job-state")).toHaveText("completed", { timeout: 15_000 });
  await expect(view).toContainText(`completed · Demo core via a fault proxy · by e2e · ${validRows} done, 0 failed, 2 skipped of ${totalRows} items`);
  await expect(view.getByTestId("job-retry-failed")).toHaveCount(0);
  await expect(jobRow.getByTestId("job-progress")).toHaveAttribute("aria-valuenow", String(validRows));
  await expect(view.getByTestId("job-pause")).toHaveCount(0);
  await expect(view.getByTestId("job-cancel")).toHaveCount(0);

  // The result CSV, downloaded through the UI: one row per input row.
  const downloading = page.waitForEvent("download");
  await view.getByTestId("job-result").click();
  const download = await downloading;
  expect(download.suggestedFilename()).toMatch(/^job-invites\.bulk-[^-]+-result\.csv$/);
  const downloadPath = await download.path();
  const records = parse(await readFile(downloadPath, "utf8"), { columns: true }) as ResultRow[];
  expect(records).toHaveLength(totalRows);
  expect(Object.keys(records[0]!)).toEqual(RESULT_COLUMNS);
  expect(records.map((r) => Number(r.line))).toEqual(Array.from({ length: totalRows }, (_, i) => i + 2));
  const byLine = new Map(records.map((r) => [Number(r.line), r]));
  const LINK = /^http:\/\/localhost:3000\/auth\/verify\?preAuthSessionId=[^&]+&tenantId=public#.+$/;

  expect(byLine.get(2)).toMatchObject({ email: passwordless.email, state: "done", outcome: "already existed: new link sent", userId: passwordless.user_id, delivery: "outbox", error: "" });
  expect(byLine.get(2)!.link).toMatch(LINK);
  expect(byLine.get(3)).toMatchObject({ email: emailPassword.email, state: "done", outcome: "skipped: exists without a passwordless login", userId: emailPassword.user_id, link: "", error: "" });
  expect(byLine.get(4)).toMatchObject({ email: "not-an-email", state: "skipped", outcome: "", link: "", error: expect.stringMatching(/^line 4: "not-an-email" is not an email address/) });
  // A phone is written as it is (only real formula starts get a leading apostrophe): the file imports again.
  expect(byLine.get(5)).toMatchObject({ phoneNumber: phone, roles: "support", state: "done", outcome: "invited", delivery: "outbox", error: "" });
  expect(byLine.get(5)!.link).toMatch(LINK);
  expect(byLine.get(7)).toMatchObject({ email: newEmails[0], state: "skipped", link: "", error: "line 7: duplicate of line 6 (same email and tenant)" });
  const invitedRows = records.filter((r) => r.outcome === "invited");
  expect(invitedRows).toHaveLength(NEW_EMAILS + 1);
  // One expect per check, not per row: each of Playwright's expect calls costs a few milliseconds.
  expect(invitedRows.filter((r) => r.state !== "done" || !LINK.test(r.link) || r.userId === "" || r.delivery !== "outbox" || r.error !== "")).toEqual([]);
  expect(new Set(invitedRows.map((r) => r.email).filter((e) => e !== ""))).toEqual(new Set(newEmails));
  expect(new Set(records.map((r) => r.link).filter((l) => l !== "")).size).toBe(NEW_EMAILS + 2);

  // In main: every new user exactly once, with the id the result names.
  const created = (await Promise.all(groups.map((g) => usersWithEmailPrefix(g)))).flat();
  expect(created.map((u) => u.emails[0]).sort()).toEqual([...newEmails].sort());
  const resultIdByEmail = new Map(invitedRows.map((r) => [r.email, r.userId]));
  expect(created.filter((u) => u.loginMethods.join() !== "passwordless" || u.id !== resultIdByEmail.get(u.emails[0]!))).toEqual([]);
  expect(new Set(created.map((u) => u.id)).size).toBe(NEW_EMAILS);
  const phoneUsers = (await gatehouse.client.invoke("users.list", { tenantId: "public", order: "newest", search: phone, limit: 10 })).rows;
  expect(phoneUsers).toHaveLength(1);
  expect(phoneUsers[0]).toMatchObject({ id: byLine.get(5)!.userId, phoneNumbers: [phone], roles: ["support"] });
  expect(await usersWithEmailPrefix(passwordless.email)).toHaveLength(1);
  expect(await usersWithEmailPrefix(emailPassword.email)).toHaveLength(1);

  // The outbox: one message per invited or re-linked row, with the result's link; none for the skipped user.
  const entries = await allOutbox();
  const linkByContact = new Map(records.filter((r) => r.link !== "").map((r) => [r.email || r.phoneNumber, r.link]));
  expect(entries).toHaveLength(linkByContact.size);
  expect(entries.filter((e) => e.link !== linkByContact.get(e.to) || e.channel !== (e.to === phone ? "sms" : "email") || !e.text.includes(e.link))).toEqual([]);
  expect(new Set(entries.map((e) => e.to))).toEqual(new Set(linkByContact.keys()));
  expect(entries.map((e) => e.to)).not.toContain(emailPassword.email);

  const mine = (await allInvites()).filter((i) => i.invitedBy === "e2e");
  expect(mine).toHaveLength(NEW_EMAILS + 1);
  expect(mine.every((i) => i.status === "pending" && i.delivery === "outbox")).toBe(true);

  // The Invites page lists them as pending (a page at a time: each found by its search).
  await page.getByTestId("nav-invites").click();
  const inviteRows = page.getByTestId("invite-row");
  for (const who of [phone, newEmails[0]!, newEmails[NEW_EMAILS - 1]!]) {
    await page.getByTestId("invites-search").fill(who);
    const row = inviteRows.filter({ has: page.getByRole("link", { name: who, exact: true }) });
    await expect(row.getByTestId("invite-status")).toHaveText("pending");
    await expect(row).toContainText("outbox");
  }
  await page.getByTestId("invites-search").fill(prefix);
  await expect(page.getByTestId("invites-pager-info")).toHaveText(new RegExp(`^1–50 of ${NEW_EMAILS.toLocaleString("en-US")}\\b`));
  await expect(page.getByTestId("invite-status").filter({ hasNotText: "pending" })).toHaveCount(0);
  await page.getByTestId("invites-search").fill(emailPassword.email);
  await expect(inviteRows).toHaveCount(0);
  expect(errors).toEqual([]);
});

test("a row that failed runs again from the Jobs page once its cause is fixed, and the Core then holds what the result says", async ({ page }) => {
  const errors = watchErrors(page);
  const role = `e2e-retry-${Date.now().toString(36)}`;
  const emails = ["retry.one@example.com", "retry.two@example.com"].map((e) => e.replace("@", `.${role}@`));
  await gatehouse.client.invoke("roles.create", { role, permissions: [] });
  const { job } = await gatehouse.client.invoke("jobs.dryRun", { kind: "invites.bulk", input: { csv: `email,roles\n${emails[0]},\n${emails[1]},${role}\n` } });
  expect(job.valid).toBe(2);
  // The role is deleted after the dry run: the second row cannot be finished, and fails saying what the Core holds.
  await gatehouse.client.invoke("roles.delete", { role });
  await gatehouse.client.invoke("jobs.start", { jobId: job.id });
  await expect.poll(async () => (await gatehouse.client.invoke("jobs.get", { jobId: job.id, limit: 1 })).job.state, { timeout: 15_000 }).toBe("completed");

  await page.goto(gatehouse.url);
  await page.getByTestId("nav-jobs").click();
  const jobRow = page.getByTestId("job-row").filter({ hasText: "invite 2 CSV rows" });
  await jobRow.getByRole("button", { name: "invites.bulk" }).click();
  const view = page.getByTestId("job-view");
  await expect(view).toContainText("1 done, 1 failed");
  await view.getByTestId("job-items-filter").selectOption("failed");
  const failed = view.getByTestId("job-item");
  await expect(failed).toHaveCount(1);
  await expect(failed).toContainText(`There is no role "${role}"`);
  await expect(failed).toContainText("On the Core: user");

  // The admin puts the role back, and runs the failed row again from the page.
  await gatehouse.client.invoke("roles.create", { role, permissions: [] });
  await view.getByTestId("job-retry-failed").click();
  await expect(jobRow.getByTestId("job-state")).toHaveText("completed", { timeout: 15_000 });
  await expect(view).toContainText("2 done, 0 failed");
  await expect(view.getByTestId("job-retry-failed")).toHaveCount(0);
  await view.getByTestId("job-items-filter").selectOption("all");
  await expect(view.getByTestId("job-item")).toHaveCount(2);

  // The Core: one user for the row that failed, with the role, and the link the result names.
  const users = (await gatehouse.client.invoke("users.list", { tenantId: "public", order: "newest", search: emails[1]!, limit: 10 })).rows;
  expect(users).toHaveLength(1);
  expect(users[0]?.roles).toEqual([role]);
  const { items } = await gatehouse.client.invoke("jobs.get", { jobId: job.id });
  expect(items[1]).toMatchObject({ state: "done", result: { outcome: "invited", userId: users[0]?.id }, attempts: 1 });
  const audit = await gatehouse.client.invoke("audit.list", { limit: 20 });
  expect(audit.entries.find((e) => e.operation === "jobs.retryFailed")).toMatchObject({ target: job.id, outcome: "ok" });
  expect(errors).toEqual([]);
});
