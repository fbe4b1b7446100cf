/**
 * Invites through the dispatcher against the embedded core and a real SMTP server: create with
 * roles and the invite record, the mailed link signs the person in, "exists", phone invites to
 * the outbox with the SMS template (default, edited, refused without its link), bad input, unknown
 * roles, SMTP down and back, revoke, statuses, roles, secrets.
 */
import Database from "better-sqlite3";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import supertokens from "supertokens-node";
import Passwordless from "supertokens-node/recipe/passwordless";
import UserMetadata from "supertokens-node/recipe/usermetadata";
import UserRoles from "supertokens-node/recipe/userroles";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_INVITE_TEMPLATE, DEFAULT_SMS_INVITE_TEMPLATE } from "../../main/mail/template.ts";
import { directCore, expectFailure, profileInput, startTestGatehouse, type TestGatehouse } from "./helpers/gatehouse.ts";
import { SMTP_USER, linkIn, linkParts, startTestSmtp, type TestSmtp } from "./helpers/smtp.ts";

const SMTP_PASSWORD = "smtp-Pa55word-never-shown";
let t: TestGatehouse;
let smtp: TestSmtp;
/** Added to the wall clock for Gatehouse (not for the core): moves "now" past link expiries. */
let skew = 0;
const core = () => directCore(t.coreUrl);

beforeAll(async () => {
  t = await startTestGatehouse({ now: () => Date.now() + skew });
  smtp = await startTestSmtp(SMTP_PASSWORD);
  await t.client.invoke("invites.settings.update", {
    appUrl: "http://localhost:3000/",
    websiteBasePath: "/auth",
    defaultRegion: "US",
    smtp: { host: "127.0.0.1", port: smtp.port, secure: false, username: SMTP_USER, from: "Gatehouse <invites@example.com>" },
    smtpPassword: SMTP_PASSWORD,
  });
});

afterAll(async () => {
  await smtp?.close();
  await t?.close();
});

const listed = async (tenantId = "public") => (await t.client.invoke("invites.list", { tenantId })).invites;

describe("invites", () => {
  let alice = "";

  it("invites by email: a Passwordless user with the invite record and roles, and a mail whose link signs her in", async () => {
    const before = Date.now();
    const result = await t.client.invoke("invites.create", { tenantId: "public", email: "  Alice.Invited@Example.COM ", roles: ["support"] });
    if (result.status !== "invited") throw new Error(`expected invited, got ${result.status}`);
    alice = result.userId;
    expect(result.delivery).toBe("sent");
    expect(result.messageId).toBeTruthy();
    expect(result.link).toMatch(/^http:\/\/localhost:3000\/auth\/verify\?preAuthSessionId=[^&]+&tenantId=public#.+$/);
    // The Core's default code lifetime: 15 minutes from creation.
    expect(result.expiresAt).toBeGreaterThanOrEqual(before + 15 * 60_000 - 1000);
    expect(result.expiresAt).toBeLessThanOrEqual(Date.now() + 15 * 60_000 + 1000);

    const c = core();
    const user = await c.sdk(() => supertokens.getUser(alice));
    expect(user?.loginMethods.map((m) => [m.recipeId, m.email])).toEqual([["passwordless", "alice.invited@example.com"]]);
    const { metadata } = await c.sdk(() => UserMetadata.getUserMetadata(alice));
    expect(metadata.gatehouseInvite).toMatchObject({ invitedBy: "tester" });
    expect(typeof (metadata.gatehouseInvite as { invitedAt: unknown }).invitedAt).toBe("number");
    expect((await c.sdk(() => UserRoles.getRolesForUser("public", alice))).roles).toEqual(["support"]);

    const mail = smtp.received.at(-1);
    if (!mail) throw new Error("no mail received");
    expect(mail.to).toEqual(["alice.invited@example.com"]);
    expect(smtp.logins.at(-1)).toEqual({ username: SMTP_USER, password: SMTP_PASSWORD });
    expect(mail.decoded).toContain("expires in 15 minutes");
    expect(mail.decoded).toContain("http://localhost:3000");
    const sent = linkIn(mail);
    expect(sent.link).toBe(result.link);

    const consumed = await c.sdk(() => Passwordless.consumeCode({ preAuthSessionId: sent.preAuthSessionId, linkCode: sent.linkCode, tenantId: sent.tenantId }));
    expect(consumed.status).toBe("OK");
    if (consumed.status === "OK") {
      expect(consumed.user.id).toBe(alice);
      expect(consumed.createdNewRecipeUser).toBe(false);
    }
    expect((await listed()).find((i) => i.userId === alice)).toMatchObject({ status: "pending", delivery: "sent", email: "alice.invited@example.com" });
  });

  it("answers 'exists' for someone who already has an account, and resend gives them a new link", async () => {
    const again = await t.client.invoke("invites.create", { tenantId: "public", email: "alice.invited@example.com" });
    expect(again).toEqual({ status: "exists", userId: alice });
    const mails = smtp.received.length;
    const resent = await t.client.invoke("invites.resend", { userId: alice });
    expect(resent.delivery).toBe("sent");
    expect(smtp.received.length).toBe(mails + 1);
    expect(linkIn(smtp.received.at(-1) ?? { from: "", to: [], raw: "", decoded: "" }).link).toBe(resent.link);
  });

  it("puts a phone invite (normalised with the default region) in the outbox, exportable and markable", async () => {
    const result = await t.client.invoke("invites.create", { tenantId: "public", phoneNumber: "(201) 555-0123" });
    if (result.status !== "invited") throw new Error("expected invited");
    expect(result.delivery).toBe("outbox");
    const user = await core().sdk(() => supertokens.getUser(result.userId));
    expect(user?.phoneNumbers).toEqual(["+12015550123"]);
    const { entries } = await t.client.invoke("invites.outbox.list", {});
    const entry = entries.find((e) => e.userId === result.userId);
    expect(entry).toMatchObject({ to: "+12015550123", channel: "sms", link: result.link, handledAt: null });
    expect(result.messageId).toBe(`outbox:${entry?.id}`);
    // The default SMS template, not the email's: short, the link on a line of its own.
    expect(entry?.subject).toBe("SMS invite");
    expect(entry?.text).toBe(
      `You are invited to http://localhost:3000. Sign in for the first time with this link, which expires in 15 minutes:\n${result.link}\nAfter that, you can sign in any time with this phone number.`,
    );

    const exported = await t.client.invoke("invites.outbox.export", {});
    const lines = exported.jsonl.trim().split("\n").map((l) => JSON.parse(l) as { userId: string });
    expect(lines.length).toBe(exported.count);
    expect(lines.some((l) => l.userId === result.userId)).toBe(true);

    expect(await t.client.invoke("invites.outbox.markHandled", { ids: [entry?.id ?? -1] })).toEqual({ marked: 1 });
    expect((await t.client.invoke("invites.outbox.list", {})).entries.some((e) => e.userId === result.userId)).toBe(false);
    expect((await t.client.invoke("invites.outbox.list", { includeHandled: true })).entries.find((e) => e.userId === result.userId)?.handledAt).toBeTypeOf("number");
  });

  it("uses the edited SMS template for phone invites and the email template for emails; refuses an SMS template without its link", async () => {
    const updated = await t.client.invoke("invites.settings.update", { smsTemplate: "  {{ link }} - your invite to {{appUrl}} for {{phoneNumber}}, valid {{expiresInMinutes}} min\n" });
    expect(updated.smsTemplate).toBe("{{ link }} - your invite to {{appUrl}} for {{phoneNumber}}, valid {{expiresInMinutes}} min");
    expect(updated.template).toEqual(DEFAULT_INVITE_TEMPLATE);
    expect((await t.client.invoke("invites.settings.get", {})).smsTemplate).toBe(updated.smsTemplate);

    const phone = await t.client.invoke("invites.create", { tenantId: "public", phoneNumber: "+1 201 555 0124" });
    if (phone.status !== "invited") throw new Error("expected invited");
    const entry = (await t.client.invoke("invites.outbox.list", {})).entries.find((e) => e.userId === phone.userId);
    expect(entry).toMatchObject({ channel: "sms", to: "+12015550124", subject: "SMS invite" });
    expect(entry?.text).toBe(`${phone.link} - your invite to http://localhost:3000 for +12015550124, valid 15 min`);

    const email = await t.client.invoke("invites.create", { tenantId: "public", email: "grace.mail@example.com" });
    if (email.status !== "invited") throw new Error("expected invited");
    expect(email.delivery).toBe("sent");
    const mail = smtp.received.at(-1);
    expect(mail?.to).toEqual(["grace.mail@example.com"]);
    expect(mail?.decoded).toContain("You have been invited. Open this link to sign in for the first time:");
    expect(mail?.decoded).not.toContain("your invite to");

    const noLink = await expectFailure(t.invoke("invites.settings.update", { smsTemplate: "Join us at {{appUrl}}" }), "VALIDATION");
    expect(noLink.field).toBe("smsTemplate");
    expect(noLink.message).toBe("smsTemplate: the SMS template must contain {{link}}");
    const blank = await expectFailure(t.invoke("invites.settings.update", { smsTemplate: "  \n " }), "VALIDATION");
    expect(blank).toMatchObject({ field: "smsTemplate", message: "smsTemplate: the SMS template is required" });
    const long = await expectFailure(t.invoke("invites.settings.update", { smsTemplate: `{{link}} ${"x".repeat(600)}` }), "VALIDATION");
    expect(long).toMatchObject({ field: "smsTemplate", message: "smsTemplate: the SMS template must be at most 600 characters" });
    expect((await t.client.invoke("invites.settings.get", {})).smsTemplate).toBe(updated.smsTemplate);

    // Settings stored before SMS templates existed get the default one.
    const profileId = (await t.client.invoke("session.whoami", {})).profile?.id ?? "";
    const db = new Database(join(t.dataDir, "gatehouse.sqlite"));
    try {
      const row = db.prepare("SELECT settings FROM invite_settings WHERE profile_id = ?").get(profileId) as { settings: string };
      const { smsTemplate: _dropped, ...older } = JSON.parse(row.settings) as Record<string, unknown>;
      db.prepare("UPDATE invite_settings SET settings = ? WHERE profile_id = ?").run(JSON.stringify(older), profileId);
    } finally {
      db.close();
    }
    expect(await t.client.invoke("invites.settings.get", {})).toMatchObject({ smsTemplate: DEFAULT_SMS_INVITE_TEMPLATE, hasPassword: true, appUrl: "http://localhost:3000/" });
  });

  it("refuses bad emails and phone numbers, naming the field", async () => {
    expect((await expectFailure(t.invoke("invites.create", { tenantId: "public", email: "not-an-email" }), "VALIDATION")).field).toBe("email");
    expect((await expectFailure(t.invoke("invites.create", { tenantId: "public", phoneNumber: "12" }), "VALIDATION")).field).toBe("phoneNumber");
    expect((await expectFailure(t.invoke("invites.create", { tenantId: "public" }), "VALIDATION")).field).toBe("email");
  });

  it("refuses an unknown role before creating anyone", async () => {
    const error = await expectFailure(t.invoke("invites.create", { tenantId: "public", email: "roleless@example.com", roles: ["support", "no-such-role"] }), "NOT_FOUND");
    expect(error.message).toContain('"no-such-role"');
    expect(await core().sdk(() => supertokens.listUsersByAccountInfo("public", { email: "roleless@example.com" }))).toEqual([]);
  });

  it("says clearly when the SMTP server is down, records the invite as failed, and resends once it is up", async () => {
    const port = smtp.port;
    await smtp.close();
    const error = await expectFailure(t.invoke("invites.create", { tenantId: "public", email: "bob.down@example.com" }), "MAIL_FAILED");
    expect(error.message).toContain(`127.0.0.1:${port}`);
    expect(error.message).toMatch(/connection refused/);
    const [bob] = await core().sdk(() => supertokens.listUsersByAccountInfo("public", { email: "bob.down@example.com" }));
    if (!bob) throw new Error("bob was not created");
    expect((await listed()).find((i) => i.userId === bob.id)).toMatchObject({ delivery: "failed", status: "pending" });
    const audited = (await t.auditEntries()).filter((e) => e.operation === "invites.create").at(-1);
    expect(audited).toMatchObject({ outcome: "error", target: "bob.down@example.com" });

    smtp = await startTestSmtp(SMTP_PASSWORD, port);
    const resent = await t.client.invoke("invites.resend", { userId: bob.id });
    expect(resent.delivery).toBe("sent");
    expect(smtp.received.at(-1)?.to).toEqual(["bob.down@example.com"]);
    expect((await listed()).find((i) => i.userId === bob.id)).toMatchObject({ delivery: "sent", deliveryError: null });
  });

  it("revokes a pending invite (the user is gone, the list says revoked) and refuses accepted or non-invited users", async () => {
    const carol = await t.client.invoke("invites.create", { tenantId: "public", email: "carol.revoked@example.com" });
    if (carol.status !== "invited") throw new Error("expected invited");
    expect(await t.client.invoke("invites.revoke", { userId: carol.userId })).toEqual({ revoked: true });
    expect(await core().sdk(() => supertokens.getUser(carol.userId))).toBeUndefined();
    expect((await listed()).find((i) => i.userId === carol.userId)).toMatchObject({ status: "revoked", email: "carol.revoked@example.com" });
    const entry = (await t.auditEntries()).filter((e) => e.operation === "invites.revoke").at(-1);
    expect(entry).toMatchObject({ outcome: "ok", target: carol.userId });

    // Alice signed in: the backend kit records acceptedAt.
    const { metadata } = await core().sdk(() => UserMetadata.getUserMetadata(alice));
    await t.client.invoke("users.updateMetadata", { userId: alice, update: { gatehouseInvite: { ...(metadata.gatehouseInvite as object), acceptedAt: Date.now() } } });
    const accepted = await expectFailure(t.invoke("invites.revoke", { userId: alice }), "CONFLICT");
    expect(accepted.message).toContain("accepted the invite");
    expect(await core().sdk(() => supertokens.getUser(alice))).toBeDefined();
    expect((await listed()).find((i) => i.userId === alice)?.status).toBe("accepted");

    const { rows } = await t.client.invoke("users.list", { tenantId: "public", order: "oldest", limit: 5 });
    const plain = rows.find((r) => r.loginMethods.includes("emailpassword"));
    const notInvited = await expectFailure(t.invoke("invites.revoke", { userId: plain?.id ?? "" }), "CONFLICT");
    expect(notInvited.message).toContain("was not invited");
  });

  it("shows link-expired once the last link's expiry has passed, and pending again after a resend", async () => {
    const dave = await t.client.invoke("invites.create", { tenantId: "public", email: "dave.late@example.com" });
    if (dave.status !== "invited") throw new Error("expected invited");
    expect((await listed()).find((i) => i.userId === dave.userId)?.status).toBe("pending");
    skew = 16 * 60_000;
    try {
      const row = (await listed()).find((i) => i.userId === dave.userId);
      expect(row).toMatchObject({ status: "link-expired", linkExpiresAt: dave.expiresAt });
      // Accepted stays accepted, whatever its link did.
      expect((await listed()).find((i) => i.userId === alice)?.status).toBe("accepted");
    } finally {
      skew = 0;
    }
  });

  it("uses the core's code lifetime for the expiry (a core with 2-second codes)", async () => {
    const { startEmbeddedCore } = await import("../../main/embedded-core/index.ts");
    const shortCore = await startEmbeddedCore({ passwordlessCodeLifetimeMs: 2000 });
    try {
      const { id } = await t.client.invoke("profiles.create", profileInput("Short codes", [shortCore.url]));
      await t.client.invoke("profiles.switch", { id });
      const result = await t.client.invoke("invites.create", { tenantId: "public", email: "erin.short@example.com" });
      if (result.status !== "invited") throw new Error("expected invited");
      expect(result.delivery).toBe("outbox"); // this profile has no SMTP settings
      expect(result.expiresAt - Date.now()).toBeLessThanOrEqual(2000);
      await new Promise((r) => setTimeout(r, 2100));
      expect((await listed()).find((i) => i.userId === result.userId)?.status).toBe("link-expired");
      const { preAuthSessionId, linkCode } = linkParts(result.link);
      const late = await directCore(shortCore.url).sdk(() => Passwordless.consumeCode({ preAuthSessionId, linkCode, tenantId: "public" }));
      expect(late.status).not.toBe("OK");
    } finally {
      const demo = (await t.client.invoke("profiles.list", {})).profiles.find((p) => p.embedded);
      await t.client.invoke("profiles.switch", { id: demo?.id ?? "" });
      await shortCore.close();
    }
  });

  it("lets support resend but not create or revoke", async () => {
    const { id } = await t.client.invoke("profiles.create", profileInput("Support desk", [t.coreUrl], { role: "support" }));
    const admin = (await t.client.invoke("session.whoami", {})).profile?.id ?? "";
    await t.client.invoke("profiles.switch", { id });
    try {
      const resent = await t.client.invoke("invites.resend", { userId: alice });
      expect(resent.delivery).toBe("outbox"); // the support profile has its own (empty) mail settings
      await expectFailure(t.invoke("invites.create", { tenantId: "public", email: "frank@example.com" }), "FORBIDDEN");
      await expectFailure(t.invoke("invites.revoke", { userId: alice }), "FORBIDDEN");
      await expectFailure(t.invoke("invites.settings.update", { appUrl: "http://evil.example" }), "FORBIDDEN");
      expect((await t.client.invoke("invites.list", { tenantId: "public" })).invites.length).toBeGreaterThan(0);
    } finally {
      await t.client.invoke("profiles.switch", { id: admin });
    }
  });

  it("keeps the SMTP password sealed at rest and out of every answer and audit entry", async () => {
    const settings = await t.client.invoke("invites.settings.get", {});
    expect(settings.hasPassword).toBe(true);
    expect(settings.smtp).toMatchObject({ host: "127.0.0.1", username: SMTP_USER });
    expect(JSON.stringify(settings)).not.toContain(SMTP_PASSWORD);
    const audit = await t.auditEntries();
    const update = audit.find((e) => e.operation === "invites.settings.update");
    expect(update?.input.smtpPassword).toBe("[redacted]");
    expect(JSON.stringify(audit)).not.toContain(SMTP_PASSWORD);
    expect(JSON.stringify(await t.client.invoke("invites.outbox.export", { includeHandled: true }))).not.toContain(SMTP_PASSWORD);
    for (const file of readdirSync(t.dataDir).filter((f) => f.startsWith("gatehouse.sqlite"))) {
      expect(readFileSync(join(t.dataDir, file)).includes(SMTP_PASSWORD), file).toBe(false);
    }
    // Keeping the password when other settings change; clearing it with null.
    await t.client.invoke("invites.settings.update", { defaultRegion: "de" });
    expect(await t.client.invoke("invites.settings.get", {})).toMatchObject({ hasPassword: true, defaultRegion: "DE" });
    await t.client.invoke("invites.settings.update", { smtpPassword: null });
    expect((await t.client.invoke("invites.settings.get", {})).hasPassword).toBe(false);
  });
});
