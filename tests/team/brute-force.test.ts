/**
 * Sign-in brute force, against the embedded core: the fifth failure in a row pauses the account,
 * longer each further time; while paused even the right password is refused (without asking the
 * Core) and the pause is not lengthened; an address that fails across many accounts is paused as
 * a whole (IPv6 by its /64); the pause says for how long (Retry-After); every refused attempt is audited and logged.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addressKey } from "../../main/team/sign-in/address-key.ts";
import { startTeamFixture, type TeamFixture } from "./support/team-fixture.ts";

const MIN = 60_000;
let f: TeamFixture;
let dee: { password: string };

beforeAll(async () => {
  f = await startTeamFixture({
    throttle: {
      account: { lockAfter: 5, windowMs: 15 * MIN, baseLockMs: MIN, maxLockMs: 15 * MIN },
      address: { lockAfter: 8, windowMs: 15 * MIN, baseLockMs: 5 * MIN, maxLockMs: 60 * MIN },
    },
  });
  dee = await f.operator("dee@example.com", "auditor");
});
afterAll(() => f.close());

const attempt = (email: string, password: string, address: string) => f.team.signIn.withPassword({ email, password }, address);

describe("per account", () => {
  it("pauses after five failures in a row, refuses even the right password meanwhile, and says until when", async () => {
    const before = f.audit().length;
    for (let i = 1; i <= 4; i++) await expect(attempt("dee@example.com", `wrong ${i}`, `203.0.113.${i}`)).rejects.toMatchObject({ code: "SIGN_IN_FAILED" });
    await expect(attempt("dee@example.com", "wrong 5", "203.0.113.5")).rejects.toMatchObject({
      code: "RATE_LIMITED",
      retryAfterSec: 60,
      message: "The email or password is not right. That was too many failed sign-ins for this account. Sign-in is paused: try again in 1 minute.",
    });
    f.advance(30_000);
    await expect(attempt("dee@example.com", dee.password, "203.0.113.6")).rejects.toMatchObject({
      code: "RATE_LIMITED",
      retryAfterSec: 30,
      message: "Too many failed sign-ins for this account. Sign-in is paused: try again in 30 seconds.",
    });

    const audited = f.audit().slice(before);
    expect(audited).toHaveLength(6);
    expect(audited.every((e) => e.operation === "team.signIn" && e.outcome === "error" && e.operator === "dee@example.com")).toBe(true);
    expect(audited.map((e) => e.address)).toEqual([1, 2, 3, 4, 5, 6].map((i) => `203.0.113.${i}`));
    expect(audited[4]?.detail).toMatch(/^wrong email or password; That was too many failed sign-ins for this account/);
    expect(audited[5]?.detail).toMatch(/^refused while paused: Too many failed sign-ins for this account/);
    expect(f.logs.filter((l) => l.includes("sign-in refused for dee@example.com"))).toHaveLength(6);
  });

  it("doubles the pause for each further failure, then lets the right password in and starts counting again", async () => {
    f.advance(30_000);
    await expect(attempt("dee@example.com", "wrong 6", "203.0.113.7")).rejects.toMatchObject({ code: "RATE_LIMITED", retryAfterSec: 120 });
    f.advance(2 * MIN);
    await expect(attempt("dee@example.com", "wrong 7", "203.0.113.7")).rejects.toMatchObject({ code: "RATE_LIMITED", retryAfterSec: 240 });
    f.advance(4 * MIN);
    expect((await attempt("dee@example.com", dee.password, "203.0.113.7")).kind).toBe("session");
    // The count started again: the next failure is an ordinary one.
    await expect(attempt("dee@example.com", "wrong 8", "203.0.113.7")).rejects.toMatchObject({ code: "SIGN_IN_FAILED" });
  });

  it("pauses an email that is no operator just the same, so a pause tells nothing", async () => {
    for (let i = 1; i <= 4; i++) await expect(attempt("ghost@example.com", "guess", "203.0.113.20")).rejects.toMatchObject({ code: "SIGN_IN_FAILED" });
    await expect(attempt("ghost@example.com", "guess", "203.0.113.20")).rejects.toMatchObject({ code: "RATE_LIMITED" });
  });
});

describe("per address", () => {
  it("pauses an address that fails across many accounts, for every account, right password included", async () => {
    f.advance(20 * MIN);
    const address = "198.51.100.99";
    for (let i = 1; i <= 7; i++) await expect(attempt(`user${i}@example.com`, "Winter2025!", address)).rejects.toMatchObject({ code: "SIGN_IN_FAILED" });
    await expect(attempt("user8@example.com", "Winter2025!", address)).rejects.toMatchObject({
      code: "RATE_LIMITED",
      retryAfterSec: 300,
      message: expect.stringMatching(/too many failed sign-ins from your address\. Sign-in is paused: try again in 5 minutes\./),
    });
    await expect(attempt("dee@example.com", dee.password, address)).rejects.toMatchObject({ code: "RATE_LIMITED", message: expect.stringMatching(/from your address/) });
    // Another address is not concerned.
    expect((await attempt("dee@example.com", dee.password, "198.51.100.100")).kind).toBe("session");
    f.advance(5 * MIN);
    expect((await attempt("dee@example.com", dee.password, address)).kind).toBe("session");
  });

  it("counts IPv6 by its /64, so one host cannot rotate through its addresses", async () => {
    f.advance(60 * MIN);
    for (let i = 1; i <= 7; i++) await expect(attempt(`v6user${i}@example.com`, "guess", `2001:db8:1:2:${i}::${i}`)).rejects.toMatchObject({ code: "SIGN_IN_FAILED" });
    await expect(attempt("v6user8@example.com", "guess", "2001:db8:1:2:ffff:ffff:ffff:8")).rejects.toMatchObject({ code: "RATE_LIMITED" });
    await expect(attempt("dee@example.com", dee.password, "2001:0db8:0001:0002::abcd")).rejects.toMatchObject({ code: "RATE_LIMITED", message: expect.stringMatching(/from your address/) });
    expect((await attempt("dee@example.com", dee.password, "2001:db8:1:3::1")).kind).toBe("session");
  });
});

describe("address keys", () => {
  it.each([
    ["192.0.2.1", "192.0.2.1"],
    ["::ffff:192.0.2.1", "192.0.2.1"],
    ["2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"],
    ["2001:DB8:0001:0002::", "2001:db8:1:2::/64"],
    ["2001:db8::1", "2001:db8:0:0::/64"],
    ["1:2::3:4:1.2.3.4", "1:2:0:0::/64"],
    ["fe80::1%eth0", "fe80:0:0:0::/64"],
    ["::1", "0:0:0:0::/64"],
  ])("%s counts as %s", (address, key) => {
    expect(addressKey(address)).toBe(key);
  });
});
