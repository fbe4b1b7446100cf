/**
 * Admins' operations on operators, against the embedded core (checked there with raw CDI reads):
 * only admins may; invite gives a one-time link and an "invited" operator; list shows roles, state
 * and sessions; setting a role or removing an operator ends their sessions at once (no role-check
 * interval); the server never loses its last admin who can sign in.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Caller } from "../../main/team/types.ts";
import { startTeamFixture, tokenOf, type TeamFixture } from "./support/team-fixture.ts";

let f: TeamFixture;
let admin: Caller;
let adminToken: string;
let support: Caller;
const ADDR = "192.0.2.80";

beforeAll(async () => {
  // A long role check: what ends sessions here is the change itself, not the periodic check.
  f = await startTeamFixture({ limits: { roleCheckMs: 3_600_000 } });
  const a = await f.operator("root@example.com", "admin");
  ({ caller: admin, token: adminToken } = await f.signIn("root@example.com", a.password));
  const s = await f.operator("sam@example.com", "support");
  support = (await f.signIn("sam@example.com", s.password)).caller;
});
afterAll(() => f.close());

describe("who may", () => {
  it("refuses support and auditors every admin operation", async () => {
    const forbidden = { code: "FORBIDDEN", message: expect.stringMatching(/Only admins.*signed in as support/) };
    await expect(f.team.admin.list(support)).rejects.toMatchObject(forbidden);
    await expect(f.team.admin.invite(support, { email: "x@example.com", role: "admin" })).rejects.toMatchObject(forbidden);
    await expect(f.team.admin.setRole(support, { userId: support.userId, role: "admin" })).rejects.toMatchObject(forbidden);
    await expect(f.team.admin.remove(support, { userId: admin.userId })).rejects.toMatchObject(forbidden);
    expect(await f.core.roles(support.userId)).toEqual(["gatehouse-operator:support"]);
    expect(await f.core.byContact({ email: "x@example.com" })).toEqual([]);
  });
});

describe("invite and list", () => {
  let invitedId = "";

  it("refuses bad input by field, then invites: an invited operator with a link that works once", async () => {
    await expect(f.team.admin.invite(admin, { email: "no at sign", role: "support" })).rejects.toMatchObject({ code: "VALIDATION", field: "email" });
    await expect(f.team.admin.invite(admin, { email: "tia@example.com" })).rejects.toMatchObject({ code: "VALIDATION", field: "role" });
    const { operator, link } = await f.team.admin.invite(admin, { email: "tia@example.com", role: "auditor" });
    invitedId = operator.userId;
    expect(operator).toEqual({
      userId: invitedId,
      email: "tia@example.com",
      role: "auditor",
      status: "invited",
      secondFactor: false,
      activeSessions: 0,
      invitedAt: f.now(),
      invitedBy: "root@example.com",
    });
    expect(link.expiresAt).toBe(f.now() + 72 * 3_600_000);
    expect(await f.core.roles(invitedId)).toEqual(["gatehouse-operator:auditor"]);
    await f.team.setPassword({ token: tokenOf(link.url), password: "tia's long passphrase" }, ADDR);
    await expect(f.team.admin.invite(admin, { email: "tia@example.com", role: "auditor" })).rejects.toMatchObject({ code: "CONFLICT" });
  });

  it("lists every operator with role, state and open sessions, by email", async () => {
    await f.team.admin.invite(admin, { email: "uma@example.com", role: "support" });
    const list = await f.team.admin.list(admin);
    expect(list.map((o) => [o.email, o.role, o.status, o.activeSessions])).toEqual([
      ["root@example.com", "admin", "active", 1],
      ["sam@example.com", "support", "active", 1],
      ["tia@example.com", "auditor", "active", 0],
      ["uma@example.com", "support", "invited", 0],
    ]);
  });
});

describe("set role", () => {
  it("ends the operator's sessions at once; their next sign-in has the new role", async () => {
    const extra = await f.signIn("sam@example.com", "pw-sam@example.com-Correct-Horse");
    const session = await f.signIn("sam@example.com", "pw-sam@example.com-Correct-Horse");
    await expect(f.team.admin.setRole(admin, { userId: support.userId, role: "superuser" })).rejects.toMatchObject({ code: "VALIDATION", field: "role" });
    await expect(f.team.admin.setRole(admin, { userId: "no-such-user", role: "auditor" })).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(await f.team.sessions.verify(session.token, ADDR)).toMatchObject({ role: "support" });

    const { operator, endedSessions } = await f.team.admin.setRole(admin, { userId: support.userId, role: "auditor" });
    expect(operator.role).toBe("auditor");
    expect(endedSessions).toBe(3);
    for (const token of [session.token, extra.token]) await expect(f.team.sessions.verify(token, ADDR)).rejects.toMatchObject({ code: "UNAUTHENTICATED" });
    expect(await f.core.roles(support.userId)).toEqual(["gatehouse-operator:auditor"]);
    expect((await f.signIn("sam@example.com", "pw-sam@example.com-Correct-Horse")).caller.role).toBe("auditor");
  });

  it("setting the role an operator has already changes nothing and ends nothing", async () => {
    const session = await f.signIn("sam@example.com", "pw-sam@example.com-Correct-Horse");
    expect((await f.team.admin.setRole(admin, { userId: support.userId, role: "auditor" })).endedSessions).toBe(0);
    expect(await f.team.sessions.verify(session.token, ADDR)).toMatchObject({ role: "auditor" });
  });
});

describe("remove", () => {
  it("ends the operator's sessions at once and deletes them from the directory's Core", async () => {
    const session = await f.signIn("sam@example.com", "pw-sam@example.com-Correct-Horse");
    const { email, endedSessions } = await f.team.admin.remove(admin, { userId: support.userId });
    expect(email).toBe("sam@example.com");
    expect(endedSessions).toBeGreaterThanOrEqual(1);
    await expect(f.team.sessions.verify(session.token, ADDR)).rejects.toMatchObject({ code: "UNAUTHENTICATED" });
    expect(await f.core.user(support.userId)).toBeUndefined();
    expect(await f.core.roles(support.userId)).toEqual([]);
    await expect(f.team.signIn.withPassword({ email: "sam@example.com", password: "pw-sam@example.com-Correct-Horse" }, ADDR)).rejects.toMatchObject({ code: "SIGN_IN_FAILED" });
    await expect(f.team.admin.remove(admin, { userId: support.userId })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});

describe("the last admin", () => {
  it("cannot be demoted or removed while no other admin can sign in; can once one can", async () => {
    const last = { code: "CONFLICT", message: expect.stringMatching(/last admin who can sign in/) };
    await expect(f.team.admin.setRole(admin, { userId: admin.userId, role: "support" })).rejects.toMatchObject(last);
    expect(await f.team.sessions.verify(adminToken, ADDR)).toMatchObject({ role: "admin" });
    await expect(f.team.admin.remove(admin, { userId: admin.userId })).rejects.toMatchObject(last);
    // An invited admin who never set a password does not count.
    const { operator, link } = await f.team.admin.invite(admin, { email: "vic@example.com", role: "admin" });
    await expect(f.team.admin.remove(admin, { userId: admin.userId })).rejects.toMatchObject(last);
    await f.team.setPassword({ token: tokenOf(link.url), password: "vic's long passphrase" }, ADDR);
    const demoted = await f.team.admin.setRole(admin, { userId: admin.userId, role: "support" });
    expect(demoted.operator.role).toBe("support");
    // The admin demoted themselves: their own session ended with it.
    await expect(f.team.sessions.verify(adminToken, ADDR)).rejects.toMatchObject({ code: "UNAUTHENTICATED" });
    expect(await f.core.roles(operator.userId)).toEqual(["gatehouse-operator:admin"]);
  });
});
