/**
 * The team store's contract, the same on SQLite (one server) and PostgreSQL (several instances,
 * here a real cluster started for the test): sessions, one-time links, TOTP steps and sign-in
 * throttling; and on PostgreSQL, two instances (two pools) racing for one link, one TOTP step and
 * one failure count: exactly one wins, every failure counts.
 */
import type pg from "pg";
import { describe, expect, it } from "vitest";
import { useSqliteAndPostgres } from "../support/sqlite-and-postgres.ts";
import { PostgresTeamStore } from "../../main/team/store/postgres-team-store.ts";
import { SqliteTeamStore } from "../../main/team/index.ts";
import type { SessionRecord, TeamStore } from "../../main/team/store/team-store.ts";

const both = useSqliteAndPostgres("gatehouse-team-store-");

const stores: [string, () => TeamStore][] = [
  ["SQLite", () => new SqliteTeamStore(both.db)],
  ["PostgreSQL", () => new PostgresTeamStore(both.pools[0])],
];

let n = 0;
const unique = (what: string) => `${what}-${++n}-${Date.now()}`;
const session = (userId: string, at: number): SessionRecord => ({
  tokenHash: unique("hash"),
  userId,
  email: `${userId}@example.org`,
  role: "support",
  address: "192.0.2.1",
  createdAt: at,
  lastSeenAt: at,
  checkedAt: at,
});

describe.each(stores)("the team store on %s", (_name, make) => {
  it("keeps sessions, ends one or all of an operator's, counts and prunes them", async () => {
    const store = make();
    const user = unique("user");
    const [a, b] = [session(user, 1_000), session(user, 2_000)];
    await store.addSession(a);
    await store.addSession(b);
    expect(await store.session(a.tokenHash)).toEqual(a);
    await store.touchSession(a.tokenHash, 5_000, 4_000);
    expect(await store.session(a.tokenHash)).toMatchObject({ lastSeenAt: 5_000, checkedAt: 4_000 });
    expect(await store.countSessionsOf(user)).toBe(2);
    expect(await store.removeSession(a.tokenHash)).toBe(true);
    expect(await store.removeSession(a.tokenHash)).toBe(false);
    expect(await store.session(a.tokenHash)).toBeUndefined();
    await store.addSession(session(user, 3_000));
    expect(await store.removeSessionsOf(user)).toBe(2);
    expect(await store.countSessionsOf(user)).toBe(0);

    const other = unique("user");
    const [idle, fresh] = [session(other, 100), session(other, 10_000)];
    await store.addSession(idle);
    await store.addSession(fresh);
    await store.pruneSessions(500, 50);
    expect(await store.session(idle.tokenHash)).toBeUndefined();
    expect(await store.session(fresh.tokenHash)).toEqual(fresh);
  });

  it("uses a link once, only for its purpose and before it expires; gives it back; voids an operator's unused ones", async () => {
    const store = make();
    const user = unique("user");
    const link = { tokenHash: unique("link"), purpose: "set-password" as const, userId: user, createdAt: 0, expiresAt: 10_000, usedAt: null };
    await store.addLink(link);
    expect(await store.useLink(link.tokenHash, "second-factor", 1_000)).toBe(false);
    expect(await store.useLink(link.tokenHash, "set-password", 10_000)).toBe(false); // expired at 10 000
    expect(await store.useLink(link.tokenHash, "set-password", 1_000)).toBe(true);
    expect(await store.useLink(link.tokenHash, "set-password", 1_001)).toBe(false);
    expect((await store.link(link.tokenHash))?.usedAt).toBe(1_000);
    await store.releaseLink(link.tokenHash);
    expect(await store.useLink(link.tokenHash, "set-password", 1_002)).toBe(true);

    const unused = { ...link, tokenHash: unique("link"), usedAt: null };
    await store.addLink(unused);
    expect(await store.voidLinksOf(user, "set-password")).toBe(1); // the used one stays (it is history)
    expect(await store.link(unused.tokenHash)).toBeUndefined();
    expect(await store.pruneLinks(20_000)).toBeGreaterThanOrEqual(1);
    expect(await store.link(link.tokenHash)).toBeUndefined();
  });

  it("takes each TOTP step once, never an older one, and will not restart a confirmed enrolment", async () => {
    const store = make();
    const user = unique("user");
    expect(await store.beginTotp(user, "sealed-1")).toBe(true);
    expect(await store.beginTotp(user, "sealed-2")).toBe(true); // restarting an unconfirmed enrolment
    expect(await store.confirmTotp(user, 1_000, 40)).toBe(true);
    expect(await store.confirmTotp(user, 1_001, 41)).toBe(false);
    expect(await store.beginTotp(user, "sealed-3")).toBe(false);
    expect(await store.totp(user)).toEqual({ userId: user, sealedSecret: "sealed-2", confirmedAt: 1_000, lastStep: 40 });
    expect(await store.takeTotpStep(user, 40)).toBe(false);
    expect(await store.takeTotpStep(user, 41)).toBe(true);
    expect(await store.takeTotpStep(user, 39)).toBe(false);
    expect(await store.removeTotp(user)).toBe(true);
    expect(await store.totp(user)).toBeUndefined();
  });

  it("counts failures within the window, starts again after it unless paused, and forgets an operator whole", async () => {
    const store = make();
    const key = unique("account");
    expect(await store.addFailure(key, 1_000, 0)).toMatchObject({ failures: 1, lastFailureAt: 1_000, lockedUntil: 0 });
    expect(await store.addFailure(key, 2_000, 1_000 - 1)).toMatchObject({ failures: 2 });
    await store.lock(key, 50_000);
    // Outside the window, but paused: the count goes on.
    expect(await store.addFailure(key, 40_000, 30_000)).toMatchObject({ failures: 3, lockedUntil: 50_000 });
    // Outside the window and no pause holds: from 1 again.
    expect(await store.addFailure(key, 90_000, 60_000)).toMatchObject({ failures: 1 });
    await store.clearThrottle(key);
    expect(await store.throttle(key)).toBeUndefined();

    const user = unique("user");
    await store.addSession(session(user, 1));
    await store.addLink({ tokenHash: unique("link"), purpose: "second-factor", userId: user, createdAt: 0, expiresAt: 9e15, usedAt: null });
    await store.beginTotp(user, "sealed");
    await store.forgetOperator(user);
    expect(await store.countSessionsOf(user)).toBe(0);
    expect(await store.totp(user)).toBeUndefined();
    expect(await store.voidLinksOf(user, "second-factor")).toBe(0);
  });
});

describe("two instances on one PostgreSQL", () => {
  const [a, b] = [0, 1].map((i) => () => new PostgresTeamStore(both.pools[i] as pg.Pool));

  it("see each other's sessions at once: opened on one, good on the other; ended on one, gone on both", async () => {
    const user = unique("user");
    const s = session(user, 1_000);
    await a!().addSession(s);
    expect(await b!().session(s.tokenHash)).toEqual(s);
    expect(await b!().removeSessionsOf(user)).toBe(1);
    expect(await a!().session(s.tokenHash)).toBeUndefined();
  });

  it("race for one link, one TOTP step and one failure count: one use, one step, every failure counted", async () => {
    const user = unique("user");
    const link = { tokenHash: unique("link"), purpose: "set-password" as const, userId: user, createdAt: 0, expiresAt: 9e15, usedAt: null };
    await a!().addLink(link);
    const uses = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b)!().useLink(link.tokenHash, "set-password", 1_000 + i)));
    expect(uses.filter(Boolean)).toHaveLength(1);

    await a!().beginTotp(user, "sealed");
    await a!().confirmTotp(user, 1, 10);
    const steps = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b)!().takeTotpStep(user, 11)));
    expect(steps.filter(Boolean)).toHaveLength(1);

    const key = unique("address");
    const counted = await Promise.all(Array.from({ length: 30 }, (_, i) => (i % 2 ? a : b)!().addFailure(key, 5_000, 0)));
    expect(counted.map((r) => r.failures).sort((x, y) => x - y)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    expect((await a!().throttle(key))?.failures).toBe(30);
  });
});
