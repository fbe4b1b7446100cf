/**
 * Sessions on the team store, against the embedded core as directory: forged and unknown tokens
 * are refused, a session ends after its idle time and at its absolute limit, sign-out ends one and
 * sign-out everywhere all; a role changed or an operator removed on the Core itself (not through
 * Gatehouse) ends the session at the next role check.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashToken } from "../../main/team/tokens.ts";
import { API_KEY, startTeamFixture, type TeamFixture } from "./support/team-fixture.ts";

const MIN = 60_000;
let f: TeamFixture;
let cy: { userId: string; password: string };

beforeAll(async () => {
  f = await startTeamFixture({ limits: { idleMs: 30 * MIN, absoluteMs: 8 * 60 * MIN, roleCheckMs: MIN } });
  await f.operator("admin@example.com", "admin");
  cy = await f.operator("cy@example.com", "support");
});
afterAll(() => f.close());

const ADDR = "198.51.100.4";
const unauthenticated = (message: RegExp) => ({ code: "UNAUTHENTICATED", message: expect.stringMatching(message) });

describe("a session token", () => {
  it("is refused when missing, malformed or unknown, and taken when it is one the server issued", async () => {
    await expect(f.team.sessions.verify(undefined, ADDR)).rejects.toMatchObject(unauthenticated(/^Sign in to continue/));
    await expect(f.team.sessions.verify("not a token", ADDR)).rejects.toMatchObject(unauthenticated(/has ended/));
    const { token } = await f.signIn("cy@example.com", cy.password);
    const forged = token.slice(0, -1) + (token.endsWith("A") ? "B" : "A");
    await expect(f.team.sessions.verify(forged, ADDR)).rejects.toMatchObject(unauthenticated(/has ended/));
    // What the store holds (its hash) is not a token either.
    await expect(f.team.sessions.verify(hashToken(token), ADDR)).rejects.toMatchObject(unauthenticated(/has ended/));
    expect(await f.team.sessions.verify(token, ADDR)).toMatchObject({ email: "cy@example.com", role: "support", address: ADDR });
  });

  it("is stored as its hash only", async () => {
    const { token } = await f.signIn("cy@example.com", cy.password);
    const rows = f.db.prepare("SELECT token_hash FROM team_sessions").all() as { token_hash: string }[];
    expect(rows.map((r) => r.token_hash)).toContain(hashToken(token));
    expect(JSON.stringify(rows)).not.toContain(token);
  });
});

describe("expiry", () => {
  it("ends a session left idle for its idle time; use keeps it alive until then", async () => {
    const { token } = await f.signIn("cy@example.com", cy.password);
    f.advance(29 * MIN);
    await f.team.sessions.verify(token, ADDR);
    f.advance(29 * MIN);
    await f.team.sessions.verify(token, ADDR);
    f.advance(30 * MIN);
    await expect(f.team.sessions.verify(token, ADDR)).rejects.toMatchObject(unauthenticated(/ended after 30 minutes without activity/));
    // Ended for good: not back after another request.
    await expect(f.team.sessions.verify(token, ADDR)).rejects.toMatchObject(unauthenticated(/has ended/));
  });

  it("ends a session at its absolute limit however busy it is", async () => {
    const { token, caller } = await f.signIn("cy@example.com", cy.password);
    expect(caller.expiresAt).toBe(f.now() + 8 * 60 * MIN);
    for (let i = 0; i < 16; i++) {
      f.advance(29 * MIN);
      await f.team.sessions.verify(token, ADDR);
    }
    f.advance(16 * MIN);
    await expect(f.team.sessions.verify(token, ADDR)).rejects.toMatchObject(unauthenticated(/reached its 8-hour limit/));
  });
});

describe("isLive (an open event stream's check)", () => {
  it("answers whether the session lives without counting as activity", async () => {
    const { token } = await f.signIn("cy@example.com", cy.password);
    expect(await f.team.sessions.isLive(token)).toBe(true);
    expect(await f.team.sessions.isLive("not a token")).toBe(false);
    f.advance(20 * MIN);
    expect(await f.team.sessions.isLive(token)).toBe(true);
    // Checked 20 minutes in, yet idle since sign-in: ended at 30 all the same.
    f.advance(10 * MIN);
    expect(await f.team.sessions.isLive(token)).toBe(false);
    const other = await f.signIn("cy@example.com", cy.password);
    await f.team.sessions.end(other.token);
    expect(await f.team.sessions.isLive(other.token)).toBe(false);
  });
});

describe("signing out", () => {
  it("ends one session, or every session of the operator", async () => {
    const a = await f.signIn("cy@example.com", cy.password);
    const b = await f.signIn("cy@example.com", cy.password);
    const c = await f.signIn("cy@example.com", cy.password);
    await f.team.self.signOut(a.caller, a.token);
    await expect(f.team.sessions.verify(a.token, ADDR)).rejects.toMatchObject({ code: "UNAUTHENTICATED" });
    await f.team.sessions.verify(b.token, ADDR);
    const other = await f.signIn("admin@example.com", "pw-admin@example.com-Correct-Horse");

    expect((await f.team.self.signOutEverywhere(b.caller)).endedSessions).toBeGreaterThanOrEqual(2);
    for (const token of [b.token, c.token]) await expect(f.team.sessions.verify(token, ADDR)).rejects.toMatchObject({ code: "UNAUTHENTICATED" });
    // Someone else's session is untouched.
    expect(await f.team.sessions.verify(other.token, ADDR)).toMatchObject({ email: "admin@example.com" });
    expect(f.audit().slice(-3).map((e) => [e.operation, e.operator, e.outcome])).toEqual([
      ["team.signOut", "cy@example.com", "ok"],
      ["team.signIn", "admin@example.com", "ok"],
      ["team.signOutEverywhere", "cy@example.com", "ok"],
    ]);
  });
});

describe("changes made on the Core behind Gatehouse's back", () => {
  const cdi = (method: string, path: string, body: unknown) =>
    fetch(`${f.coreUrl}${path}`, { method, headers: { "content-type": "application/json", "cdi-version": "5.4", "api-key": API_KEY }, body: JSON.stringify(body) }).then(
      async (r) => (await r.json()) as { status: string },
    );

  it("a role changed on the Core ends the session at the next role check", async () => {
    const { token } = await f.signIn("cy@example.com", cy.password);
    await cdi("PUT", "/recipe/user/role", { userId: cy.userId, role: "gatehouse-operator:admin" });
    await cdi("POST", "/recipe/user/role/remove", { userId: cy.userId, role: "gatehouse-operator:support" });
    // Within the check interval the session holds the role it signed in with...
    expect(await f.team.sessions.verify(token, ADDR)).toMatchObject({ role: "support" });
    f.advance(MIN);
    // ...then it ends, rather than quietly take the new role.
    await expect(f.team.sessions.verify(token, ADDR)).rejects.toMatchObject(unauthenticated(/role changed to admin/));
    expect((await f.signIn("cy@example.com", cy.password)).caller.role).toBe("admin");
  });

  it("a user deleted on the Core is no operator any more", async () => {
    const { token } = await f.signIn("cy@example.com", cy.password);
    expect(await cdi("POST", "/user/remove", { userId: cy.userId })).toMatchObject({ status: "OK" });
    f.advance(MIN);
    await expect(f.team.sessions.verify(token, ADDR)).rejects.toMatchObject(unauthenticated(/no longer an operator/));
    expect(f.db.prepare("SELECT COUNT(*) AS n FROM team_sessions WHERE user_id = ?").get(cy.userId)).toEqual({ n: 0 });
  });
});
