/**
 * Password-reset links for users on a temporary password, through the dispatcher against the
 * embedded core's demo data (legacy users mid-reset) and a real SMTP server: support sends one
 * (by mail, with the profile's template; audited without the link; the Core takes the link),
 * anybody not on a temporary password gets none (with why), an auditor never sees a link, and
 * admins send to all of them as a job that looks again before each mail.
 */
import supertokens from "supertokens-node";
import UserMetadata from "supertokens-node/recipe/usermetadata";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { demoLegacyMigrations } from "../../../../main/embedded-core/demo/legacy-roster.ts";
import { directCore, expectFailure, plainDemoUsers, profileInput, startTestGatehouse, type TestGatehouse } from "../../helpers/gatehouse.ts";
import { SMTP_USER, startTestSmtp, type ReceivedMail, type TestSmtp } from "../../helpers/smtp.ts";
import { jobWhere } from "../../jobs/helpers.ts";
import { resetTokenWorks, resultRows } from "../end/support.ts";

const SMTP_PASSWORD = "reset-smtp-Pa55";
let t: TestGatehouse;
let smtp: TestSmtp;
let adminProfile = "";
const midReset = demoLegacyMigrations(40).filter((m) => m.state === "mid-reset").map((m) => m.user);

const resetLinkIn = (mail: ReceivedMail | undefined): string => {
  const match = /https?:\/\/\S+\/reset-password\?token=\S+/.exec(mail?.decoded ?? "");
  if (!match) throw new Error(`no reset link in the mail:\n${mail?.decoded ?? "(none)"}`);
  return match[0];
};

/** Users of the Core whose metadata has the flag (read with plain supertokens-node, not Gatehouse). */
async function flaggedOnCore(): Promise<string[]> {
  const core = directCore(t.coreUrl);
  const out: string[] = [];
  let token: string | undefined;
  do {
    const page = await core.sdk(() => supertokens.getUsersOldestFirst({ tenantId: "public", limit: 500, ...(token ? { paginationToken: token } : {}) }));
    for (const u of page.users) {
      const { metadata } = await core.sdk(() => UserMetadata.getUserMetadata(u.id));
      if (metadata.isUsingTemporaryPassword === true) out.push(u.id);
    }
    token = page.nextPaginationToken;
  } while (token);
  return out.sort();
}

beforeAll(async () => {
  smtp = await startTestSmtp(SMTP_PASSWORD);
  t = await startTestGatehouse();
  adminProfile = (await t.client.invoke("session.whoami", {})).profile?.id ?? "";
  await t.client.invoke("invites.settings.update", {
    smtp: { host: "127.0.0.1", port: smtp.port, secure: false, username: SMTP_USER, from: "Gatehouse <accounts@example.com>" },
    smtpPassword: SMTP_PASSWORD,
  });
});

afterAll(async () => {
  await t?.close();
  await smtp?.close();
});

describe("reset links", () => {
  it("the demo data has users mid-reset, with the flag on the Core", async () => {
    expect(midReset.length).toBeGreaterThanOrEqual(3);
    expect(await flaggedOnCore()).toEqual(expect.arrayContaining(midReset.slice(0, 3).map((u) => u.id)));
  });

  it("support sends one: mailed with the profile's template, audited without the link, and the Core takes the link", async () => {
    // The support desk's profile is set up by an admin (SMTP, its own reset template), then handed to support.
    const support = await t.client.invoke("profiles.create", profileInput("Support desk", [t.coreUrl]));
    await t.client.invoke("profiles.switch", { id: support.id });
    await t.client.invoke("invites.settings.update", {
      smtp: { host: "127.0.0.1", port: smtp.port, secure: false, username: SMTP_USER, from: "Gatehouse <accounts@example.com>" },
      smtpPassword: SMTP_PASSWORD,
    });
    await t.client.invoke("resetLinks.settings.update", { template: { subject: "New sign-in for {{email}}", text: "Hi,\nset your password here: {{link}}\n(valid {{expiresInMinutes}} min)" } });
    await t.client.invoke("profiles.update", { id: support.id, role: "support" });
    const user = midReset[0];
    if (!user) throw new Error("no user mid-reset");
    const sent = await t.client.invoke("resetLinks.send", { userId: user.id });
    expect(sent).toMatchObject({ userId: user.id, email: user.email, tenantId: "public", delivery: "sent", link: expect.stringMatching(/^http:\/\/localhost:3000\/auth\/reset-password\?token=[^&]+&tenantId=public$/) });
    expect(sent.expiresAt - Date.now()).toBeGreaterThan(59 * 60_000);
    const mail = smtp.received.at(-1);
    expect(mail?.to).toEqual([user.email]);
    expect(mail?.decoded).toContain(`Subject: New sign-in for ${user.email}`);
    expect(mail?.decoded).toContain("(valid 60 min)");
    expect(resetLinkIn(mail)).toBe(sent.link);

    const [entry] = (await t.client.invoke("audit.list", { limit: 1 })).entries;
    expect(entry).toMatchObject({ operation: "resetLinks.send", role: "support", target: user.id, outcome: "ok" });
    expect(JSON.stringify(entry)).not.toContain("token=");
    expect(await resetTokenWorks(t.coreUrl, sent.link ?? "", user.email)).toBe(true);
    await t.client.invoke("profiles.switch", { id: adminProfile });
  });

  it("refuses, with why, anybody not on a temporary password", async () => {
    const [plain] = await plainDemoUsers(t.client, 1);
    const notFlagged = await expectFailure(t.invoke("resetLinks.send", { userId: plain?.id }), "CONFLICT");
    expect(notFlagged.message).toMatch(/is not on a temporary password/);
    const unknown = await expectFailure(t.invoke("resetLinks.send", { userId: "nobody-here" }), "NOT_FOUND");
    expect(unknown.message).toMatch(/there is no user nobody-here/);
  });

  it("never shows an auditor a reset link: not in the outbox, the job's items or its result file", async () => {
    // A profile of its own (its settings have no SMTP: the links go to its outbox), admin while the links are made.
    const desk = await t.client.invoke("profiles.create", profileInput("Audited desk", [t.coreUrl]));
    await t.client.invoke("profiles.switch", { id: desk.id });
    const [one, two] = [midReset[1], midReset[2]];
    if (!one || !two) throw new Error("not enough users mid-reset");
    const queued = await t.client.invoke("resetLinks.send", { userId: one.id });
    expect(queued).toMatchObject({ delivery: "outbox", messageId: expect.stringMatching(/^outbox:\d+$/) });
    const { job } = await t.client.invoke("jobs.dryRun", { kind: "migration.resetLinks", input: { userIds: [two.id] } });
    await t.client.invoke("jobs.start", { jobId: job.id });
    await jobWhere(t.client, job.id, (j) => j.state === "completed", "the one-user job", 30_000);
    const outbox = (await t.client.invoke("invites.outbox.list", {})).entries;
    expect(outbox.map((e) => [e.to, e.link?.includes("/reset-password?token=")])).toEqual(expect.arrayContaining([[one.email, true], [two.email, true]]));

    await t.client.invoke("profiles.update", { id: desk.id, role: "auditor" });
    expect((await t.client.invoke("session.whoami", {})).role).toBe("auditor");
    const hidden = (await t.client.invoke("invites.outbox.list", {})).entries;
    expect(hidden.length).toBe(outbox.length);
    expect(hidden.every((e) => e.link === null && !e.text.includes("token=") && e.text.includes("[sign-in link hidden]"))).toBe(true);
    const items = (await t.client.invoke("jobs.get", { jobId: job.id })).items;
    expect(items[0]?.result).toMatchObject({ outcome: "reset link in the outbox", link: null });
    expect((await t.client.invoke("jobs.result", { jobId: job.id })).content).not.toContain("token=");
    const forbidden = await expectFailure(t.invoke("resetLinks.send", { userId: one.id }), "FORBIDDEN");
    expect(forbidden.message).toContain("The auditor role cannot");
    await t.client.invoke("profiles.switch", { id: adminProfile });
  });

  it("admins send to all of them as a job, which skips whoever set a password meanwhile", async () => {
    const flagged = await flaggedOnCore();
    const { job, items } = await t.client.invoke("jobs.dryRun", { kind: "migration.resetLinks", input: {} });
    expect(items.map((i) => i.input.userId).sort()).toEqual(flagged);
    expect(items.every((i) => i.plan?.startsWith("send a reset link to "))).toBe(true);
    // One of them finishes a reset before the job runs: the flag goes.
    const done = flagged[0] ?? "";
    await directCore(t.coreUrl).sdk(() => UserMetadata.updateUserMetadata(done, { isUsingTemporaryPassword: null }));
    const before = smtp.received.length;
    await t.client.invoke("jobs.start", { jobId: job.id });
    const finished = await jobWhere(t.client, job.id, (j) => j.state === "completed", "the reset-links job", 30_000);
    expect(finished).toMatchObject({ done: flagged.length, failed: 0 });
    const mails = smtp.received.slice(before);
    expect(mails).toHaveLength(flagged.length - 1);
    const rows = resultRows((await t.client.invoke("jobs.result", { jobId: job.id })).content);
    expect(rows.find((r) => r.userId === done)?.outcome).toMatch(/^skipped: user .* is not on a temporary password/);
    const mailed = rows.filter((r) => r.outcome === "reset link mailed");
    expect(mailed).toHaveLength(flagged.length - 1);
    for (const r of mailed) expect(mails.filter((m) => m.to[0] === r.email && resetLinkIn(m) === r.link)).toHaveLength(1);
  });
});
