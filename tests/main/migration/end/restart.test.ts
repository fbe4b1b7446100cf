/**
 * The end of the migration across crashes, on both paths: Gatehouse runs in a process of its own
 * and is killed with SIGKILL mid-job (twice), against a slow core so that items are under way
 * (their Core calls and mails land after the journal stopped, as in a real crash); a new
 * Gatehouse on the same data folder finishes the job. Every roster user then has exactly one
 * account, complete, and got exactly one mail (real SMTP server); the Core saw one sign-up per
 * person (SDK path) or one staging of the batch (bulk import).
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startEmbeddedCore, type RunningEmbeddedCore } from "../../../../main/embedded-core/index.ts";
import type { RosterEntry } from "../../../../main/migration/roster/types.ts";
import { profileInput, startTestGatehouse, type TestGatehouse } from "../../helpers/gatehouse.ts";
import { SMTP_USER, startTestSmtp, type TestSmtp } from "../../helpers/smtp.ts";
import { forkGatehouse, type ForkedGatehouse } from "../../jobs/crash.ts";
import { jobWhere, startScriptedProxy, waitFor, type ScriptedProxy } from "../../jobs/helpers.ts";
import { arrayRoster, cdi, expectMigratedOnce, legacyUsers, resultRows } from "./support.ts";

const SCRIPT = fileURLToPath(new URL("./gatehouse-process.ts", import.meta.url));
const SMTP_PASSWORD = "restart-reset-smtp";
let core: RunningEmbeddedCore;
let proxy: ScriptedProxy;
let smtp: TestSmtp;
let forked: ForkedGatehouse | undefined;
let last: TestGatehouse | undefined;
const dirs: string[] = [];

beforeAll(async () => {
  core = await startEmbeddedCore({ bulkImportIntervalMs: 0 });
  proxy = await startScriptedProxy(core.url);
  smtp = await startTestSmtp(SMTP_PASSWORD);
});

afterEach(async () => {
  await forked?.crash();
  forked = undefined;
  await last?.close().catch(() => {});
  last = undefined;
  proxy.script = () => ({});
});

afterAll(async () => {
  await proxy?.close();
  await smtp?.close();
  await core?.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** A data folder and roster file for one run; a forked Gatehouse on them. */
function setUp(users: RosterEntry[]) {
  const dataDir = mkdtempSync(join(tmpdir(), "gatehouse-end-crash-"));
  dirs.push(dataDir);
  const rosterFile = join(dataDir, "roster.json");
  writeFileSync(rosterFile, JSON.stringify({ entries: users }));
  return {
    dataDir,
    fork: () => forkGatehouse(dataDir, {}, { script: SCRIPT, env: { ROSTER_FILE: rosterFile, BULK_POLL_MS: "40" } }),
    finish: () => startTestGatehouse({ dataDir, migrationEnd: { roster: arrayRoster(users), bulk: { pollMs: 40, maxPollMs: 160 } } }),
  };
}

async function planWithSmtp(g: ForkedGatehouse, path: "sdk" | "bulk-import"): Promise<string> {
  const profile = await g.client.invoke("profiles.create", profileInput("Slow core", [proxy.url], { timeoutMs: 10_000 }));
  await g.client.invoke("profiles.switch", { id: profile.id });
  await g.client.invoke("invites.settings.update", {
    smtp: { host: "127.0.0.1", port: smtp.port, secure: false, username: SMTP_USER, from: "Gatehouse <accounts@example.com>" },
    smtpPassword: SMTP_PASSWORD,
  });
  const plan = await g.client.invoke("migrationEnd.plan", { path, provider: "LegacyAuth" });
  if (!plan.job) throw new Error(`nothing planned: ${plan.nothing ?? ""}`);
  return plan.job.id;
}

/** Every user has one mail, and only one; every mail went to a user of the roster. */
function expectOneMailEach(users: RosterEntry[]): void {
  const emails = new Set(users.map((u) => u.email));
  const perRecipient = new Map<string, number>();
  for (const m of smtp.received) for (const to of m.to) if (emails.has(to)) perRecipient.set(to, (perRecipient.get(to) ?? 0) + 1);
  for (const u of users) expect(perRecipient.get(u.email) ?? 0, u.email).toBe(1);
}

const landed = () => waitFor("the calls of the killed process to land", () => proxy.inFlight === 0);

describe("the end of the migration across SIGKILL", () => {
  it("supertokens-node path: killed twice mid-item, resumed: one account and one mail per user", async () => {
    const users = legacyUsers("crash-sdk", 40);
    const run = setUp(users);
    forked = await run.fork();
    const jobId = await planWithSmtp(forked, "sdk");
    proxy.passed.length = 0;
    proxy.script = () => ({ delayMs: 25 });
    await forked.client.invoke("jobs.start", { jobId });
    await jobWhere(forked.client, jobId, (j) => j.done >= 6 && proxy.inFlight > 0, "a few users done, and calls on their way", 60_000);
    await forked.crash();
    await landed();

    forked = await run.fork();
    const before = (await forked.client.invoke("jobs.get", { jobId, limit: 1 })).job.done;
    await jobWhere(forked.client, jobId, (j) => j.done >= before + 6 && proxy.inFlight > 0, "more users done, and calls on their way", 60_000);
    await forked.crash();
    forked = undefined;
    await landed();

    last = await run.finish();
    const done = await jobWhere(last.client, jobId, (j) => j.state === "completed", "completion after the restart", 60_000);
    expect(done).toMatchObject({ done: 40, failed: 0, skipped: 0 });
    const { items } = await last.client.invoke("jobs.get", { jobId });
    expect(items.some((i) => i.attempts >= 2), "a crash cut an item off").toBe(true);
    const rows = resultRows((await last.client.invoke("jobs.result", { jobId })).content);
    expect(rows.every((r) => r.state === "done" && /^account (created|in place); reset link mailed$/.test(r.outcome ?? "")), JSON.stringify(rows.map((r) => r.outcome))).toBe(true);

    for (const u of users) await expectMigratedOnce(core.url, u, "LegacyAuth");
    const signUps = proxy.passed.filter((r) => r.method === "POST" && r.path.endsWith("/recipe/signup")).length;
    expect(signUps, "one sign-up per user: a repeat adopts the account it made").toBe(40);
    expectOneMailEach(users);
  });

  it("bulk-import path: killed while the Core holds the staged users, and again while the links go out: staged once, one mail per user", async () => {
    const users = legacyUsers("crash-bulk", 40);
    const run = setUp(users);
    forked = await run.fork();
    const jobId = await planWithSmtp(forked, "bulk-import");
    proxy.passed.length = 0;
    await forked.client.invoke("jobs.start", { jobId });
    await waitFor("the users staged", async () => ((await forked?.client.invoke("migrationEnd.status", { jobId }))?.bulk?.staged === 40 ? true : undefined));
    await forked.crash();
    await landed();

    // The Core's background task imports them while no Gatehouse runs.
    expect(await core.runBulkImport()).toMatchObject({ waiting: 40, imported: 40 });
    proxy.script = (r) => (r.path.endsWith("/recipe/user/password/reset/token") ? { delayMs: 40 } : {});
    forked = await run.fork();
    await jobWhere(forked.client, jobId, (j) => j.done >= 6 && proxy.inFlight > 0, "a few links out, and more on their way", 60_000);
    await forked.crash();
    forked = undefined;
    await landed();

    last = await run.finish();
    const done = await jobWhere(last.client, jobId, (j) => j.state === "completed", "completion after the restart", 60_000);
    expect(done).toMatchObject({ done: 40, failed: 0, skipped: 0 });
    for (const u of users) await expectMigratedOnce(core.url, u, "LegacyAuth");
    const stagings = proxy.passed.filter((r) => r.method === "POST" && r.path === "/bulk-import/users");
    expect(stagings, "staged once: a repeat finds its users on the Core").toHaveLength(1);
    expect((await cdi<{ count: number }>(core.url, "GET", "/bulk-import/users/count")).count).toBe(0);
    expectOneMailEach(users);
    const status = await last.client.invoke("migrationEnd.status", { jobId });
    expect(status).toMatchObject({ phase: "finished", links: { sent: 40, outbox: 0 } });
  });
});
