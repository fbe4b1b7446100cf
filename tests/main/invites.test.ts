/**
 * Invites through the dispatcher against the embedded core, a real SMTP server and the demo app
 * (an app backend on the backend kit, its own process): create with roles and the invite record,
 * the mailed link signs the person in through the app, which records the acceptance; "exists"
 * (and no second account for someone who signs in otherwise); phone invites to the outbox with the
 * SMS template; bad input, unknown roles, SMTP down and back; revoke kills the links and the
 * outbox messages; the Core going away half-way; who sees links and phones; secrets.
 */
import Database from "better-sqlite3";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import Passwordless from "supertokens-node/recipe/passwordless";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_INVITE_TEMPLATE, DEFAULT_SMS_INVITE_TEMPLATE } from "../../main/mail/template.ts";
import { MASK } from "../../shared/phone-mask.ts";
import { startDemoAppProcess, type RunningDemoApp } from "../support/demo-app-process.ts";
import { coreReads } from "./helpers/core-reads.ts";
import { startCutProxy } from "./helpers/cut-proxy.ts";
import { directCore, expectFailure, profileInput, startTestGatehouse, type TestGatehouse } from "./helpers/gatehouse.ts";
import { SMTP_USER, linkIn, linkParts, startTestSmtp, type TestSmtp } from "./helpers/smtp.ts";

const SMTP_PASSWORD = "smtp-Pa55word-never-shown";
let t: TestGatehouse;
let smtp: TestSmtp;
/** The app people sign in to (invite-only, with the backend kit's acceptance hook). */
let app: RunningDemoApp;
/** Added to the wall clock for Gatehouse (not for the core): moves "now" past link expiries. */
let skew = 0;

beforeAll(async () => {
  t = await startTestGatehouse({ now: () => Date.now() + skew });
  smtp = await startTestSmtp(SMTP_PASSWORD);
  app = await startDemoAppProcess(["--core", t.coreUrl, "--mode", "invite-only"]);
  await t.client.invoke("invites.settings.update", {
    appUrl: "http://localhost:3000/",
    websiteBasePath: "/auth",
    defaultRegion: "US",
    smtp: { host: "127.0.0.1", port: smtp.port, secure: false, username: SMTP_USER, from: "Gatehouse <invites@example.com>" },
    smtpPassword: SMTP_PASSWORD,
  });
});

afterAll(async () => {
  await app?.close();
  await smtp?.close();
  await t?.close();
});

const listed = async (tenantId = "public") => (await t.client.invoke("invites.list", { tenantId, limit: 500 })).invites;

/** Opens a magic link as the person would: the app's own consume API (what its sign-in page calls). */
async function openLink(link: string): Promise<{ status: string; user?: { id: string } }> {
  const { preAuthSessionId, linkCode, tenantId } = linkParts(link);
  const response = await fetch(`${app.url}/api/auth/${tenantId}/signinup/code/consume`, {
    method: "POST",
    headers: { "content-type": "application/json", rid: "passwordless", "st-auth-mode": "header" },
    body: JSON.stringify({ preAuthSessionId, linkCode }),
  });
  expect(response.status, await response.clone().text()).toBe(200);
  return (await response.json()) as { status: string; user?: { id: string } };
}

/** Who holds this email or phone in the tenant, asked of the Core over its own HTTP API (nothing of Gatehouse). */
const onCore = () => coreReads(t.coreUrl);
const holders = (contact: { email: string } | { phoneNumber: string }, tenantId = "public") => onCore().byContact(contact, tenantId);

/**
 * Someone invited by email who opened the link in the app (made once, by whichever test needs
 * her first, so every test can run on its own).
 */
let acceptedInvitee: Promise<string> | undefined;
const acceptedAlice = (): Promise<string> =>
  (acceptedInvitee ??= (async () => {
    const result = await t.client.invoke("invites.create", { tenantId: "public", email: "alice.accepted@example.com" });
    if (result.status !== "invited") throw new Error(`expected invited, got ${result.status}`);
    expect((await openLink(result.link)).status).toBe("OK");
    return result.userId;
  })());

describe("invites", () => {

  it("invites by email: a Passwordless user with the invite record and roles, and a mail whose link signs her in", async () => {
    const before = Date.now();
    const result = await t.client.invoke("invites.create", { tenantId: "public", email: "  Alice.Invited@Example.COM ", roles: ["support"] });
    if (result.status !== "invited") throw new Error(`expected invited, got ${result.status}`);
    const alice = result.userId;
    expect(result.delivery).toBe("sent");
    expect(result.messageId).toBeTruthy();
    expect(result.link).toMatch(/^http:\/\/localhost:3000\/auth\/verify\?preAuthSessionId=[^&]+&tenantId=public#.+$/);
    // The Core's default code lifetime: 15 minutes from creation.
    expect(result.expiresAt).toBeGreaterThanOrEqual(before + 15 * 60_000 - 1000);
    expect(result.expiresAt).toBeLessThanOrEqual(Date.now() + 15 * 60_000 + 1000);

    const user = await onCore().user(alice);
    expect(user?.loginMethods.map((m) => [m.recipeId, m.email])).toEqual([["passwordless", "alice.invited@example.com"]]);
    const metadata = await onCore().metadata(alice);
    expect(metadata.gatehouseInvite).toMatchObject({ invitedBy: "tester" });
    expect(typeof (metadata.gatehouseInvite as { invitedAt: unknown }).invitedAt).toBe("number");
    expect(await onCore().roles(alice)).toEqual(["support"]);

    const mail = smtp.received.at(-1);
    if (!mail) throw new Error("no mail received");
    expect(mail.to).toEqual(["alice.invited@example.com"]);
    expect(smtp.logins.at(-1)).toEqual({ username: SMTP_USER, password: SMTP_PASSWORD });
    expect(mail.decoded).toContain("expires in 15 minutes");
    expect(mail.decoded).toContain("http://localhost:3000");
    const sent = linkIn(mail);
    expect(sent.link).toBe(result.link);

    expect((await listed()).find((i) => i.userId === alice)).toMatchObject({ status: "pending", delivery: "sent", email: "alice.invited@example.com" });
    // Alice opens the mailed link in the app: she is signed in as the invited user, and the app's
    // backend kit records the acceptance, which the console then shows.
    const consumed = await openLink(sent.link);
    expect(consumed).toMatchObject({ status: "OK", user: { id: alice } });
    expect((await holders({ email: "alice.invited@example.com" })).map((u) => u.id)).toEqual([alice]);
    expect((await listed()).find((i) => i.userId === alice)).toMatchObject({ status: "accepted", delivery: "sent" });
  });

  it("answers 'exists' for someone who already has an account, and resend gives them a new link", async () => {
    const alice = await acceptedAlice();
    const again = await t.client.invoke("invites.create", { tenantId: "public", email: "alice.accepted@example.com" });
    expect(again).toMatchObject({ status: "exists", userId: alice, canSendLink: true, loginMethods: ["passwordless"] });
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
    const user = await onCore().user(result.userId);
    expect(user?.phoneNumbers).toEqual(["+12015550123"]);
    const { entries, total } = await t.client.invoke("invites.outbox.list", {});
    expect(total).toBe(entries.length);
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
    // The same strict check as bulk CSV rows and allow-lists (shared/email.ts): what an app's sign-up would refuse, an invite refuses.
    for (const [email, reason] of [
      ["quoted,comma@example.com", 'it contains ","'],
      ["trail@example.com.", "it ends with a dot"],
    ] as const) {
      const error = await expectFailure(t.invoke("invites.create", { tenantId: "public", email }), "VALIDATION");
      expect(error).toMatchObject({ field: "email" });
      expect(error.message).toContain(`"${email}" is not an email address: ${reason}`);
      expect(await holders({ email })).toEqual([]);
    }
    expect((await expectFailure(t.invoke("invites.create", { tenantId: "public", phoneNumber: "12" }), "VALIDATION")).field).toBe("phoneNumber");
    expect((await expectFailure(t.invoke("invites.create", { tenantId: "public" }), "VALIDATION")).field).toBe("email");
  });

  it("refuses an unknown role before creating anyone", async () => {
    const error = await expectFailure(t.invoke("invites.create", { tenantId: "public", email: "roleless@example.com", roles: ["support", "no-such-role"] }), "NOT_FOUND");
    expect(error.message).toContain('"no-such-role"');
    expect(await holders({ email: "roleless@example.com" })).toEqual([]);
  });

  it("says clearly when the SMTP server is down, records the invite as failed, and resends once it is up", async () => {
    const port = smtp.port;
    await smtp.close();
    const error = await expectFailure(t.invoke("invites.create", { tenantId: "public", email: "bob.down@example.com" }), "MAIL_FAILED");
    expect(error.message).toContain(`127.0.0.1:${port}`);
    expect(error.message).toMatch(/connection refused/);
    const [bob] = await holders({ email: "bob.down@example.com" });
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

  it("revokes a pending invite: the mailed link no longer signs anyone in, the user is gone, its outbox messages too", async () => {
    const carol = await t.client.invoke("invites.create", { tenantId: "public", email: "carol.revoked@example.com" });
    if (carol.status !== "invited") throw new Error("expected invited");
    const mailed = linkIn(smtp.received.at(-1) ?? { from: "", to: [], raw: "", decoded: "" });
    expect(mailed.link).toBe(carol.link);
    expect(await t.client.invoke("invites.revoke", { userId: carol.userId })).toEqual({ revoked: true, outboxRemoved: 0 });
    expect(await onCore().user(carol.userId)).toBeUndefined();
    // The link she was mailed is dead: opening it signs nobody in and creates nobody.
    expect((await openLink(mailed.link)).status).toBe("RESTART_FLOW_ERROR");
    expect(await holders({ email: "carol.revoked@example.com" })).toEqual([]);
    expect((await listed()).find((i) => i.userId === carol.userId)).toMatchObject({ status: "revoked", email: "carol.revoked@example.com" });
    const entry = (await t.auditEntries()).filter((e) => e.operation === "invites.revoke").at(-1);
    expect(entry).toMatchObject({ outcome: "ok", target: carol.userId });

    // A phone invite with two links out (invite and resend): both die, both messages leave the outbox.
    const phone = await t.client.invoke("invites.create", { tenantId: "public", phoneNumber: "+1 201 555 0177" });
    if (phone.status !== "invited") throw new Error("expected invited");
    const second = await t.client.invoke("invites.resend", { userId: phone.userId });
    const mine = async () => (await t.client.invoke("invites.outbox.list", { limit: 500 })).entries.filter((e) => e.userId === phone.userId);
    expect(await mine()).toHaveLength(2);
    expect(await t.client.invoke("invites.revoke", { userId: phone.userId })).toEqual({ revoked: true, outboxRemoved: 2 });
    expect(await mine()).toEqual([]);
    for (const link of [phone.link, second.link]) expect((await openLink(link)).status).toBe("RESTART_FLOW_ERROR");
    expect(await holders({ phoneNumber: "+12015550177" })).toEqual([]);
    await expectFailure(t.invoke("invites.resend", { userId: phone.userId }), "NOT_FOUND");
  });

  it("kills the links of an invitee deleted under Users too", async () => {
    const email = "deleted.invitee@example.com";
    const invited = await t.client.invoke("invites.create", { tenantId: "public", email });
    if (invited.status !== "invited") throw new Error("expected invited");
    expect(await t.client.invoke("users.delete", { userId: invited.userId, confirm: email })).toEqual({ deleted: true });
    expect((await openLink(invited.link)).status).toBe("RESTART_FLOW_ERROR");
    expect(await holders({ email })).toEqual([]);
  });

  it("refuses to revoke an accepted invite or a user who was not invited", async () => {
    // Alice accepted through the app: her account stays.
    const alice = await acceptedAlice();
    const accepted = await expectFailure(t.invoke("invites.revoke", { userId: alice }), "CONFLICT");
    expect(accepted.message).toContain("accepted the invite");
    expect(await onCore().user(alice)).toBeDefined();
    expect((await listed()).find((i) => i.userId === alice)?.status).toBe("accepted");

    const { rows } = await t.client.invoke("users.list", { tenantId: "public", order: "oldest", limit: 5 });
    const plain = rows.find((r) => r.loginMethods.includes("emailpassword"));
    const notInvited = await expectFailure(t.invoke("invites.revoke", { userId: plain?.id ?? "" }), "CONFLICT");
    expect(notInvited.message).toContain("was not invited");
  });

  it("never gives someone who signs in with a password a second account", async () => {
    const ada = "ada.lovelace@example.com";
    const [account] = await holders({ email: ada });
    if (!account) throw new Error("the demo data has ada");
    expect(account.loginMethods.map((m) => m.recipeId)).toEqual(["emailpassword"]);
    const mails = smtp.received.length;
    const answer = await t.client.invoke("invites.create", { tenantId: "public", email: ada });
    expect(answer).toMatchObject({ status: "exists", userId: account.id, canSendLink: false, loginMethods: ["emailpassword"] });
    if (answer.status !== "exists") throw new Error("expected exists");
    expect(answer.detail).toMatch(/signs in with email and password .*would create a second, separate account, so nothing was sent/);
    const refused = await expectFailure(t.invoke("invites.resend", { userId: account.id }), "CONFLICT");
    expect(refused.message).toMatch(/not with a sign-in link: a link would create a second, separate account\. Nothing was sent/);
    expect(smtp.received.length).toBe(mails);
    // Still one account, still a password one, and no code out for her email.
    expect((await holders({ email: ada })).map((u) => [u.id, u.loginMethods.map((m) => m.recipeId).join()])).toEqual([[account.id, "emailpassword"]]);
    const outbox = await t.client.invoke("invites.outbox.list", { limit: 500 });
    expect(outbox.entries.some((e) => e.to === ada)).toBe(false);
  });

  /** A profile on the same Core through a proxy that can make the Core vanish mid-change; switched to for `run`. */
  async function throughCutProxy(name: string, run: (proxy: Awaited<ReturnType<typeof startCutProxy>>) => Promise<void>): Promise<void> {
    const proxy = await startCutProxy(t.coreUrl);
    const admin = (await t.client.invoke("session.whoami", {})).profile?.id ?? "";
    const { id } = await t.client.invoke("profiles.create", profileInput(name, [proxy.url]));
    await t.client.invoke("profiles.switch", { id });
    try {
      await run(proxy);
    } finally {
      await t.client.invoke("profiles.switch", { id: admin });
      await proxy.close();
    }
  }

  it("finishes an invite the Core dropped half-way when it is run again, with one user and a working link", async () => {
    const email = "half.way@example.com";
    await throughCutProxy("Flaky Core", async (proxy) => {
      // The Core goes away right after the sign-up: the invite record never arrives.
      const cut = proxy.cutAt({ method: "PUT", path: "/recipe/user/metadata", when: "before" });
      expect((await t.invoke("invites.create", { tenantId: "public", email })).ok).toBe(false);
      await cut;
      const made = await holders({ email });
      expect(made).toHaveLength(1);

      proxy.restore();
      const again = await t.client.invoke("invites.create", { tenantId: "public", email });
      if (again.status !== "invited") throw new Error(`expected the invite to be finished, got ${JSON.stringify(again)}`);
      expect(again.userId).toBe(made[0]?.id);
      expect((await holders({ email })).map((u) => u.id)).toEqual([again.userId]);
      expect((await onCore().metadata(again.userId)).gatehouseInvite).toMatchObject({ invitedBy: "tester" });
      expect((await openLink(again.link)).user?.id).toBe(again.userId);
      // Once finished, the same invite is an "exists" again.
      expect(await t.client.invoke("invites.create", { tenantId: "public", email })).toMatchObject({ status: "exists", canSendLink: true });
    });
  });

  it("leaves no working link when the Core drops a revoke half-way, and the revoke finishes when run again", async () => {
    const email = "revoke.halfway@example.com";
    await throughCutProxy("Flaky Core 2", async (proxy) => {
      // Invited through the same profile: its invites are kept per Core address.
      const invited = await t.client.invoke("invites.create", { tenantId: "public", email });
      if (invited.status !== "invited") throw new Error("expected invited");
      const cut = proxy.cutAt({ method: "POST", path: "/user/remove", when: "before" });
      expect((await t.invoke("invites.revoke", { userId: invited.userId })).ok).toBe(false);
      await cut;
      // The user is still there, but the link is already dead.
      expect(await onCore().user(invited.userId)).toBeDefined();
      expect((await openLink(invited.link)).status).toBe("RESTART_FLOW_ERROR");
      proxy.restore();
      expect(await t.client.invoke("invites.revoke", { userId: invited.userId })).toMatchObject({ revoked: true });
      expect(await holders({ email })).toEqual([]);
      expect((await listed()).find((i) => i.userId === invited.userId)?.status).toBe("revoked");
    });
  });

  it("finishes a revoke whose answer was lost after the Core deleted the user", async () => {
    const email = "revoke.lost@example.com";
    await throughCutProxy("Flaky Core 3", async (proxy) => {
      // Invited through the same profile: its invites are kept per Core address.
      const invited = await t.client.invoke("invites.create", { tenantId: "public", email });
      if (invited.status !== "invited") throw new Error("expected invited");
      const cut = proxy.cutAt({ method: "POST", path: "/user/remove", when: "after" });
      expect((await t.invoke("invites.revoke", { userId: invited.userId })).ok).toBe(false);
      await cut;
      expect(await onCore().user(invited.userId)).toBeUndefined();
      proxy.restore();
      // Run again: the user is gone already; the invite is marked revoked all the same.
      expect(await t.client.invoke("invites.revoke", { userId: invited.userId })).toMatchObject({ revoked: true });
      expect((await listed()).find((i) => i.userId === invited.userId)?.status).toBe("revoked");
      expect((await openLink(invited.link)).status).toBe("RESTART_FLOW_ERROR");
    });
  });

  it("shows links only to roles that may send them, only on the profile that made them, and phones masked to auditors", async () => {
    const phone = await t.client.invoke("invites.create", { tenantId: "public", phoneNumber: "+1 201 555 0188" });
    if (phone.status !== "invited") throw new Error("expected invited");
    const admin = (await t.client.invoke("session.whoami", {})).profile?.id ?? "";
    const profiles: Record<string, string> = {};
    for (const role of ["admin", "support"] as const) {
      profiles[role] = (await t.client.invoke("profiles.create", profileInput(`Same Core, ${role}`, [t.coreUrl], { role }))).id;
    }
    try {
      // Another profile on the same Core, even an admin one, does not see this profile's messages.
      await t.client.invoke("profiles.switch", { id: profiles.admin ?? "" });
      expect((await t.client.invoke("invites.outbox.list", { limit: 500 })).entries.some((e) => e.userId === phone.userId)).toBe(false);
      const resent = await t.client.invoke("invites.resend", { userId: phone.userId });
      const ownMessage = (await t.client.invoke("invites.outbox.list", { limit: 500 })).entries.find((e) => e.userId === phone.userId);
      expect(ownMessage?.link).toBe(resent.link);

      // Support may send links: sees them (on its own profile), the phone in full, and may mark a message handled.
      await t.client.invoke("profiles.switch", { id: profiles.support ?? "" });
      const bySupport = await t.client.invoke("invites.resend", { userId: phone.userId });
      const supportBox = await t.client.invoke("invites.outbox.list", { limit: 500 });
      const supportMessage = supportBox.entries.find((e) => e.userId === phone.userId);
      expect(supportMessage).toMatchObject({ link: bySupport.link, to: "+12015550188" });
      expect(await t.client.invoke("invites.outbox.markHandled", { ids: [supportMessage?.id ?? -1] })).toEqual({ marked: 1 });

      // An auditor sees that messages exist, but no link anywhere, and every phone masked: the
      // admin profile that made the messages turns into an auditor one.
      await t.client.invoke("profiles.switch", { id: profiles.admin ?? "" });
      await t.client.invoke("profiles.update", { id: profiles.admin ?? "", role: "auditor" });
      const auditorBox = await t.client.invoke("invites.outbox.list", { includeHandled: true, limit: 500 });
      const seen = auditorBox.entries.filter((e) => e.userId === phone.userId);
      expect(seen.length).toBeGreaterThan(0);
      const everything = JSON.stringify([
        auditorBox,
        await t.client.invoke("invites.outbox.export", { includeHandled: true }),
        await t.client.invoke("invites.list", { tenantId: "public", limit: 500 }),
      ]);
      for (const link of [phone.link, resent.link, bySupport.link]) expect(everything).not.toContain(linkParts(link).linkCode);
      expect(everything).not.toContain("preAuthSessionId=");
      expect(everything).not.toContain("+12015550188");
      expect(everything).toContain(MASK);
      for (const e of seen) {
        expect(e.link).toBeNull();
        expect(e.text).toContain("[sign-in link hidden]");
      }
      await expectFailure(t.invoke("invites.resend", { userId: phone.userId }), "FORBIDDEN");
      await expectFailure(t.invoke("invites.outbox.markHandled", { all: true }), "FORBIDDEN");
    } finally {
      await t.client.invoke("profiles.switch", { id: admin });
    }
  });

  it("shows link-expired once the last link's expiry has passed, and pending again after a resend", async () => {
    const alice = await acceptedAlice();
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
    // Time moves on both sides by clock, not by sleeping.
    let coreSkew = 0;
    const shortCore = await startEmbeddedCore({ passwordlessCodeLifetimeMs: 2000, now: () => Date.now() + coreSkew });
    try {
      const { id } = await t.client.invoke("profiles.create", profileInput("Short codes", [shortCore.url]));
      await t.client.invoke("profiles.switch", { id });
      const result = await t.client.invoke("invites.create", { tenantId: "public", email: "erin.short@example.com" });
      if (result.status !== "invited") throw new Error("expected invited");
      expect(result.delivery).toBe("outbox"); // this profile has no SMTP settings
      expect(result.expiresAt - Date.now()).toBeLessThanOrEqual(2000);
      skew = coreSkew = 2100;
      expect((await listed()).find((i) => i.userId === result.userId)?.status).toBe("link-expired");
      const { preAuthSessionId, linkCode } = linkParts(result.link);
      const late = await directCore(shortCore.url).sdk(() => Passwordless.consumeCode({ preAuthSessionId, linkCode, tenantId: "public" }));
      expect(late.status).not.toBe("OK");
    } finally {
      skew = 0;
      const demo = (await t.client.invoke("profiles.list", {})).profiles.find((p) => p.embedded);
      await t.client.invoke("profiles.switch", { id: demo?.id ?? "" });
      await shortCore.close();
    }
  });

  it("lets support resend but not create or revoke", async () => {
    const alice = await acceptedAlice();
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
    // A region libphonenumber does not know is refused, naming the field; nothing changes.
    const region = await expectFailure(t.invoke("invites.settings.update", { defaultRegion: "XX" }), "VALIDATION");
    expect(region).toMatchObject({ field: "defaultRegion" });
    expect(region.message).toMatch(/"XX" is not a region/);
    // Keeping the password when other settings change; clearing it with null.
    await t.client.invoke("invites.settings.update", { defaultRegion: "de" });
    expect(await t.client.invoke("invites.settings.get", {})).toMatchObject({ hasPassword: true, defaultRegion: "DE" });
    await t.client.invoke("invites.settings.update", { smtpPassword: null });
    expect((await t.client.invoke("invites.settings.get", {})).hasPassword).toBe(false);
  });
});
