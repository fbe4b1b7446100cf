/**
 * The migration area's stores, the same contract on SQLite (desktop, one team server) and on
 * PostgreSQL (several team-server instances; a real cluster started for the test): progress
 * (snapshots, the end criterion) and the end-of-migration marks with the bulk-import progress,
 * an outbox message and its mark in one transaction where both are in one database.
 * On PostgreSQL also across two pools (two instances): what one writes the other reads, and two
 * instances finishing a scan at once write the demo's invented past once.
 */
import type pg from "pg";
import { describe, expect, it } from "vitest";
import type { TenantTotals } from "../../../shared/contract/operations/migration.ts";
import type { Totals } from "../../../main/migration/classify.ts";
import type { Marks } from "../../../main/migration/end/marks.ts";
import { PostgresMarks } from "../../../main/migration/end/postgres-marks.ts";
import type { InviteStore, Queued } from "../../../main/services/invites/store/invite-store.ts";
import { PostgresInviteStore } from "../../../main/services/invites/store/postgres-invite-store.ts";
import { SqliteInviteStore } from "../../../main/services/invites/store/sqlite-invite-store.ts";
import { SqliteMarks } from "../../../main/migration/end/sqlite-marks.ts";
import { PostgresProgressStore } from "../../../main/migration/progress/postgres-store.ts";
import { SqliteProgressStore } from "../../../main/migration/progress/sqlite-store.ts";
import type { NewSnapshot, ProgressStore } from "../../../main/migration/progress/store.ts";
import { useSqliteAndPostgres } from "../../support/sqlite-and-postgres.ts";

const both = useSqliteAndPostgres("gatehouse-migration-stores-");
const pool = (i: 0 | 1): pg.Pool => both.pools[i];
const clock = () => 1_700_000_000_000;
const progressStores: [string, () => ProgressStore][] = [
  ["SQLite", () => new SqliteProgressStore(both.db)],
  ["PostgreSQL", () => new PostgresProgressStore(pool(0))],
];
const marksOn = (name: string, now: () => number): Marks => (name === "SQLite" ? new SqliteMarks(both.db, now) : new PostgresMarks(pool(0), now));
// Each kind of marks with the invites' outbox in the same database (as startGatehouse builds them).
const outboxOf = (name: string): InviteStore => (name === "SQLite" ? new SqliteInviteStore(both.db) : new PostgresInviteStore(pool(0)));
const markStores: [string, () => Marks, (now: () => number) => Marks][] = [
  ["SQLite", () => marksOn("SQLite", clock), (now) => marksOn("SQLite", now)],
  ["PostgreSQL", () => marksOn("PostgreSQL", clock), (now) => marksOn("PostgreSQL", now)],
];
const message = (scope: string, origin: string) => ({
  scope,
  profileId: "p",
  draft: { createdAt: 1, tenantId: "public", userId: "u", to: "u@example.com", channel: "email" as const, subject: "s", text: "t", link: "https://app.example/reset#1", linkExpiresAt: 2, origin },
});

let n = 0;
const unique = (what: string) => `${what}-${++n}-${Date.now()}`;
const totals = (migrated: number, rosterTotal = 10): Totals => ({ rosterTotal, migrated, temporaryPassword: 0, notMigrated: rosterTotal - migrated, conflict: 0, outsideRoster: 1, share: migrated / rosterTotal });
const snap = (at: number, migrated: number, kind: NewSnapshot["kind"] = "full"): NewSnapshot => {
  const overall = totals(migrated);
  const tenants: TenantTotals[] = [{ tenantId: "public", ...overall }];
  return { at, kind, overall, tenants, jobId: kind === "demo" ? null : `job-${at}` };
};

describe.each(progressStores)("progress store on %s", (_name, make) => {
  it("keeps snapshots per profile, answers the newest `limit` in a range oldest first, with the range's count", async () => {
    const store = make();
    const p = unique("profile");
    const other = unique("profile");
    await store.addSnapshots(p, [snap(300, 3), snap(100, 1), snap(200, 2)]);
    await store.addSnapshots(other, [snap(150, 9)]);
    const all = await store.history(p, 0, 1000, 10);
    expect(all.total).toBe(3);
    expect(all.snapshots.map((s) => [s.at, s.migrated, s.share, s.kind, s.demo])).toEqual([
      [100, 1, 0.1, "full", false],
      [200, 2, 0.2, "full", false],
      [300, 3, 0.3, "full", false],
    ]);
    expect(all.snapshots[0]?.tenants).toEqual([expect.objectContaining({ tenantId: "public", migrated: 1, rosterTotal: 10 })]);
    const newest = await store.history(p, 150, 1000, 1);
    expect(newest).toEqual({ total: 2, snapshots: [expect.objectContaining({ at: 300 })] });
    expect((await store.latest(p))?.at).toBe(300);
    expect((await store.latest(unique("none")))).toBeNull();
    expect((await store.oldestBetween(p, 150, 300))?.at).toBe(200);
    expect(await store.oldestBetween(p, 301, 400)).toBeNull();
    expect(await store.firstAtShare(p, 0.2)).toBe(200);
    expect(await store.firstAtShare(p, 0.5)).toBeNull();
    expect(await store.hasSnapshots(p)).toBe(true);
    expect(await store.hasSnapshots(p, "demo")).toBe(false);
  });

  it("writes the demo's past before the first snapshot only while the profile has none of it", async () => {
    const store = make();
    const p = unique("profile");
    await store.addSnapshots(p, [snap(500, 5)], [snap(10, 0, "demo"), snap(20, 1, "demo")]);
    await store.addSnapshots(p, [snap(600, 6)], [snap(30, 0, "demo")]);
    const { snapshots } = await store.history(p, 0, 1000, 100);
    expect(snapshots.map((s) => [s.at, s.kind, s.demo])).toEqual([
      [10, "demo", true],
      [20, "demo", true],
      [500, "full", false],
      [600, "full", false],
    ]);
    expect(await store.hasSnapshots(p, "demo")).toBe(true);
  });

  it("sets, replaces and clears a profile's criterion, with who and when", async () => {
    const store = make();
    const p = unique("profile");
    expect(await store.criterion(p)).toEqual({ criterion: null, setBy: null, setAt: null });
    await store.setCriterion(p, { kind: "share", targetShare: 0.9 }, "ada", 1000);
    expect(await store.criterion(p)).toEqual({ criterion: { kind: "share", targetShare: 0.9 }, setBy: "ada", setAt: 1000 });
    await store.setCriterion(p, { kind: "date", date: 5000 }, "bob", 2000);
    expect(await store.criterion(p)).toEqual({ criterion: { kind: "date", date: 5000 }, setBy: "bob", setAt: 2000 });
    await store.setCriterion(p, null, "cy", 3000);
    expect(await store.criterion(p)).toEqual({ criterion: null, setBy: "cy", setAt: 3000 });
    expect((await store.criterion(unique("profile"))).criterion).toBeNull();
  });
});

describe.each(markStores)("end-of-migration marks on %s", (name, make, makeWithClock) => {
  it("sets a phase, keeping the fields not given, per job and item", async () => {
    const marks = make();
    const job = unique("job");
    expect(await marks.get(job, 0)).toBeUndefined();
    await marks.set(job, 0, "signing-up");
    expect(await marks.get(job, 0)).toEqual({ phase: "signing-up", superTokensId: null, stagedId: null, result: null, updatedAt: clock() });
    await marks.set(job, 0, "account", { superTokensId: "st-1" });
    await marks.set(job, 0, "mailing", { result: { delivery: "sent", link: "https://x/1" } });
    expect(await marks.get(job, 0)).toMatchObject({ phase: "mailing", superTokensId: "st-1", result: { delivery: "sent", link: "https://x/1" } });
    await marks.set(job, 0, "account", { result: null });
    expect(await marks.get(job, 0)).toMatchObject({ phase: "account", superTokensId: "st-1", result: null });
    expect(await marks.get(job, 1)).toBeUndefined();
    expect(await marks.get(unique("job"), 0)).toBeUndefined();
  });

  it("writes a batch's marks together, and counts a job's deliveries", async () => {
    const marks = make();
    const job = unique("job");
    await marks.setMany(job, [0, 1, 2, 3].map((index) => ({ index, phase: "staging" as const })));
    await marks.setMany(job, [0, 1, 2, 3].map((index) => ({ index, phase: "staged" as const, fields: { stagedId: `s-${index}` } })));
    expect(await marks.get(job, 2)).toMatchObject({ phase: "staged", stagedId: "s-2" });
    await marks.set(job, 0, "delivered", { result: { delivery: "sent" } });
    await marks.set(job, 1, "mailing", { result: { delivery: "sent" } });
    await marks.set(job, 2, "delivered", { result: { delivery: "outbox" } });
    expect(await marks.deliveries(job)).toEqual({ sent: 2, outbox: 1 });
    expect(await marks.deliveries(unique("job"))).toEqual({ sent: 0, outbox: 0 });
  });

  it("queues an outbox message and its mark together, and answers then's value", async () => {
    const [marks, outbox] = [make(), outboxOf(name)];
    const job = unique("job");
    const scope = unique("scope");
    const value = await marks.queueMarked(outbox, message(scope, `reset:${job}:4`), job, 4, (q) => ({ value: `outbox:${q.id}`, mark: { phase: "delivered", fields: { result: { delivery: "outbox", messageId: `outbox:${q.id}` } } } }));
    const [queued] = await outbox.outboxAll(scope, "p", false);
    expect(value).toBe(`outbox:${queued?.id}`);
    expect(await marks.get(job, 4)).toMatchObject({ phase: "delivered", result: { delivery: "outbox", messageId: value } });
  });

  it("keeps neither the message nor the mark when the mark cannot be written (one transaction)", async () => {
    let failing = true;
    // Fault injected: the mark's clock throws once, after the message was queued in the same transaction.
    const marks = makeWithClock(() => {
      if (failing) throw new Error("mark refused");
      return clock();
    });
    const outbox = outboxOf(name);
    const job = unique("job");
    const scope = unique("scope");
    const then = (q: Queued) => ({ value: q.id, mark: { phase: "delivered" as const, fields: { result: { delivery: "outbox" } } } });
    await expect(marks.queueMarked(outbox, message(scope, `reset:${job}:5`), job, 5, then)).rejects.toThrow("mark refused");
    expect(await outbox.outboxAll(scope, "p", true)).toEqual([]);
    expect(await marks.get(job, 5)).toBeUndefined();
    failing = false;
    const id = await marks.queueMarked(outbox, message(scope, `reset:${job}:5`), job, 5, then);
    expect((await outbox.outboxAll(scope, "p", true)).map((e) => e.id)).toEqual([id]);
  });

  it("marks right after the message when the outbox is in another database, and a repeat gets the same message", async () => {
    const marks = make();
    const other = name === "SQLite" ? new PostgresInviteStore(pool(1)) : new SqliteInviteStore(both.db);
    const job = unique("job");
    const scope = unique("scope");
    const then = (q: Queued) => ({ value: q.id, mark: { phase: "delivered" as const, fields: { result: { delivery: "outbox", id: q.id } } } });
    const first = await marks.queueMarked(other, message(scope, `reset:${job}:6`), job, 6, then);
    const again = await marks.queueMarked(other, message(scope, `reset:${job}:6`), job, 6, then);
    expect(again).toBe(first);
    expect((await other.outboxAll(scope, "p", true)).map((e) => e.id)).toEqual([first]);
    expect(await marks.get(job, 6)).toMatchObject({ phase: "delivered", result: { id: first } });
  });

  it("keeps the last look at the Core per bulk-import job", async () => {
    const marks = make();
    const job = unique("job");
    expect(await marks.bulkProgress(job)).toBeNull();
    const look = { staged: 3, imported: 1, refused: 0, importedAtOnce: 0, core: null, checkedAt: 10, note: "n" };
    await marks.saveBulkProgress(job, "p", look);
    await marks.saveBulkProgress(job, "p", { ...look, staged: 1, imported: 3 });
    expect(await marks.bulkProgress(job)).toEqual({ ...look, staged: 1, imported: 3 });
  });
});

describe("on PostgreSQL, two instances (two pools)", () => {
  it("read what the other wrote: marks, snapshots and the criterion", async () => {
    const [a, b] = [new PostgresMarks(pool(0), clock), new PostgresMarks(pool(1), clock)];
    const job = unique("job");
    await a.set(job, 7, "account", { superTokensId: "st-7" });
    expect(await b.get(job, 7)).toMatchObject({ phase: "account", superTokensId: "st-7" });
    const [pa, pb] = [new PostgresProgressStore(pool(0)), new PostgresProgressStore(pool(1))];
    const p = unique("profile");
    await pa.addSnapshots(p, [snap(100, 4)]);
    await pa.setCriterion(p, { kind: "share", targetShare: 0.4 }, "ada", 50);
    expect((await pb.latest(p))?.migrated).toBe(4);
    expect(await pb.criterion(p)).toEqual({ criterion: { kind: "share", targetShare: 0.4 }, setBy: "ada", setAt: 50 });
  });

  it("write the demo's past once when both finish a scan at the same moment", async () => {
    const p = unique("profile");
    const demo = [snap(10, 0, "demo"), snap(20, 1, "demo")];
    await Promise.all([new PostgresProgressStore(pool(0)).addSnapshots(p, [snap(100, 2)], demo), new PostgresProgressStore(pool(1)).addSnapshots(p, [snap(101, 2)], demo)]);
    const { snapshots } = await new PostgresProgressStore(pool(0)).history(p, 0, 1000, 100);
    expect(snapshots.map((s) => s.at)).toEqual([10, 20, 100, 101]);
  });
});
