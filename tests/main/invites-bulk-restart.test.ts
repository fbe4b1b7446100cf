/**
 * A bulk invite job across crashes: Gatehouse runs in a process of its own and is killed with
 * SIGKILL, twice, while items are under way against a slow core (their sign-ups and mails land after the
 * journal stopped, as in a real crash), and a new Gatehouse on the same data folder finishes the
 * job. The Core then holds exactly one user per row, with the invite record, the result file names
 * that user and a link the Core takes, and nobody got more than one extra mail per item cut off.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import supertokens from "supertokens-node";
import Passwordless from "supertokens-node/recipe/passwordless";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmbeddedCore, type RunningEmbeddedCore } from "../../main/embedded-core/index.ts";
import { directCore, profileInput, startTestGatehouse, type TestGatehouse } from "./helpers/gatehouse.ts";
import { SMTP_USER, startTestSmtp, type TestSmtp } from "./helpers/smtp.ts";
import { expectInvitedOnce } from "./jobs/core-truth.ts";
import { forkGatehouse, type ForkedGatehouse } from "./jobs/crash.ts";
import { jobWhere, startScriptedProxy, waitFor, type ScriptedProxy } from "./jobs/helpers.ts";

let core: RunningEmbeddedCore;
let proxy: ScriptedProxy;
let smtp: TestSmtp;
let dataDir: string;
let first: ForkedGatehouse | undefined;
let second: TestGatehouse | undefined;
const SMTP_PASSWORD = "restart-smtp";

beforeAll(async () => {
  core = await startEmbeddedCore({ demo: true });
  proxy = await startScriptedProxy(core.url);
  smtp = await startTestSmtp(SMTP_PASSWORD);
  dataDir = mkdtempSync(join(tmpdir(), "gatehouse-bulk-invite-crash-"));
});

afterAll(async () => {
  await first?.crash();
  await second?.close().catch(() => {});
  await proxy?.close();
  await smtp?.close();
  await core?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const isSignUp = (path: string) => path.endsWith("/recipe/signinup/code") || path.endsWith("/recipe/signinup/code/consume");

describe("invites.bulk across a restart", () => {
  it("Passwordless.signInUp is idempotent for the same email: the second call finds the same user", async () => {
    const c = directCore(core.url);
    const a = await c.sdk(() => Passwordless.signInUp({ tenantId: "public", email: "twice@example.com" }));
    const b = await c.sdk(() => Passwordless.signInUp({ tenantId: "public", email: "twice@example.com" }));
    expect(a.createdNewRecipeUser).toBe(true);
    expect(b.createdNewRecipeUser).toBe(false);
    expect(b.user.id).toBe(a.user.id);
    expect((await c.sdk(() => supertokens.listUsersByAccountInfo("public", { email: "twice@example.com" }))).length).toBe(1);
  });

  it("finishes after Gatehouse was killed mid-item, twice: one user per row, a true result file, at most one extra mail per item cut off", async () => {
    first = await forkGatehouse(dataDir);
    const profile = await first.client.invoke("profiles.create", profileInput("Slow core", [proxy.url], { timeoutMs: 5000 }));
    await first.client.invoke("profiles.switch", { id: profile.id });
    await first.client.invoke("invites.settings.update", {
      smtp: { host: "127.0.0.1", port: smtp.port, secure: false, username: SMTP_USER, from: "Gatehouse <invites@example.com>" },
      smtpPassword: SMTP_PASSWORD,
    });
    const emails = Array.from({ length: 40 }, (_, i) => `restart.${i}@example.com`);
    const { job } = await first.client.invoke("jobs.dryRun", { kind: "invites.bulk", input: { csv: `email,roles\n${emails.map((e) => `${e},support`).join("\n")}\n` } });
    expect(job.valid).toBe(40);
    proxy.passed.length = 0;
    proxy.script = () => ({ delayMs: 40 });
    await first.client.invoke("jobs.start", { jobId: job.id });
    await jobWhere(first.client, job.id, (j) => j.done >= 6 && proxy.inFlight > 0, "a few items done, and calls on their way", 30_000);
    await first.crash();
    // The calls the killed process had sent go on to the core: let them land.
    await waitFor("the calls of the killed process to land", () => proxy.inFlight === 0);

    // Killed twice: the next Gatehouse takes the job up, and dies mid-item too.
    first = await forkGatehouse(dataDir);
    const before = (await first.client.invoke("jobs.get", { jobId: job.id, limit: 1 })).job.done;
    await jobWhere(first.client, job.id, (j) => j.done >= before + 6 && proxy.inFlight > 0, "more items done, and calls on their way", 30_000);
    await first.crash();
    first = undefined;
    await waitFor("the calls of the killed process to land", () => proxy.inFlight === 0);
    const mailsBefore = smtp.received.length;

    second = await startTestGatehouse({ dataDir });
    const done = await jobWhere(second.client, job.id, (j) => j.state === "completed", "completion after the restart", 30_000);
    expect(done).toMatchObject({ done: 40, failed: 0, skipped: 0, total: 40 });
    const { items } = await second.client.invoke("jobs.get", { jobId: job.id });
    const redone = items.filter((i) => i.attempts >= 2);
    expect(redone.length).toBeGreaterThan(0);
    // Each item cut off by a crash was taken up once more (twice, if it was cut off both times).
    const repeats = items.reduce((sum, i) => sum + i.attempts - 1, 0);
    // Every person invited by this job, even those whose sign-up landed before the restart.
    expect(items.every((i) => i.result?.outcome === "invited"), JSON.stringify(items.map((i) => i.result?.outcome))).toBe(true);

    // On the Core (raw CDI): one user per email, with the invite record; the result file true to it.
    await expectInvitedOnce(core.url, emails, (await second.client.invoke("jobs.result", { jobId: job.id })).content);
    // Sign-ups reached the core once per person, except those cut off (a repeat is a sign-in).
    const signUps = proxy.passed.filter((r) => r.path.endsWith("/recipe/signinup/code/consume")).length;
    expect(signUps).toBeGreaterThanOrEqual(40);
    expect(signUps).toBeLessThanOrEqual(40 + repeats);
    expect(proxy.passed.some((r) => isSignUp(r.path))).toBe(true);

    // Every person got a mail; only an item cut off between its mail and its journal entry mails twice.
    const perRecipient = new Map<string, number>();
    for (const m of smtp.received) for (const to of m.to) perRecipient.set(to, (perRecipient.get(to) ?? 0) + 1);
    for (const email of emails) expect(perRecipient.get(email) ?? 0, email).toBeGreaterThanOrEqual(1);
    const extra = [...perRecipient.values()].reduce((a, n) => a + n - 1, 0);
    expect(extra).toBeLessThanOrEqual(repeats);
    expect(smtp.received.length).toBeLessThanOrEqual(40 + repeats);
    expect(smtp.received.length).toBeGreaterThan(mailsBefore);
  });
});
