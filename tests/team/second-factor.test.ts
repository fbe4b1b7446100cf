/**
 * The optional TOTP second factor: enrolment gives an otpauth:// URI once and is confirmed with a
 * code (a wrong one first); from then on signing in needs a code after the password; a wrong or
 * reused code is refused, counted and audited; the secret is sealed in the store; an admin's reset
 * turns it off.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { base32Decode } from "../../main/team/totp/base32.ts";
import { totpAt } from "../../main/team/totp/totp.ts";
import type { Caller } from "../../main/team/types.ts";
import { startTeamFixture, type TeamFixture } from "./support/team-fixture.ts";

let f: TeamFixture;
let eve: { userId: string; password: string };
let admin: Caller;
let secret: Buffer;
const ADDR = "192.0.2.50";

beforeAll(async () => {
  f = await startTeamFixture();
  const a = await f.operator("admin@example.com", "admin");
  admin = (await f.signIn("admin@example.com", a.password)).caller;
  eve = await f.operator("eve@example.com", "support");
});
afterAll(() => f.close());

const code = (offsetSteps = 0) => totpAt(secret, f.now() + offsetSteps * 30_000);

describe("enrolment", () => {
  it("gives the secret once as an otpauth URI, keeps it sealed, and turns on only with a right code", async () => {
    const { caller } = await f.signIn("eve@example.com", eve.password);
    const enrolment = await f.team.self.enrolSecondFactor(caller);
    const uri = new URL(enrolment.otpauthUri);
    expect(uri.searchParams.get("secret")).toBe(enrolment.secret);
    expect(decodeURIComponent(uri.pathname)).toBe("/Gatehouse:eve@example.com");
    secret = base32Decode(enrolment.secret);
    expect(secret).toHaveLength(20);

    const stored = f.db.prepare("SELECT sealed_secret FROM team_totp WHERE user_id = ?").get(eve.userId) as { sealed_secret: string };
    expect(stored.sealed_secret).toMatch(/^v1:/);
    expect(stored.sealed_secret).not.toContain(enrolment.secret);
    expect(stored.sealed_secret).not.toContain(secret.toString("base64"));

    await expect(f.team.self.confirmSecondFactor(caller, { code: code(10) })).rejects.toMatchObject({ code: "VALIDATION", field: "code" });
    await expect(f.team.self.confirmSecondFactor(caller, { code: code(3) })).rejects.toMatchObject({ code: "VALIDATION" });
    expect(await f.team.secondFactor.isOn(eve.userId)).toBe(false);
    expect(await f.team.self.confirmSecondFactor(caller, { code: code() })).toEqual({ secondFactor: true });
    expect(await f.team.secondFactor.isOn(eve.userId)).toBe(true);
    // On now: a second enrolment would replace the secret, so it is refused.
    await expect(f.team.self.enrolSecondFactor(caller)).rejects.toMatchObject({ code: "CONFLICT" });
    expect(f.audit().slice(-2).map((e) => e.operation)).toEqual(["team.secondFactor.enrol", "team.secondFactor.on"]);
  });
});

describe("signing in with it", () => {
  it("asks for a code after the password, refuses a wrong one (audited), and opens the session on the right one", async () => {
    f.advance(60_000);
    const step = await f.team.signIn.withPassword({ email: "eve@example.com", password: eve.password }, ADDR);
    expect(step.kind).toBe("second-factor");
    if (step.kind !== "second-factor") return;
    expect(step.expiresAt).toBe(f.now() + 5 * 60_000);
    // No session yet.
    expect(f.db.prepare("SELECT COUNT(*) AS n FROM team_sessions WHERE user_id = ? AND created_at = ?").get(eve.userId, f.now())).toEqual({ n: 0 });

    await expect(f.team.signIn.withCode({ challenge: step.challenge, code: "" }, ADDR)).rejects.toMatchObject({ code: "VALIDATION", field: "code" });
    await expect(f.team.signIn.withCode({ challenge: "forged-challenge", code: code() }, ADDR)).rejects.toMatchObject({ code: "LINK_INVALID" });
    await expect(f.team.signIn.withCode({ challenge: step.challenge, code: code(2) }, ADDR)).rejects.toMatchObject({ code: "SIGN_IN_FAILED", message: expect.stringMatching(/not right/) });
    expect(f.audit().at(-1)).toMatchObject({ operation: "team.signIn", operator: "eve@example.com", outcome: "error", detail: "wrong second-factor code" });

    const session = await f.team.signIn.withCode({ challenge: step.challenge, code: code(-1) }, ADDR);
    expect(session.caller).toMatchObject({ email: "eve@example.com", role: "support" });
    expect(f.audit().at(-1)).toMatchObject({ operation: "team.signIn", outcome: "ok", detail: "signed in with password and second factor" });
    // The challenge is spent.
    await expect(f.team.signIn.withCode({ challenge: step.challenge, code: code() }, ADDR)).rejects.toMatchObject({ code: "LINK_INVALID" });
  });

  it("never takes the same code twice, nor an older one after a newer", async () => {
    const first = await f.team.signIn.withPassword({ email: "eve@example.com", password: eve.password }, ADDR);
    if (first.kind !== "second-factor") throw new Error("expected a second-factor step");
    await f.team.signIn.withCode({ challenge: first.challenge, code: code() }, ADDR);

    const second = await f.team.signIn.withPassword({ email: "eve@example.com", password: eve.password }, ADDR);
    if (second.kind !== "second-factor") throw new Error("expected a second-factor step");
    await expect(f.team.signIn.withCode({ challenge: second.challenge, code: code() }, ADDR)).rejects.toMatchObject({ code: "SIGN_IN_FAILED", message: expect.stringMatching(/used already/) });
    await expect(f.team.signIn.withCode({ challenge: second.challenge, code: code(-1) }, ADDR)).rejects.toMatchObject({ code: "SIGN_IN_FAILED" });
    expect(f.audit().at(-2)?.detail).toBe("second-factor code used before");
    f.advance(30_000);
    expect((await f.team.signIn.withCode({ challenge: second.challenge, code: code() }, ADDR)).caller.email).toBe("eve@example.com");
  });

  it("lets a challenge expire", async () => {
    const step = await f.team.signIn.withPassword({ email: "eve@example.com", password: eve.password }, ADDR);
    if (step.kind !== "second-factor") throw new Error("expected a second-factor step");
    f.advance(5 * 60_000);
    await expect(f.team.signIn.withCode({ challenge: step.challenge, code: code() }, ADDR)).rejects.toMatchObject({ code: "LINK_INVALID", message: expect.stringMatching(/took too long/) });
  });

  it("counts wrong codes toward the account's pause", async () => {
    f.advance(60_000);
    const step = await f.team.signIn.withPassword({ email: "eve@example.com", password: eve.password }, ADDR);
    if (step.kind !== "second-factor") throw new Error("expected a second-factor step");
    const wrong = code(5);
    for (let i = 0; i < 4; i++) await expect(f.team.signIn.withCode({ challenge: step.challenge, code: wrong }, ADDR)).rejects.toMatchObject({ code: "SIGN_IN_FAILED" });
    await expect(f.team.signIn.withCode({ challenge: step.challenge, code: wrong }, ADDR)).rejects.toMatchObject({ code: "RATE_LIMITED" });
    await expect(f.team.signIn.withCode({ challenge: step.challenge, code: code() }, ADDR)).rejects.toMatchObject({ code: "RATE_LIMITED" });
    f.advance(60_000);
    expect((await f.team.signIn.withCode({ challenge: step.challenge, code: code() }, ADDR)).caller.email).toBe("eve@example.com");
  });
});

describe("turning it off", () => {
  it("takes the operator's current code, or an admin's reset; support cannot reset", async () => {
    const eveCaller = { ...admin, userId: eve.userId, email: "eve@example.com", role: "support" as const };
    await expect(f.team.admin.resetSecondFactor(eveCaller, { userId: eve.userId })).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(f.team.self.turnOffSecondFactor(eveCaller, { code: code(4) })).rejects.toMatchObject({ code: "VALIDATION", field: "code" });
    expect(await f.team.secondFactor.isOn(eve.userId)).toBe(true);

    expect(await f.team.admin.resetSecondFactor(admin, { userId: eve.userId })).toEqual({ email: "eve@example.com", removed: true });
    expect(await f.team.secondFactor.isOn(eve.userId)).toBe(false);
    expect((await f.team.signIn.withPassword({ email: "eve@example.com", password: eve.password }, ADDR)).kind).toBe("session");
  });
});
