/**
 * Issue 10 item 3: two users pointing at one Passwordless phone user. A reset acts on the chosen
 * user alone: replace gives them a phone user of their own, clear only removes their link, and the
 * other user keeps their phone, their enrollment and their sessions. The dialog's preview says so
 * first. A scan cut at its cap proves nothing, so the phone user is then left alone too. Effects
 * are read on the Core with raw CDI calls.
 */
import supertokens from "supertokens-node";
import Session from "supertokens-node/recipe/session";
import UserMetadata from "supertokens-node/recipe/usermetadata";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CoreClient } from "../../main/core/core-client.ts";
import { SqliteResetJournal } from "../../main/services/second-factor/sqlite-journal.ts";
import { SecondFactorReset } from "../../main/services/second-factor/reset.ts";
import { scanPointers } from "../../main/services/second-factor/pointers.ts";
import type { ProfileRecord } from "../../main/services/profiles.ts";
import { openStore } from "../../main/store/database.ts";
import type { UserRow } from "../../shared/contract/schemas.ts";
import { DEFAULT_DATA_CONTRACT } from "../../shared/data-contract.ts";
import { coreReads } from "./helpers/core-reads.ts";
import { directCore, profileInput, startTestGatehouse, type TestGatehouse } from "./helpers/gatehouse.ts";

const KEY = DEFAULT_DATA_CONTRACT.secondFactorUserIdKey;
let t: TestGatehouse;
let core: CoreClient;
let onCore: ReturnType<typeof coreReads>;
let rows: UserRow[];

type Enrolled = UserRow & { secondFactor: { state: "enrolled"; passwordlessUserId: string; phoneNumber: string } };
const isEnrolled = (r: UserRow): r is Enrolled => r.secondFactor.state === "enrolled";
const used = new Set<string>();

/** Enrolled demo users alone on their phone user, none picked twice. */
function aloneEnrolled(): Enrolled {
  const counts = new Map<string, number>();
  for (const r of rows.filter(isEnrolled)) counts.set(r.secondFactor.passwordlessUserId, (counts.get(r.secondFactor.passwordlessUserId) ?? 0) + 1);
  const pick = rows.filter(isEnrolled).find((r) => !used.has(r.id) && counts.get(r.secondFactor.passwordlessUserId) === 1);
  if (!pick) throw new Error("no enrolled demo user left");
  used.add(pick.id);
  return pick;
}

/** A plain demo user without a second factor (email-password, no roles). */
function notEnrolled(): UserRow {
  const pick = rows.find((r) => !used.has(r.id) && r.secondFactor.state === "none" && r.loginMethods.join() === "emailpassword" && r.roles.length === 0 && !r.superTokensUserId);
  if (!pick) throw new Error("no plain demo user left");
  used.add(pick.id);
  return pick;
}

/** A session as the app backend makes it after the second factor: the phone and the claim in the payload. */
const sessionWith = async (userId: string, payload: Record<string, unknown> = {}) =>
  (await core.sdk(() => Session.createNewSessionWithoutRequestResponse("public", supertokens.convertToRecipeUserId(userId), payload))).getHandle();
const reset = (userId: string, action: object) => t.client.invoke("secondFactor.reset", { userId, reason: "lost phone", ticket: "SUP-7", action: action as never });

beforeAll(async () => {
  t = await startTestGatehouse();
  core = directCore(t.coreUrl);
  onCore = coreReads(t.coreUrl);
  rows = (await t.client.invoke("users.list", { tenantId: "public", order: "oldest", limit: 500 })).rows;
});

afterAll(async () => {
  await t?.close();
});

describe("a reset of one of two users who share a phone user", () => {
  it("replace: the dialog is told first; the user gets a phone user of their own; the other keeps theirs and their sessions", async () => {
    // The demo data's pair.
    const byTarget = new Map<string, Enrolled[]>();
    for (const r of rows.filter(isEnrolled)) byTarget.set(r.secondFactor.passwordlessUserId, [...(byTarget.get(r.secondFactor.passwordlessUserId) ?? []), r]);
    const [a, b] = [...byTarget.values()].find((holders) => holders.length === 2) ?? [];
    if (!a || !b) throw new Error("the demo data has no shared phone user");
    used.add(a.id).add(b.id);
    const shared = a.secondFactor.passwordlessUserId;
    const oldPhone = a.secondFactor.phoneNumber;
    const aSession = await sessionWith(a.id, { phoneNumber: oldPhone, "2fa-completed": true });
    const bSession = await sessionWith(b.id, { phoneNumber: oldPhone, "2fa-completed": true });
    const phoneUserSession = await sessionWith(shared);

    const preview = await t.client.invoke("secondFactor.resetPreview", { userId: a.id });
    expect(preview.shared.others.map((o) => o.userId)).toEqual([b.id]);
    expect(preview.shared.others[0]?.label).toContain(b.emails[0]);
    expect(preview.shared.complete).toBe(true);
    expect(preview).toMatchObject({ replaceInPlace: false, clearMayDelete: false, keepReason: "shared", pending: null });

    const out = await reset(a.id, { kind: "replace", phoneNumber: "+14155550131" });
    expect(out.after).toMatchObject({ state: "enrolled", phoneNumber: "+14155550131" });
    const own = out.after.state === "enrolled" ? out.after.passwordlessUserId : "";
    expect(own).not.toBe(shared);
    expect(out.shared?.others.map((o) => o.userId)).toEqual([b.id]);
    expect(out.sessionsEndedFor).toEqual([a.id]);
    expect(out.steps.find((s) => s.step === "update-phone")).toMatchObject({ status: "skipped", detail: expect.stringContaining("1 other user(s) still point at it") });
    expect(out.steps.filter((s) => s.status === "done").map((s) => s.step)).toEqual(["read", "check-shared", "check-phone", "create-phone-user", "link", "revoke-sessions"]);

    // On the Core: only a's link moved; the shared phone user and b are as they were.
    expect((await onCore.metadata(a.id))[KEY]).toBe(own);
    expect((await onCore.user(own))?.phoneNumbers).toEqual(["+14155550131"]);
    expect((await onCore.metadata(b.id))[KEY]).toBe(shared);
    expect((await onCore.user(shared))?.phoneNumbers).toEqual([oldPhone]);
    expect(await onCore.sessions(a.id)).not.toContain(aSession);
    expect(await onCore.sessions(b.id)).toContain(bSession);
    expect(await onCore.sessions(shared)).toContain(phoneUserSession);
    expect((await t.client.invoke("users.get", { userId: b.id })).secondFactor).toEqual(b.secondFactor);

    // Now b is alone on it: b's own reset changes it in place.
    const bPreview = await t.client.invoke("secondFactor.resetPreview", { userId: b.id });
    expect(bPreview).toMatchObject({ shared: { others: [], complete: true }, replaceInPlace: true, clearMayDelete: true, keepReason: "none" });
  });

  it("clear with delete: only this user's link goes; the phone user is kept, and the other stays enrolled with their sessions", async () => {
    const c = aloneEnrolled();
    const d = notEnrolled();
    const phoneUser = c.secondFactor.passwordlessUserId;
    // d points at c's phone user too, as the backend of a buggy app (or a hand edit) could leave it.
    await core.sdk(() => UserMetadata.updateUserMetadata(d.id, { [KEY]: phoneUser }));
    const dSession = await sessionWith(d.id, { phoneNumber: c.secondFactor.phoneNumber, "2fa-completed": true });
    await sessionWith(c.id, { phoneNumber: c.secondFactor.phoneNumber, "2fa-completed": true });

    const preview = await t.client.invoke("secondFactor.resetPreview", { userId: c.id });
    expect(preview).toMatchObject({ clearMayDelete: false, keepReason: "shared" });
    expect(preview.shared.others.map((o) => o.userId)).toEqual([d.id]);

    const out = await reset(c.id, { kind: "clear", deletePasswordlessUser: true });
    expect(out.after).toEqual({ state: "none" });
    expect(out.oldPasswordlessUser).toBe("kept");
    const deleteStep = out.steps.find((s) => s.step === "delete-phone-user");
    expect(deleteStep?.status).toBe("skipped");
    expect(deleteStep?.detail).toContain("1 other user(s) still point at it");
    expect(deleteStep?.detail).toContain(d.emails[0]);
    expect(out.steps.find((s) => s.step === "unlink")?.detail).toContain("1 other user(s) keep their link");

    expect(await onCore.metadata(c.id)).not.toHaveProperty(KEY);
    expect((await onCore.user(phoneUser))?.phoneNumbers).toEqual([c.secondFactor.phoneNumber]);
    expect((await onCore.metadata(d.id))[KEY]).toBe(phoneUser);
    expect(await onCore.sessions(c.id)).toEqual([]);
    expect(await onCore.sessions(d.id)).toEqual([dSession]);
    expect((await t.client.invoke("users.get", { userId: d.id })).secondFactor).toEqual({ state: "enrolled", passwordlessUserId: phoneUser, phoneNumber: c.secondFactor.phoneNumber });
  });
});

describe("the preview for an auditor", () => {
  it("may be read, with the phones masked", async () => {
    const user = rows.filter(isEnrolled).at(-2);
    if (!user) throw new Error("no enrolled user");
    const admin = (await t.client.invoke("session.whoami", {})).profile?.id ?? "";
    const auditor = (await t.client.invoke("profiles.create", profileInput("Auditor", [t.coreUrl], { role: "auditor" }))).id;
    await t.client.invoke("profiles.switch", { id: auditor });
    try {
      const preview = await t.client.invoke("secondFactor.resetPreview", { userId: user.id });
      expect(preview.state.state === "enrolled" && preview.state.phoneNumber).toContain("••••");
      expect(JSON.stringify(preview)).not.toContain(user.secondFactor.phoneNumber);
    } finally {
      await t.client.invoke("profiles.switch", { id: admin });
    }
  });
});

describe("a scan for other users cut at its cap", () => {
  const profile: ProfileRecord = { id: "cap-test", name: "cap", uris: [], apiKeySealed: null, role: "admin", defaultTenant: "public", timeoutMs: 10_000, contract: DEFAULT_DATA_CONTRACT, embedded: true };
  const capped = () => new SecondFactorReset({ connection: () => ({ profile, core }), journal: new SqliteResetJournal(openStore(":memory:")), now: Date.now, defaultRegion: () => "US", pointerScanCap: 10 });

  it("says it was cut, and finds what it looked at", async () => {
    const user = rows.filter(isEnrolled).at(-1);
    if (!user) throw new Error("no enrolled user");
    const scan = await scanPointers(core, KEY, [user.secondFactor.passwordlessUserId], { cap: 10 });
    expect(scan).toMatchObject({ scanned: 10, complete: false });
    const whole = await scanPointers(core, KEY, [user.secondFactor.passwordlessUserId]);
    expect(whole.complete).toBe(true);
    expect(whole.pointers.get(user.secondFactor.passwordlessUserId)?.map((p) => p.userId)).toContain(user.id);
  });

  it("proves nothing: replace gives the user a new phone user, and clear keeps the old one", async () => {
    const e = aloneEnrolled();
    const old = e.secondFactor.passwordlessUserId;
    const replaced = await capped().run({ userId: e.id, reason: "r", ticket: "T", action: { kind: "replace", phoneNumber: "+14155550132" } });
    expect(replaced.after.state === "enrolled" && replaced.after.passwordlessUserId).not.toBe(old);
    expect(replaced.steps.find((s) => s.step === "check-shared")?.detail).toContain("possibly shared");
    expect((await onCore.user(old))?.phoneNumbers).toEqual([e.secondFactor.phoneNumber]);

    const f = aloneEnrolled();
    const cleared = await capped().run({ userId: f.id, reason: "r", ticket: "T", action: { kind: "clear", deletePasswordlessUser: true } });
    expect(cleared.oldPasswordlessUser).toBe("kept");
    expect(cleared.steps.find((s) => s.step === "delete-phone-user")?.detail).toContain("stopped at 10 users");
    expect(await onCore.user(f.secondFactor.passwordlessUserId)).toBeDefined();
  });
});
