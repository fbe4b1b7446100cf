/**
 * The Users list's filters answered from the local user index: second-factor state (enrolled,
 * broken with why, none) while the index is fresh — the same users the bounded scan of the Core
 * finds once it is stale —, invited/accepted, temporary password; phones masked for auditors;
 * before the first scan the index filters say how to build the index. Links set on users already
 * indexed are seen by the next full scan.
 */
import supertokens from "supertokens-node";
import UserMetadata from "supertokens-node/recipe/usermetadata";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectFailure } from "../helpers/gatehouse.ts";
import { C, passwordless, scan, signUp, startWorld, type World } from "./world.ts";

let clock = Date.now();
let w: World;
const ids = {} as Record<"phone" | "emailOnly" | "enrolled" | "missing" | "noPhone" | "plain" | "empty" | "invited" | "accepted" | "temporary", string>;
const meta = (id: string, m: Record<string, unknown>) => w.app.sdk(() => UserMetadata.updateUserMetadata(id, m as never));
const list = async (filter: Record<string, unknown>) => w.client.invoke("users.list", { tenantId: "public", order: "oldest", limit: 100, ...filter });

beforeAll(async () => {
  w = await startWorld({ now: () => clock });
  ids.phone = await passwordless(w.app, { phoneNumber: "+14155550142" });
  ids.emailOnly = await passwordless(w.app, { email: "no-phone@filters.test" });
  ids.enrolled = await signUp(w.app, "enrolled@filters.test");
  ids.missing = await signUp(w.app, "missing@filters.test");
  ids.noPhone = await signUp(w.app, "nophone@filters.test");
  ids.plain = await signUp(w.app, "plain@filters.test");
  ids.empty = await signUp(w.app, "empty-link@filters.test");
  ids.invited = await passwordless(w.app, { email: "invited@filters.test" });
  ids.accepted = await passwordless(w.app, { email: "accepted@filters.test" });
  ids.temporary = await signUp(w.app, "temporary@filters.test");
  await meta(ids.enrolled, { [C.secondFactorUserIdKey]: ids.phone });
  await meta(ids.missing, { [C.secondFactorUserIdKey]: "a-user-that-is-gone" });
  await meta(ids.noPhone, { [C.secondFactorUserIdKey]: ids.emailOnly });
  await meta(ids.empty, { [C.secondFactorUserIdKey]: "" });
  await meta(ids.invited, { [C.inviteKey]: { invitedAt: clock, invitedBy: "ada" } });
  await meta(ids.accepted, { [C.inviteKey]: { invitedAt: clock, invitedBy: "ada", acceptedAt: clock + 1 } });
  await meta(ids.temporary, { [C.temporaryPasswordKey]: true });
});

afterAll(async () => {
  await w?.close();
});

describe("before the first scan", () => {
  it("says how to build the index for its own filters, and scans the Core for the second factor", async () => {
    const error = await expectFailure(w.t.invoke("users.list", { tenantId: "public", order: "oldest", limit: 10, temporaryPassword: true }), "CONFLICT");
    expect(error.message).toMatch(/Migration screen \(Scan\)/);
    const scanned = await list({ secondFactor: "enrolled" });
    expect(scanned.index).toBeUndefined();
    expect(scanned.scanned).toBeGreaterThan(0);
    expect(scanned.rows.map((r) => r.id)).toEqual([ids.enrolled]);
  });
});

describe("from a fresh index", () => {
  beforeAll(async () => {
    await scan(w.client, "full");
  });

  it("answers the second-factor states, with the phone and why a link is broken", async () => {
    const enrolled = await list({ secondFactor: "enrolled" });
    expect(enrolled.index).toMatchObject({ state: "ready", stale: false, matches: 1 });
    expect(enrolled.rows.map((r) => [r.id, r.secondFactor])).toEqual([[ids.enrolled, { state: "enrolled", passwordlessUserId: ids.phone, phoneNumber: "+14155550142" }]]);
    const broken = await list({ secondFactor: "broken" });
    expect(broken.rows.map((r) => [r.id, r.secondFactor])).toEqual([
      [ids.missing, { state: "broken", passwordlessUserId: "a-user-that-is-gone", reason: "missing-user" }],
      [ids.noPhone, { state: "broken", passwordlessUserId: ids.emailOnly, reason: "no-phone" }],
    ]);
    const none = await list({ secondFactor: "none" });
    expect(none.rows.map((r) => r.id)).toEqual(expect.arrayContaining([ids.plain, ids.empty, ids.phone, ids.invited]));
    expect(none.index?.matches).toBe(7);
  });

  it("finds the same users as the scan of the Core does once the index is stale", async () => {
    const fromIndex = await Promise.all((["enrolled", "broken", "none"] as const).map((s) => list({ secondFactor: s })));
    clock += 16 * 60_000;
    const fromCore = await Promise.all((["enrolled", "broken", "none"] as const).map((s) => list({ secondFactor: s })));
    expect(fromCore.every((p) => p.index === undefined)).toBe(true);
    expect(fromCore.map((p) => p.rows.map((r) => r.id).sort())).toEqual(fromIndex.map((p) => p.rows.map((r) => r.id).sort()));
    expect(fromCore.map((p) => p.rows.map((r) => r.secondFactor))).toEqual(fromIndex.map((p) => p.rows.map((r) => r.secondFactor)));
    await scan(w.client, "refresh");
  });

  it("answers invited and accepted, and the temporary password", async () => {
    expect((await list({ invite: "invited" })).rows.map((r) => r.id)).toEqual([ids.invited]);
    expect((await list({ invite: "accepted" })).rows.map((r) => r.id)).toEqual([ids.accepted]);
    const temp = await list({ temporaryPassword: true });
    expect(temp.rows.map((r) => [r.id, r.temporaryPassword])).toEqual([[ids.temporary, true]]);
    expect((await list({ temporaryPassword: false })).index?.matches).toBe(Object.keys(ids).length - 1);
    const byDomain = await list({ temporaryPassword: false, search: "filters.test" });
    expect(byDomain.rows.length).toBe(8);
    const exported = await w.client.invoke("users.export", { tenantId: "public", order: "oldest", invite: "accepted" });
    expect(exported.index?.state).toBe("ready");
    expect(exported.csv).toContain("accepted@filters.test");
    expect(exported.rows).toBe(1);
  });

  it("masks the enrolled phone for auditors", async () => {
    await w.client.invoke("profiles.update", { id: w.profileId, role: "auditor" });
    try {
      const enrolled = await list({ secondFactor: "enrolled" });
      expect(enrolled.rows[0]?.secondFactor).toMatchObject({ state: "enrolled", phoneNumber: "+1 415 •••• 0142" });
      const csv = (await w.client.invoke("users.export", { tenantId: "public", order: "oldest", secondFactor: "enrolled" })).csv;
      expect(csv).toContain("+1 415 •••• 0142");
      expect(csv).not.toContain("+14155550142");
    } finally {
      await w.t.invoke("profiles.update", { id: w.profileId, role: "admin" });
    }
  });

  it("sees a link set on an indexed user at the next full scan, and a deleted phone user breaks its link", async () => {
    await meta(ids.plain, { [C.secondFactorUserIdKey]: ids.phone });
    await w.app.sdk(() => supertokens.deleteUser(ids.emailOnly));
    await scan(w.client, "full");
    expect((await list({ secondFactor: "enrolled" })).rows.map((r) => r.id)).toEqual([ids.enrolled, ids.plain]);
    expect((await list({ secondFactor: "broken" })).rows.map((r) => [r.id, r.secondFactor.state === "broken" ? r.secondFactor.reason : ""])).toEqual([
      [ids.missing, "missing-user"],
      [ids.noPhone, "missing-user"],
    ]);
  });
});
