/**
 * The second-factor reset (issue 6) and the problems report, on the embedded core with the demo
 * data: replace, clear (delete/keep), broken links, conflicts, reruns, roles, audit.
 */
import supertokens from "supertokens-node";
import UserMetadata from "supertokens-node/recipe/usermetadata";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { CoreClient } from "../../main/core/core-client.ts";
import type { UserRow } from "../../shared/contract/schemas.ts";
import { directCore, expectFailure, profileInput, startTestGatehouse, type TestGatehouse } from "./helpers/gatehouse.ts";
import { createSession } from "./helpers/samples.ts";

let t: TestGatehouse;
let core: CoreClient;
let rows: UserRow[];

type Enrolled = UserRow & { secondFactor: { state: "enrolled"; passwordlessUserId: string; phoneNumber: string } };
const enrolled = (): Enrolled[] => rows.filter((r): r is Enrolled => r.secondFactor.state === "enrolled");
const used = new Set<string>();
/** An enrolled demo user no other test touches (and not one of the two sharing a phone user). */
function freshEnrolled(): Enrolled {
  const counts = new Map<string, number>();
  for (const r of enrolled()) counts.set(r.secondFactor.passwordlessUserId, (counts.get(r.secondFactor.passwordlessUserId) ?? 0) + 1);
  const pick = enrolled().find((r) => !used.has(r.id) && counts.get(r.secondFactor.passwordlessUserId) === 1);
  if (!pick) throw new Error("no enrolled demo user left");
  used.add(pick.id);
  return pick;
}
const sessionsOf = async (userId: string) => core.sdk(() => import("supertokens-node/recipe/session").then((S) => S.default.getAllSessionHandlesForUser(userId, true)));
const reset = (userId: string, action: object, extra: object = {}) => t.invoke("secondFactor.reset", { userId, reason: "lost phone", ticket: "SUP-42", action, ...extra });

beforeAll(async () => {
  t = await startTestGatehouse();
  core = directCore(t.coreUrl);
  rows = (await t.client.invoke("users.list", { tenantId: "public", order: "oldest", limit: 500 })).rows;
});

afterAll(async () => {
  await t?.close();
});

describe("secondFactor.reset", () => {
  it("replaces the phone of an enrolled user, ends both users' sessions and audits before/after", async () => {
    const user = freshEnrolled();
    const plId = user.secondFactor.passwordlessUserId;
    await createSession(core, user.id);
    await createSession(core, user.id);
    await createSession(core, plId);
    // The dialog is told first: the phone user is this user's alone, so it is changed in place.
    const preview = await t.client.invoke("secondFactor.resetPreview", { userId: user.id });
    expect(preview).toMatchObject({ state: user.secondFactor, shared: { others: [], complete: true }, replaceInPlace: true, clearMayDelete: true, keepReason: "none", defaultRegion: "US", pending: null });
    const out = await t.client.invoke("secondFactor.reset", { userId: user.id, reason: "lost phone", ticket: "SUP-42", action: { kind: "replace", phoneNumber: "(415) 555-0142" } });
    expect(out.before).toEqual({ state: "enrolled", passwordlessUserId: plId, phoneNumber: user.secondFactor.phoneNumber });
    expect(out.after).toEqual({ state: "enrolled", passwordlessUserId: plId, phoneNumber: "+14155550142" });
    expect(out.sessionsRevoked).toBe(3);
    expect(out.alreadyDone).toBe(false);
    expect(await sessionsOf(user.id)).toEqual([]);
    expect(await sessionsOf(plId)).toEqual([]);
    const pl = await core.sdk(() => supertokens.getUser(plId));
    expect(pl?.phoneNumbers).toEqual(["+14155550142"]);

    const entry = (await t.auditEntries()).at(-1);
    expect(entry).toMatchObject({ operation: "secondFactor.reset", target: user.id, outcome: "ok", input: { reason: "lost phone", ticket: "SUP-42" } });
    const detail = JSON.parse(entry?.detail ?? "{}") as { before: unknown; after: unknown };
    expect(detail.before).toEqual(out.before);
    expect(detail.after).toEqual(out.after);

    // Run again: nothing left to do.
    const again = await t.client.invoke("secondFactor.reset", { userId: user.id, reason: "lost phone", ticket: "SUP-42", action: { kind: "replace", phoneNumber: "+14155550142" } });
    expect(again.alreadyDone).toBe(true);
    expect(again.sessionsRevoked).toBe(0);
    expect(again.steps.filter((s) => s.status === "done").map((s) => s.step)).toEqual(["read", "check-shared", "check-phone"]);
  });

  it("refuses a phone another user has, with CONFLICT, and changes nothing", async () => {
    const user = freshEnrolled();
    const other = freshEnrolled();
    await createSession(core, user.id);
    const error = await expectFailure(reset(user.id, { kind: "replace", phoneNumber: other.secondFactor.phoneNumber }), "CONFLICT");
    expect(error.message).toContain("already belongs to another user");
    expect(error.message).toContain("Nothing was changed");
    const detail = await t.client.invoke("users.get", { userId: user.id });
    expect(detail.secondFactor).toEqual(user.secondFactor);
    expect(await sessionsOf(user.id)).toHaveLength(1);
  });

  it("clears the enrollment and deletes the old phone user", async () => {
    const user = freshEnrolled();
    const plId = user.secondFactor.passwordlessUserId;
    await createSession(core, user.id);
    const out = await t.client.invoke("secondFactor.reset", { userId: user.id, reason: "new phone", ticket: "SUP-43", action: { kind: "clear", deletePasswordlessUser: true } });
    expect(out.after).toEqual({ state: "none" });
    expect(out.oldPasswordlessUser).toBe("deleted");
    expect(await core.sdk(() => supertokens.getUser(plId))).toBeUndefined();
    const { metadata } = await core.sdk(() => UserMetadata.getUserMetadata(user.id));
    expect(metadata).not.toHaveProperty("passwordlessUserId");
    expect(await sessionsOf(user.id)).toEqual([]);
    const again = await t.client.invoke("secondFactor.reset", { userId: user.id, reason: "new phone", ticket: "SUP-43", action: { kind: "clear", deletePasswordlessUser: true } });
    expect(again.alreadyDone).toBe(true);
  });

  it("clears the enrollment and keeps the old phone user when so chosen", async () => {
    const user = freshEnrolled();
    const plId = user.secondFactor.passwordlessUserId;
    await createSession(core, plId);
    const out = await t.client.invoke("secondFactor.reset", { userId: user.id, reason: "new phone", ticket: "SUP-44", action: { kind: "clear", deletePasswordlessUser: false } });
    expect(out.oldPasswordlessUser).toBe("kept");
    expect(out.steps.find((s) => s.step === "delete-phone-user")?.detail).toContain("kept");
    expect((await core.sdk(() => supertokens.getUser(plId)))?.phoneNumbers).toEqual([user.secondFactor.phoneNumber]);
    expect(await sessionsOf(plId)).toEqual([]);
    expect((await t.client.invoke("users.get", { userId: user.id })).secondFactor).toEqual({ state: "none" });
  });

  it("relinks a broken link (missing user) to a new Passwordless user for the phone", async () => {
    const broken = rows.find((r) => r.secondFactor.state === "broken" && r.secondFactor.reason === "missing-user");
    if (!broken) throw new Error("no broken demo link");
    const out = await t.client.invoke("secondFactor.reset", { userId: broken.id, reason: "broken link", ticket: "SUP-45", action: { kind: "replace", phoneNumber: "+12025550173" } });
    expect(out.before.state).toBe("broken");
    expect(out.after.state).toBe("enrolled");
    if (out.after.state !== "enrolled") return;
    expect(out.after.phoneNumber).toBe("+12025550173");
    expect(out.after.passwordlessUserId).not.toBe(broken.secondFactor.state === "broken" ? broken.secondFactor.passwordlessUserId : "");
    expect(out.steps.filter((s) => s.status === "done").map((s) => s.step)).toEqual(["read", "check-phone", "create-phone-user", "link"]);
    expect(out.shared).toBeNull(); // the linked user does not exist: no one to share it with
    const again = await t.client.invoke("secondFactor.reset", { userId: broken.id, reason: "broken link", ticket: "SUP-45", action: { kind: "replace", phoneNumber: "+1 202 555 0173" } });
    expect(again.alreadyDone).toBe(true);
    expect(again.after).toEqual(out.after);
  });

  it("resumes a reset that stopped half-way without repeating the done steps", async () => {
    const user = freshEnrolled();
    await createSession(core, user.id);
    // The first run ends at the session step: the Core goes away after the phone change.
    const stop = vi.spyOn((await import("../../main/services/second-factor/sessions.ts")), "revokeStaleSessions");
    stop.mockRejectedValueOnce(new Error("connect ECONNREFUSED"));
    const failed = await expectFailure(reset(user.id, { kind: "replace", phoneNumber: "+14155550177" }), "INTERNAL");
    stop.mockRestore();
    expect(failed.message).toContain('Step "revoke-sessions"');
    expect(failed.message).toContain("Run the reset again");
    expect(await sessionsOf(user.id)).toHaveLength(1);
    const out = await t.client.invoke("secondFactor.reset", { userId: user.id, reason: "lost phone", ticket: "SUP-42", action: { kind: "replace", phoneNumber: "+14155550177" } });
    expect(out.resumed).toBe(true);
    expect(out.before).toEqual(user.secondFactor);
    expect(out.steps.find((s) => s.step === "update-phone")?.status).toBe("already");
    expect(out.sessionsRevoked).toBe(1);
  });

  it("rejects a missing reason or ticket", async () => {
    const user = freshEnrolled();
    expect((await expectFailure(reset(user.id, { kind: "clear", deletePasswordlessUser: false }, { reason: " " }), "VALIDATION")).field).toBe("reason");
    expect((await expectFailure(reset(user.id, { kind: "clear", deletePasswordlessUser: false }, { ticket: "" }), "VALIDATION")).field).toBe("ticket");
    expect((await expectFailure(reset(user.id, { kind: "replace", phoneNumber: "12" }), "VALIDATION")).message).toContain("not a valid phone number");
    used.delete(user.id);
  });

  it("is refused to an auditor, and nothing changes", async () => {
    const user = freshEnrolled();
    const admin = (await t.client.invoke("session.whoami", {})).profile?.id ?? "";
    const auditor = (await t.client.invoke("profiles.create", profileInput("Auditor", [t.coreUrl], { role: "auditor" }))).id;
    await t.client.invoke("profiles.switch", { id: auditor });
    try {
      await expectFailure(reset(user.id, { kind: "clear", deletePasswordlessUser: true }), "FORBIDDEN");
      const detail = await t.client.invoke("users.get", { userId: user.id });
      expect(detail.secondFactor.state).toBe("enrolled");
      expect(detail.secondFactor.state === "enrolled" && detail.secondFactor.phoneNumber).toContain("••••");
    } finally {
      await t.client.invoke("profiles.switch", { id: admin });
    }
    expect((await t.client.invoke("users.get", { userId: user.id })).secondFactor).toEqual(user.secondFactor);
  });
});

describe("secondFactor.report", () => {
  it("finds the demo data's broken links, orphans and the shared phone user, and exports CSV", async () => {
    const fresh = await startTestGatehouse();
    try {
      const report = await fresh.client.invoke("secondFactor.report", { tenantId: "public" });
      const kinds = (k: string) => report.problems.filter((p) => p.kind === k);
      expect(kinds("missing-user")).toHaveLength(1);
      expect(kinds("missing-user")[0]?.passwordlessUserId).toBe("9d1c2e6a-0000-4000-8000-00000000dead");
      expect(kinds("no-phone")).toHaveLength(1);
      expect(kinds("shared")).toHaveLength(1);
      expect(kinds("shared")[0]?.userIds).toHaveLength(2);
      expect(kinds("orphan").length).toBeGreaterThan(0);
      expect(kinds("orphan").every((p) => p.phoneNumber.startsWith("+"))).toBe(true);
      const csv = await fresh.client.invoke("secondFactor.reportCsv", { tenantId: "public" });
      expect(csv.rows).toBe(report.problems.length);
      expect(csv.csv.split("\r\n")[0]).toBe("kind,user_ids,users,passwordless_user_id,phone_number,detail");
    } finally {
      await fresh.close();
    }
  });
});
