/**
 * Progress over time and what auditors see: snapshots dated by each scan, the rate over the last
 * 7 days and the ETA to the admin's criterion (a share or a date), who may change what, phones
 * masked for auditors in lists and exports, and the auditor's report (CSV and JSON) with the
 * snapshots, the criterion and who changed what, from the audit log.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectFailure } from "../helpers/gatehouse.ts";
import { migrate, passwordless, rosterCsv, scan, startWorld, type World } from "./world.ts";

const DAY = 86_400_000;
let clock = Date.UTC(2026, 2, 2, 9, 0, 0);
let w: World;
const roster = Array.from({ length: 10 }, (_, i) => [`legacy-${i}`, `person${i}@old.test`] as [string, string]);

beforeAll(async () => {
  w = await startWorld({ now: () => clock });
  await w.client.invoke("migration.source.importCsv", { rosterCsv: rosterCsv(roster), fileName: "people.csv" });
  await migrate(w.app, "legacy-0", "person0@old.test");
  await passwordless(w.app, { phoneNumber: "+14155550123" });
  await scan(w.client, "full");
  clock += 3 * DAY;
  await migrate(w.app, "legacy-1", "person1@old.test");
  await migrate(w.app, "legacy-2", "person2@old.test");
  await scan(w.client, "refresh");
  clock += 3 * DAY;
  await migrate(w.app, "legacy-3", "person3@old.test");
  await migrate(w.app, "legacy-4", "person4@old.test");
  await migrate(w.app, "legacy-5", "person5@old.test", { temporary: true });
  await scan(w.client, "refresh");
});

afterAll(async () => {
  await w?.close();
});

describe("progress over time", () => {
  it("keeps a dated snapshot per scan", async () => {
    const { snapshots } = await w.client.invoke("migration.history", {});
    expect(snapshots.map((s) => [s.at, s.kind, s.share])).toEqual([
      [clock - 6 * DAY, "full", 0.1],
      [clock - 3 * DAY, "refresh", 0.3],
      [clock, "refresh", 0.6],
    ]);
    expect(snapshots.every((s) => !s.demo)).toBe(true);
    expect(snapshots[2]?.tenants).toEqual([expect.objectContaining({ tenantId: "public", rosterTotal: 10, migrated: 5, temporaryPassword: 1, outsideRoster: 1 })]);
  });

  it("gives the 7-day rate and the ETA to a target share, and says when it is met", async () => {
    const set = await w.client.invoke("migration.criterion.set", { criterion: { kind: "share", targetShare: 0.8 } });
    expect(set).toMatchObject({ criterion: { kind: "share", targetShare: 0.8 }, setBy: "tester", setAt: clock, share: 0.6, met: false, metAt: null });
    const rate = await w.client.invoke("migration.rate", {});
    expect(rate.from).toEqual({ at: clock - 6 * DAY, share: 0.1, migrated: 1 });
    expect(rate.to).toEqual({ at: clock, share: 0.6, migrated: 6 });
    expect(rate.usersPerDay).toBeCloseTo(5 / 6);
    expect(rate.sharePerDay).toBeCloseTo(0.5 / 6);
    // 0.2 of the roster to go at 0.5/6 a day: 2.4 days.
    expect(rate.etaAt).toBe(Math.round(clock + 2.4 * DAY));
    expect(rate.met).toBe(false);

    const reached = await w.client.invoke("migration.criterion.set", { criterion: { kind: "share", targetShare: 0.3 } });
    expect(reached).toMatchObject({ met: true, metAt: clock - 3 * DAY });
  });

  it("projects the share on an end date, met once the date has passed", async () => {
    await w.client.invoke("migration.criterion.set", { criterion: { kind: "date", date: clock + 3 * DAY } });
    const rate = await w.client.invoke("migration.rate", {});
    expect(rate).toMatchObject({ etaAt: clock + 3 * DAY, met: false });
    expect(rate.projectedShare).toBeCloseTo(0.85);
    const past = await w.client.invoke("migration.criterion.set", { criterion: { kind: "date", date: clock - DAY } });
    expect(past).toMatchObject({ met: true, metAt: clock - DAY });
    const bad = await expectFailure(w.t.invoke("migration.criterion.set", { criterion: { kind: "share", targetShare: 1.5 } }), "VALIDATION");
    expect(bad.field).toBe("criterion.targetShare");
  });
});

describe("as an auditor", () => {
  beforeAll(async () => {
    await w.client.invoke("migration.criterion.set", { criterion: { kind: "share", targetShare: 0.9 } });
    await w.client.invoke("profiles.update", { id: w.profileId, role: "auditor" });
  });

  afterAll(async () => {
    await w.t.invoke("profiles.update", { id: w.profileId, role: "admin" });
  });

  it("reads and refreshes, but changes neither the roster nor the criterion", async () => {
    expect((await w.client.invoke("migration.summary", {})).overall.share).toBe(0.6);
    await expectFailure(w.t.invoke("migration.criterion.set", { criterion: null }), "FORBIDDEN");
    await expectFailure(w.t.invoke("migration.source.importCsv", { rosterCsv: rosterCsv(roster) }), "FORBIDDEN");
    await expectFailure(w.t.invoke("migration.source.setService", { url: "http://127.0.0.1:1", legacyToken: "x" }), "FORBIDDEN");
    await scan(w.client, "refresh");
  });

  it("sees phones masked in the lists and their exports, emails in full", async () => {
    const outside = await w.client.invoke("migration.list", { state: "outside-roster" });
    expect(outside.rows.map((r) => r.phoneNumbers)).toEqual([["+1 415 •••• 0123"]]);
    const csv = (await w.client.invoke("migration.export", { state: "outside-roster" })).csv;
    expect(csv).toContain("+1 415 •••• 0123");
    expect(csv).not.toContain("+14155550123");
    const migrated = await w.client.invoke("migration.export", { state: "migrated" });
    expect(migrated.rows).toBe(5);
    expect(migrated.csv).toContain("person0@old.test");
  });

  it("exports the report as JSON: snapshots, the criterion, who changed what and when", async () => {
    const report = await w.client.invoke("migration.report", { format: "json" });
    expect(report.filename).toMatch(/^migration-report-\d{4}-\d{2}-\d{2}\.json$/);
    const body = JSON.parse(report.content) as {
      criterion: { criterion: unknown; setBy: string };
      snapshots: { kind: string; share: number }[];
      changes: { operation: string; operator: string; role: string; target: string; at: string }[];
    };
    expect(body.criterion).toMatchObject({ criterion: { kind: "share", targetShare: 0.9 }, setBy: "tester" });
    expect(body.snapshots.map((s) => s.share)).toEqual([0.1, 0.3, 0.6, 0.6]);
    const ops = body.changes.map((c) => `${c.role} ${c.operation} ${c.target}`);
    expect(ops).toEqual(
      expect.arrayContaining([
        "admin migration.source.importCsv people.csv",
        "admin migration.criterion.set share 0.8",
        "admin migration.criterion.set share 0.9",
        "auditor migration.scan.start refresh",
        "auditor migration.criterion.set none",
      ]),
    );
    expect(body.changes.find((c) => c.target === "none")).toMatchObject({ role: "auditor" });
    expect(report.changes).toBe(body.changes.length);
    expect(report.snapshots).toBe(4);
  });

  it("exports the report as one CSV table", async () => {
    const report = await w.client.invoke("migration.report", { format: "csv" });
    const lines = report.content.trim().split("\r\n");
    expect(lines[0]).toMatch(/^record,at,kind,demo,tenant,roster_total,migrated,temporary_password,not_migrated,conflict,outside_roster,share_percent,operator/);
    expect(lines.filter((l) => l.startsWith("snapshot,")).length).toBe(8); // overall and public, per snapshot
    expect(lines.find((l) => l.startsWith("criterion,"))).toContain('"{""kind"":""share"",""targetShare"":0.9}"');
    expect(lines.filter((l) => l.startsWith("change,")).length).toBe(report.changes);
    expect(lines.every((l) => l.split(",").length >= 19)).toBe(true);
  });
});
