/**
 * Issue 10 item 4: a refused reset changes nothing and records nothing, and an unfinished reset
 * never locks support out. A record that changed nothing on the Core is set aside by the next
 * choice; one that did is finished (run again) or abandoned (an explicit, audited choice). An
 * earlier run that changed a shared phone user in place ends the other user's sessions when it is
 * finished. Effects are read on the Core with raw CDI calls.
 */
import { join } from "node:path";
import supertokens from "supertokens-node";
import Passwordless from "supertokens-node/recipe/passwordless";
import Session from "supertokens-node/recipe/session";
import UserMetadata from "supertokens-node/recipe/usermetadata";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { CoreClient } from "../../main/core/core-client.ts";
import * as pointers from "../../main/services/second-factor/pointers.ts";
import * as sessions from "../../main/services/second-factor/sessions.ts";
import { openStore, type StoreDb } from "../../main/store/database.ts";
import type { UserRow } from "../../shared/contract/schemas.ts";
import { DEFAULT_DATA_CONTRACT } from "../../shared/data-contract.ts";
import { coreReads } from "./helpers/core-reads.ts";
import { directCore, expectFailure, startTestGatehouse, type TestGatehouse } from "./helpers/gatehouse.ts";

const KEY = DEFAULT_DATA_CONTRACT.secondFactorUserIdKey;
let t: TestGatehouse;
let core: CoreClient;
let store: StoreDb;
let profileId: string;
let onCore: ReturnType<typeof coreReads>;
let rows: UserRow[];

type Enrolled = UserRow & { secondFactor: { state: "enrolled"; passwordlessUserId: string; phoneNumber: string } };
const isEnrolled = (r: UserRow): r is Enrolled => r.secondFactor.state === "enrolled";
const used = new Set<string>();
function aloneEnrolled(): Enrolled {
  const counts = new Map<string, number>();
  for (const r of rows.filter(isEnrolled)) counts.set(r.secondFactor.passwordlessUserId, (counts.get(r.secondFactor.passwordlessUserId) ?? 0) + 1);
  const pick = rows.filter(isEnrolled).find((r) => !used.has(r.id) && counts.get(r.secondFactor.passwordlessUserId) === 1);
  if (!pick) throw new Error("no enrolled demo user left");
  used.add(pick.id);
  return pick;
}

const sessionWith = async (userId: string, payload: Record<string, unknown> = {}) =>
  (await core.sdk(() => Session.createNewSessionWithoutRequestResponse("public", supertokens.convertToRecipeUserId(userId), payload))).getHandle();
const input = (userId: string, action: object) => ({ userId, reason: "lost phone", ticket: "SUP-9", action });
const journalRows = (userId: string) => (store.prepare("SELECT COUNT(*) AS n FROM second_factor_resets WHERE user_id = ?").get(userId) as { n: number }).n;
const preview = (userId: string) => t.client.invoke("secondFactor.resetPreview", { userId });

beforeAll(async () => {
  t = await startTestGatehouse();
  core = directCore(t.coreUrl);
  onCore = coreReads(t.coreUrl);
  // The Gatehouse store, read (and, for a record the old code left, written) beside the running console.
  store = openStore(join(t.dataDir, "gatehouse.sqlite"));
  profileId = (await t.client.invoke("session.whoami", {})).profile?.id ?? "";
  rows = (await t.client.invoke("users.list", { tenantId: "public", order: "oldest", limit: 500 })).rows;
});

afterAll(async () => {
  store?.close();
  await t?.close();
});

describe("a refused reset", () => {
  it("records nothing: the same replace is refused again for its own reason, and another reset succeeds", async () => {
    const user = aloneEnrolled();
    const other = aloneEnrolled();
    const refused = await expectFailure(t.invoke("secondFactor.reset", input(user.id, { kind: "replace", phoneNumber: other.secondFactor.phoneNumber })), "CONFLICT");
    expect(refused.message).toContain("already belongs to another user");
    expect(journalRows(user.id)).toBe(0);
    expect((await preview(user.id)).pending).toBeNull();

    const again = await expectFailure(t.invoke("secondFactor.reset", input(user.id, { kind: "replace", phoneNumber: other.secondFactor.phoneNumber })), "CONFLICT");
    expect(again.message).toContain("already belongs to another user");

    const replaced = await t.client.invoke("secondFactor.reset", input(user.id, { kind: "replace", phoneNumber: "+14155550141" }) as never);
    expect(replaced).toMatchObject({ resumed: false, after: { state: "enrolled", phoneNumber: "+14155550141" } });
    const cleared = await t.client.invoke("secondFactor.reset", input(user.id, { kind: "clear", deletePasswordlessUser: false }) as never);
    expect(cleared.after).toEqual({ state: "none" });
    expect(await onCore.metadata(user.id)).not.toHaveProperty(KEY);
    expect(journalRows(user.id)).toBe(0);
  });

  it("a failure before the first change records nothing, and says there is nothing to finish", async () => {
    const user = aloneEnrolled();
    const stop = vi.spyOn(pointers, "scanPointers").mockRejectedValueOnce(new Error("connect ECONNREFUSED"));
    try {
      const failed = await expectFailure(t.invoke("secondFactor.reset", input(user.id, { kind: "replace", phoneNumber: "+14155550146" })), "INTERNAL");
      expect(failed.message).toContain("Nothing was changed in this run");
      expect(failed.message).toContain("Nothing needs finishing");
    } finally {
      stop.mockRestore();
    }
    expect(journalRows(user.id)).toBe(0);
    expect((await onCore.user(user.secondFactor.passwordlessUserId))?.phoneNumbers).toEqual([user.secondFactor.phoneNumber]);
  });

  it("a record that changed nothing on the Core (as the old code left after a refused check) is set aside by the next choice", async () => {
    const user = aloneEnrolled();
    const other = aloneEnrolled();
    store
      .prepare("INSERT INTO second_factor_resets (profile_id, user_id, action, before, started_at) VALUES (?, ?, ?, ?, ?)")
      .run(profileId, user.id, `replace:${other.secondFactor.phoneNumber}`, JSON.stringify(user.secondFactor), Date.now() - 60_000);
    expect((await preview(user.id)).pending).toMatchObject({ action: { kind: "replace", phoneNumber: other.secondFactor.phoneNumber }, changedOnCore: false, summary: "" });

    const out = await t.client.invoke("secondFactor.reset", input(user.id, { kind: "clear", deletePasswordlessUser: true }) as never);
    expect(out.resumed).toBe(false);
    expect(out.steps[0]?.detail).toContain("had changed nothing on the Core and was set aside");
    expect(out.after).toEqual({ state: "none" });
    expect(journalRows(user.id)).toBe(0);
  });
});

describe("an unfinished reset that changed the Core", () => {
  async function halfDone(user: Enrolled, phoneNumber: string): Promise<void> {
    // The first run stops at the session step: the phone change is in place, the sessions are not ended.
    const stop = vi.spyOn(sessions, "revokeStaleSessions").mockRejectedValueOnce(new Error("connect ECONNREFUSED"));
    try {
      const failed = await expectFailure(t.invoke("secondFactor.reset", input(user.id, { kind: "replace", phoneNumber })), "INTERNAL");
      expect(failed.message).toContain("or abandon it");
    } finally {
      stop.mockRestore();
    }
    expect(journalRows(user.id)).toBe(1);
  }

  it("refuses another choice, naming both ways out; abandoning it is audited and then the other choice proceeds", async () => {
    const user = aloneEnrolled();
    const stale = await sessionWith(user.id, { phoneNumber: user.secondFactor.phoneNumber, "2fa-completed": true });
    await halfDone(user, "+14155550143");

    const seen = await preview(user.id);
    expect(seen.pending).toMatchObject({ action: { kind: "replace", phoneNumber: "+14155550143" }, changedOnCore: true });
    expect(seen.pending?.summary).toContain("+14155550143");
    const refused = await expectFailure(t.invoke("secondFactor.reset", input(user.id, { kind: "clear", deletePasswordlessUser: false })), "CONFLICT");
    expect(refused.message).toContain("Finish it");
    expect(refused.message).toContain("abandon it");

    const abandoned = await t.client.invoke("secondFactor.reset", input(user.id, { kind: "abandon" }) as never);
    expect(abandoned.action).toEqual({ kind: "abandon" });
    expect(abandoned.before).toEqual(user.secondFactor);
    expect(abandoned.after).toMatchObject({ state: "enrolled", phoneNumber: "+14155550143" });
    expect(abandoned.steps.find((s) => s.step === "abandon")).toMatchObject({ status: "done", detail: expect.stringContaining("The Core keeps what it did") });
    const entry = (await t.auditEntries()).at(-1);
    expect(entry).toMatchObject({ operation: "secondFactor.reset", target: user.id, outcome: "ok", input: { reason: "lost phone", ticket: "SUP-9", action: { kind: "abandon" } } });
    expect((await preview(user.id)).pending).toBeNull();
    // Nothing on the Core was touched by abandoning: the session the first run left is still there.
    expect(await onCore.sessions(user.id)).toContain(stale);

    const cleared = await t.client.invoke("secondFactor.reset", input(user.id, { kind: "clear", deletePasswordlessUser: false }) as never);
    expect(cleared.after).toEqual({ state: "none" });
    expect(await onCore.sessions(user.id)).not.toContain(stale);
    expect(journalRows(user.id)).toBe(0);
  });

  it("finishes when run again with the same choice", async () => {
    const user = aloneEnrolled();
    const stale = await sessionWith(user.id, { phoneNumber: user.secondFactor.phoneNumber, "2fa-completed": true });
    await halfDone(user, "+14155550144");
    const out = await t.client.invoke("secondFactor.reset", input(user.id, { kind: "replace", phoneNumber: "+1 415 555 0144" }) as never);
    expect(out.resumed).toBe(true);
    expect(out.steps.find((s) => s.step === "update-phone")?.status).toBe("already");
    expect(await onCore.sessions(user.id)).not.toContain(stale);
    expect(journalRows(user.id)).toBe(0);
  });

  it("finishing an earlier run that changed a shared phone user in place ends the other user's stale sessions too", async () => {
    // What the code before the fix did: phone user W, shared by g and h, got g's new phone.
    const g = aloneEnrolled();
    const h = rows.find((r) => !used.has(r.id) && r.secondFactor.state === "none" && r.loginMethods.join() === "emailpassword" && r.roles.length === 0 && !r.superTokensUserId);
    if (!h) throw new Error("no plain demo user");
    used.add(h.id);
    const w = g.secondFactor.passwordlessUserId;
    await core.sdk(() => UserMetadata.updateUserMetadata(h.id, { [KEY]: w }));
    const hStale = await sessionWith(h.id, { phoneNumber: g.secondFactor.phoneNumber, "2fa-completed": true });
    const gStale = await sessionWith(g.id, { phoneNumber: g.secondFactor.phoneNumber, "2fa-completed": true });
    const changedAt = Date.now();
    await core.sdk(() => Passwordless.updateUser({ recipeUserId: supertokens.convertToRecipeUserId(w), phoneNumber: "+14155550145" }));
    store
      .prepare("INSERT INTO second_factor_resets (profile_id, user_id, action, before, started_at, changed_at) VALUES (?, ?, ?, ?, ?, ?)")
      .run(profileId, g.id, "replace:+14155550145", JSON.stringify(g.secondFactor), changedAt - 1000, changedAt);

    const out = await t.client.invoke("secondFactor.reset", input(g.id, { kind: "replace", phoneNumber: "+14155550145" }) as never);
    expect(out.resumed).toBe(true);
    expect(out.sessionsEndedFor).toEqual([g.id, h.id]);
    expect(await onCore.sessions(g.id)).not.toContain(gStale);
    expect(await onCore.sessions(h.id)).not.toContain(hStale);
    expect(out.steps.find((s) => s.step === "revoke-sessions")?.detail).toContain("1 other user(s) whose second factor changed");
  });
});
