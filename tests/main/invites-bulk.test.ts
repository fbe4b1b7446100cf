/**
 * Bulk invites from CSV ("invites.bulk" job kind): the CSV reader's edge cases, the dry run's
 * per-row report against the embedded core, a run of ~50 rows through a real SMTP server whose
 * result CSV carries the links and the errors, retries over dropped connections, and who may
 * start it.
 */
import supertokens from "supertokens-node";
import UserMetadata from "supertokens-node/recipe/usermetadata";
import UserRoles from "supertokens-node/recipe/userroles";
import Passwordless from "supertokens-node/recipe/passwordless";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { readInviteCsv } from "../../main/jobs/kinds/invites-csv.ts";
import { DEFAULT_SMS_INVITE_TEMPLATE } from "../../main/mail/template.ts";
import { GatehouseError } from "../../shared/contract/errors.ts";
import { parseCsv } from "./helpers/csv.ts";
import { startTcpFaultProxy, type TcpFaultProxy } from "./helpers/faults.ts";
import { directCore, expectFailure, profileInput, startTestGatehouse, type TestGatehouse } from "./helpers/gatehouse.ts";
import { SMTP_USER, linkParts, startTestSmtp, type TestSmtp } from "./helpers/smtp.ts";
import { jobWhere } from "./jobs/helpers.ts";

const OPTS = { defaultTenant: "public", defaultRegion: "US" };

function fileError(csv: string): string {
  try {
    readInviteCsv(csv, OPTS);
  } catch (err) {
    if (err instanceof GatehouseError) return err.message;
    throw err;
  }
  throw new Error("expected a file error");
}

describe("bulk invite CSV", () => {
  it("reads a BOM, commas, quoted fields with delimiters and line breaks, and keeps line numbers", () => {
    const rows = readInviteCsv('\uFEFFEmail,Tenant,Roles\r\n"Ann@Example.com",public,"admin;support"\r\n\r\n"b@example.com","acme","sup""port"\r\n"c@example.com",,"admin|\nsupport"\r\n', OPTS);
    expect(rows.map((r) => [r.line, r.email, r.tenantId, r.roles])).toEqual([
      [2, "ann@example.com", "public", ["admin", "support"]],
      [4, "b@example.com", "acme", ['sup"port']],
      [5, "c@example.com", "public", ["admin", "support"]],
    ]);
    expect(rows.every((r) => r.errors.length === 0)).toBe(true);
  });

  it('sniffs ";" and tab delimiters (roles then split on "|")', () => {
    expect(readInviteCsv("phone;tenant;roles\n+1 415 555 2671;public;admin|support\n", OPTS)[0]).toMatchObject({ phoneNumber: "+14155552671", roles: ["admin", "support"], errors: [] });
    expect(readInviteCsv("email\ttenant\nx@example.com\tacme\n", OPTS)[0]).toMatchObject({ email: "x@example.com", tenantId: "acme", errors: [] });
    // A national number takes the default region.
    expect(readInviteCsv("phone\n(415) 555-2671\n", OPTS)[0]?.phoneNumber).toBe("+14155552671");
  });

  it("flags per row: both or neither contact, bad email, bad phone, bad tenant id, an unclosed quote", () => {
    const rows = readInviteCsv('email,phone,tenant\na@example.com,+14155552671,\n,,acme\nnot-an-email,,\n,12345,\n,+999 1,\nb@example.com,,no tenant!\n"c@example.com,,\n', OPTS);
    const errors = rows.map((r) => [r.line, r.errors.join("; ")]);
    expect(errors[0]).toEqual([2, expect.stringContaining("both an email and a phone")]);
    expect(errors[1]).toEqual([3, expect.stringContaining("has no email or phone number")]);
    expect(errors[2]).toEqual([4, expect.stringContaining('"not-an-email" is not an email address')]);
    expect(errors[3]).toEqual([5, expect.stringContaining('"12345" is not a valid phone number for the default region US')]);
    expect(errors[4]).toEqual([6, expect.stringContaining('"+999 1" is not a valid phone number')]);
    expect(errors[5]).toEqual([7, expect.stringContaining('"no tenant!" is not a tenant id')]);
    expect(errors[6]).toEqual([8, expect.stringContaining("never closed")]);
  });

  it("refuses whole files: empty, header only, missing header, no contact column, a wrong delimiter", () => {
    expect(fileError("")).toMatch(/^input\.csv: the file is empty\. Expected a header row with an "email" or "phone" column/);
    expect(fileError("\uFEFF\r\n \r\n")).toMatch(/the file is empty/);
    expect(fileError("email,tenant\n")).toMatch(/a header row but no rows/);
    expect(fileError("ann@example.com,public\nbob@example.com,public\n")).toMatch(/line 1 \("ann@example\.com", "public"\) looks like data, not a header: the header row is missing/);
    expect(fileError("name,tenant\nAnn,public\n")).toMatch(/line 1 has no "email" or "phone" column among "name", "tenant" \(read as comma-separated\)/);
    expect(fileError("email|tenant|roles\na@example.com|public|admin\n")).toMatch(/line 1 is one single column "email\|tenant\|roles": its columns seem to be separated by "\|"\. Expected .*separated by commas, semicolons or tabs/);
  });

  it("refuses a file over 50 MB with a clear message, before parsing it", () => {
    const row = "someone.with.a.long.name@example.com,public,admin\n";
    const big = `email,tenant,roles\n${row.repeat(Math.ceil((50 * 1024 * 1024) / row.length) + 10)}`;
    // How fast (it measures the file, it does not parse it) is a goal of `npm run bench` (bench/jobs/faults.ts).
    expect(fileError(big)).toMatch(/^input\.csv: The file is 50(\.\d)? MB; the limit is 50 MB\. Split it into smaller files\.$/);
  });
});

let t: TestGatehouse;
let smtp: TestSmtp;
const SMTP_PASSWORD = "bulk-smtp-secret";
const core = () => directCore(t.coreUrl);

beforeAll(async () => {
  t = await startTestGatehouse({ jobs: { retry: { baseMs: 40, capMs: 200, maxAttempts: 8 }, probe: { baseMs: 50, capMs: 200 } } });
  demoId = (await t.client.invoke("session.whoami", {})).profile?.id ?? "";
  smtp = await startTestSmtp(SMTP_PASSWORD);
  await t.client.invoke("invites.settings.update", {
    appUrl: "http://localhost:3000",
    defaultRegion: "US",
    smtp: { host: "127.0.0.1", port: smtp.port, secure: false, username: SMTP_USER, from: "Gatehouse <invites@example.com>" },
    smtpPassword: SMTP_PASSWORD,
  });
});

// Each test starts on the Local demo profile, whichever profile the one before ended on.
let demoId: string;
afterEach(async () => {
  await t.client.invoke("profiles.switch", { id: demoId });
});

afterAll(async () => {
  await t?.close();
  await smtp?.close();
});

const usersWith = async (tenantId: string, email: string) => (await core().sdk(() => supertokens.listUsersByAccountInfo(tenantId, { email }))).length;

describe("invites.bulk", () => {
  it("dry run reports every row; the job invites the valid ones and the result CSV has the links and the errors", async () => {
    // Someone who already has a passwordless login (gets a new link), and a demo email-password user (skipped).
    const existing = await core().sdk(() => Passwordless.signInUp({ tenantId: "public", email: "already.there@example.com" }));
    const lines = ["email,phone,tenant,roles"];
    const valid: { email: string; tenantId: string }[] = [];
    for (let i = 0; i < 36; i++) {
      const email = `bulk.${i}@example.com`;
      valid.push({ email, tenantId: i % 3 === 0 ? "acme" : "public" });
      lines.push(`${i % 2 ? email.toUpperCase() : email},,${i % 3 === 0 ? "acme" : ""},${i % 4 === 0 ? "support|auditor" : ""}`);
    }
    lines.push(",+1 415 555 0101,,", ",(415) 555-0102,acme,support");
    lines.push("already.there@example.com,,,", "ada.lovelace@example.com,,,");
    const bad = [
      "not-an-email,,,", // 42
      ",555,,", // 43
      "x@example.com,+14155550103,,", // 44
      ",,acme,", // 45
      "y@example.com,,nowhere,", // 46
      "z@example.com,,,wizard", // 47
      "bulk.1@example.com,,,", // 48: duplicate of line 3
      "BULK.2@example.com,,public,", // 49: duplicate of line 4
      "bulk.2@example.com,,acme,", // 50: same email, other tenant: not a duplicate
    ];
    lines.push(...bad);
    const csv = lines.join("\r\n") + "\r\n";

    const { job, items } = await t.client.invoke("jobs.dryRun", { kind: "invites.bulk", input: { csv } });
    expect(job).toMatchObject({ state: "draft", total: 49, valid: 41 });
    expect(job.inputSummary).toBe("invite 49 CSV rows: 39 new, 1 new link, 1 skipped, 8 with errors");
    const byLine = new Map(items.map((i) => [i.input.line as number, i]));
    expect(byLine.get(2)).toMatchObject({ plan: "invite new user with support, auditor", state: "pending" });
    expect(byLine.get(3)?.input).toMatchObject({ email: "bulk.1@example.com", tenantId: "public" });
    expect(byLine.get(38)?.input).toMatchObject({ phoneNumber: "+14155550101" });
    expect(byLine.get(40)?.plan).toBe(`already exists: send a new link (user ${existing.user.id})`);
    expect(byLine.get(41)?.plan).toMatch(/^skip: already exists \(user .+, emailpassword\) without a passwordless login$/);
    const errorOf = (line: number) => byLine.get(line)?.error ?? "";
    expect(errorOf(42)).toBe('line 42: "not-an-email" is not an email address: it has no @.');
    expect(errorOf(43)).toMatch(/^line 43: "555" is not a valid phone number for the default region US/);
    expect(errorOf(44)).toMatch(/both an email and a phone number/);
    expect(errorOf(45)).toMatch(/has no email or phone number/);
    expect(errorOf(46)).toMatch(/^line 46: unknown tenant "nowhere" \(the Core has "acme", "public"\)$/);
    expect(errorOf(47)).toBe('line 47: unknown role "wizard" (create it under Roles first)');
    expect(errorOf(48)).toBe("line 48: duplicate of line 3 (same email and tenant)");
    expect(errorOf(49)).toBe("line 49: duplicate of line 4 (same email and tenant)");
    expect(byLine.get(50)).toMatchObject({ error: null, plan: "invite new user" });

    const mailsBefore = smtp.received.length;
    const outboxBefore = new Set((await t.client.invoke("invites.outbox.list", { includeHandled: true, limit: 500 })).entries.map((e) => e.id));
    await t.client.invoke("jobs.start", { jobId: job.id });
    const done = await jobWhere(t.client, job.id, (j) => j.state === "completed", "completion", 60_000);
    expect(done).toMatchObject({ done: 41, failed: 0, skipped: 8 });

    // One user per contact and tenant, with the invite record and the roles.
    for (const v of valid) expect(await usersWith(v.tenantId, v.email), v.email).toBe(1);
    const [first] = await core().sdk(() => supertokens.listUsersByAccountInfo("acme", { email: "bulk.0@example.com" }));
    if (!first) throw new Error("bulk.0 was not created in acme");
    expect((await core().sdk(() => UserRoles.getRolesForUser("acme", first.id))).roles.sort()).toEqual(["auditor", "support"]);
    expect((await core().sdk(() => UserMetadata.getUserMetadata(first.id))).metadata.gatehouseInvite).toMatchObject({ invitedBy: "tester" });
    expect(await usersWith("public", "already.there@example.com")).toBe(1);

    // Mail for every email row that was invited or re-linked (38), phones to the outbox (2).
    const mails = smtp.received.slice(mailsBefore);
    expect(mails.length).toBe(38);
    expect(new Set(mails.map((m) => m.to[0])).size).toBe(37); // bulk.2 is invited into two tenants
    const outbox = (await t.client.invoke("invites.outbox.list", { includeHandled: false, limit: 500 })).entries.filter((e) => !outboxBefore.has(e.id));
    expect(outbox.filter((e) => e.channel === "sms").map((e) => e.to).sort()).toEqual(["+14155550101", "+14155550102"]);
    // Phones get the SMS template's text (the default here), emails the email template's.
    for (const sms of outbox.filter((e) => e.channel === "sms")) {
      expect(sms.subject).toBe("SMS invite");
      expect(sms.text).toBe(DEFAULT_SMS_INVITE_TEMPLATE.replace("{{appUrl}}", "http://localhost:3000").replace("{{expiresInMinutes}}", "15").replace("{{link}}", sms.link ?? ""));
    }
    expect(mails.every((m) => m.decoded.includes("You have been invited. Open this link to sign in for the first time:"))).toBe(true);

    const result = await t.client.invoke("jobs.result", { jobId: job.id });
    const rows = parseCsv(result.content);
    expect(rows[0]).toEqual(["index", "line", "email", "phoneNumber", "tenantId", "roles", "state", "outcome", "userId", "link", "expiresAt", "delivery", "deliveryError", "error"]);
    expect(rows.length).toBe(50);
    const row = (line: number) => rows.find((r) => r[1] === String(line)) ?? [];
    expect(row(2).slice(2, 12)).toEqual(["bulk.0@example.com", "", "acme", "support;auditor", "done", "invited", first.id, expect.stringMatching(/^http:\/\/localhost:3000\/auth\/verify\?preAuthSessionId=.+&tenantId=acme#.+$/), expect.stringMatching(/^\d{4}-\d\d-\d\dT/), "sent"]);
    expect(row(40).slice(6, 9)).toEqual(["done", "already existed: new link sent", existing.user.id]);
    expect(row(41).slice(6, 8)).toEqual(["done", "skipped: exists without a passwordless login"]);
    expect(row(39)[11]).toBe("outbox");
    expect(row(47)[6]).toBe("skipped");
    expect(row(47)[13]).toBe('line 47: unknown role "wizard" (create it under Roles first)');

    // The mailed link is the one in the result file, and it signs the person in as the invited user.
    const mail = mails.find((m) => m.to[0] === "bulk.0@example.com");
    expect(mail?.decoded).toContain(row(2)[9]);
    const parts = linkParts(row(2)[9] ?? "");
    const consumed = await core().sdk(() => Passwordless.consumeCode({ ...parts, tenantId: "acme" }));
    expect(consumed.status === "OK" && consumed.user.id).toBe(first.id);

    // The invites list shows them.
    const invites = (await t.client.invoke("invites.list", { tenantId: "acme" })).invites;
    expect(invites.find((i) => i.userId === first.id)).toMatchObject({ email: "bulk.0@example.com", delivery: "sent" });
  });

  it("texts phone rows with the profile's edited SMS template", async () => {
    await t.client.invoke("invites.settings.update", { smsTemplate: "Hi {{phoneNumber}}, join {{appUrl}}: {{link}} ({{expiresInMinutes}} min)" });
    try {
      const { job } = await t.client.invoke("jobs.dryRun", { kind: "invites.bulk", input: { csv: "phone\n+1 415 555 0177\n" } });
      await t.client.invoke("jobs.start", { jobId: job.id });
      await jobWhere(t.client, job.id, (j) => j.state === "completed", "completion", 30_000);
      const entry = (await t.client.invoke("invites.outbox.list", {})).entries.find((e) => e.to === "+14155550177");
      expect(entry).toMatchObject({ channel: "sms", subject: "SMS invite" });
      expect(entry?.text).toBe(`Hi +14155550177, join http://localhost:3000: ${entry?.link} (15 min)`);
    } finally {
      await t.client.invoke("invites.settings.update", { smsTemplate: DEFAULT_SMS_INVITE_TEMPLATE });
    }
  });

  it("says each count in the right number: one row, one new link, one error", async () => {
    await core().sdk(() => Passwordless.signInUp({ tenantId: "public", email: "one.link@example.com" }));
    const one = await t.client.invoke("jobs.dryRun", { kind: "invites.bulk", input: { csv: "email\none.link@example.com\n", dryRunOnly: true } });
    expect(one.job.inputSummary).toBe("invite 1 CSV row: 0 new, 1 new link, 0 skipped, 0 with errors");
    const bad = await t.client.invoke("jobs.dryRun", { kind: "invites.bulk", input: { csv: "email\nnot-an-email\nsomeone.new@example.com\n", dryRunOnly: true } });
    expect(bad.job.inputSummary).toBe("invite 2 CSV rows: 1 new, 0 new links, 0 skipped, 1 with an error");
  });

  it("writes phones plainly in the result CSV, so the file can be fed back to a dry run as it is", async () => {
    const { job } = await t.client.invoke("jobs.dryRun", { kind: "invites.bulk", input: { csv: "phone,roles\n+1 415 555 0178,support\n(415) 555-0179,\n" } });
    await t.client.invoke("jobs.start", { jobId: job.id });
    await jobWhere(t.client, job.id, (j) => j.state === "completed", "completion", 30_000);
    const result = await t.client.invoke("jobs.result", { jobId: job.id });
    const rows = parseCsv(result.content);
    expect(rows.slice(1).map((r) => r[3])).toEqual(["+14155550178", "+14155550179"]);
    const userIds = rows.slice(1).map((r) => r[8]);

    const again = await t.client.invoke("jobs.dryRun", { kind: "invites.bulk", input: { csv: result.content, dryRunOnly: true } });
    expect(again.items.map((i) => [i.input.phoneNumber, i.input.roles, i.error, i.plan])).toEqual([
      ["+14155550178", "support", null, `already exists: send a new link (user ${userIds[0]}; roles not changed)`],
      ["+14155550179", "", null, `already exists: send a new link (user ${userIds[1]})`],
    ]);
  });

  it("a dry run only is kept but cannot be started; a file with no valid row cannot be started", async () => {
    const { job } = await t.client.invoke("jobs.dryRun", { kind: "invites.bulk", input: { csv: "email\nonly.plan@example.com\n", dryRunOnly: true } });
    expect(job).toMatchObject({ state: "cancelled", valid: 1 });
    await expectFailure(t.invoke("jobs.start", { jobId: job.id }), "CONFLICT");
    const none = await t.client.invoke("jobs.dryRun", { kind: "invites.bulk", input: { csv: "email\nbad\n" } });
    await expectFailure(t.invoke("jobs.start", { jobId: none.job.id }), "VALIDATION");
    const refused = await expectFailure(t.invoke("jobs.dryRun", { kind: "invites.bulk", input: { csv: "name\nx\n" } }), "VALIDATION");
    expect(refused.message).toMatch(/no "email" or "phone" column/);
  });

  it("waits for the Core while it drops every connection, spending no attempt, and invites each person once when it is back", async () => {
    const tcp: TcpFaultProxy = await startTcpFaultProxy(t.coreUrl);
    const profile = await t.client.invoke("profiles.create", profileInput("Dropping", [tcp.url], { timeoutMs: 2000 }));
    try {
      await t.client.invoke("profiles.switch", { id: profile.id });
      const emails = Array.from({ length: 8 }, (_, i) => `drop.${i}@example.com`);
      const { job } = await t.client.invoke("jobs.dryRun", { kind: "invites.bulk", input: { csv: `email\n${emails.join("\n")}\n` } });
      tcp.setMode({ kind: "drop" });
      await t.client.invoke("jobs.start", { jobId: job.id });
      const waiting = await jobWhere(t.client, job.id, (j) => j.state === "waiting" && j.running === 0, "the job to wait for the Core");
      expect(waiting).toMatchObject({ done: 0, failed: 0, pending: 8 });
      expect(waiting.error).toMatch(/^CORE_UNREACHABLE: /);
      expect((await t.client.invoke("jobs.get", { jobId: job.id })).items.every((i) => i.attempts === 0)).toBe(true);
      tcp.setMode({ kind: "pass" });
      expect(await jobWhere(t.client, job.id, (j) => j.state === "completed", "completion", 30_000)).toMatchObject({ done: 8, failed: 0 });
      for (const email of emails) expect(await usersWith("public", email)).toBe(1);
      const { items } = await t.client.invoke("jobs.get", { jobId: job.id });
      expect(items.every((i) => i.result?.outcome === "invited" && i.attempts === 1)).toBe(true);
    } finally {
      await tcp.close();
    }
  });

  it("support and auditor cannot plan or start it", async () => {
    const { job } = await t.client.invoke("jobs.dryRun", { kind: "invites.bulk", input: { csv: "email\nnot.started@example.com\n" } });
    const profiles = [];
    for (const role of ["support", "auditor"] as const) profiles.push(await t.client.invoke("profiles.create", profileInput(`As ${role}`, [t.coreUrl], { role })));
    for (const profile of profiles) {
      await t.client.invoke("profiles.switch", { id: profile.id });
      await expectFailure(t.invoke("jobs.dryRun", { kind: "invites.bulk", input: { csv: "email\nx@example.com\n" } }), "FORBIDDEN");
      await expectFailure(t.invoke("jobs.start", { jobId: job.id }), "FORBIDDEN");
    }
    expect(await usersWith("public", "not.started@example.com")).toBe(0);
  });
});
