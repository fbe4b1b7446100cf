/**
 * The Local demo profile from a clean start: its first visit to the migration area gives it
 * LegacyAuth's default roster (the same deterministic users the service and the demo data have)
 * and a first scan; the chart then has six weeks of invented history, marked as demo data, ending
 * in the real snapshot, which matches the users the demo data migrated.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_LEGACY_USERS, demoLegacyMigrations, legacyRoster } from "../../../main/embedded-core/demo/legacy-roster.ts";
import { startTestGatehouse, type TestGatehouse } from "../helpers/gatehouse.ts";
import { finished } from "./world.ts";

let t: TestGatehouse;

beforeAll(async () => {
  t = await startTestGatehouse();
});

afterAll(async () => {
  await t?.close();
});

describe("the demo's migration", () => {
  it("starts with LegacyAuth's default roster and a scan on the first visit", async () => {
    const source = await t.client.invoke("migration.source.get", {});
    const enabled = legacyRoster(1, DEFAULT_LEGACY_USERS).filter((u) => !u.disabled);
    expect(source).toMatchObject({ source: { kind: "demo", fileName: expect.stringMatching(/demo data/) as unknown }, total: enabled.length, skippedDisabled: DEFAULT_LEGACY_USERS - enabled.length });
    const status = await t.client.invoke("migration.scan.status", {});
    expect(status.job?.kind).toBe("migration.scan");
    await finished(t.client, status.job?.id ?? "");
  });

  it("shows the demo data's migrations, and a history marked as demo data", async () => {
    const summary = await t.client.invoke("migration.summary", {});
    const migrated = demoLegacyMigrations(52);
    const midReset = migrated.filter((m) => m.state === "mid-reset").length;
    expect(summary.overall).toMatchObject({ migrated: migrated.length - midReset, temporaryPassword: midReset, conflict: 0 });
    expect(summary.overall.outsideRoster).toBeGreaterThan(200);
    const { snapshots } = await t.client.invoke("migration.history", {});
    expect(snapshots.length).toBe(43);
    expect(snapshots.slice(0, 42).every((s) => s.kind === "demo" && s.demo)).toBe(true);
    expect(snapshots.at(-1)).toMatchObject({ kind: "full", demo: false, share: summary.overall.share });
    const shares = snapshots.map((s) => s.share);
    expect(shares[0]).toBeGreaterThan(0);
    expect(shares[0]).toBeLessThan(shares.at(-1) ?? 0);
    const rate = await t.client.invoke("migration.rate", {});
    expect(rate.usersPerDay).toBeGreaterThan(0);
  });

  it("does not seed again on a later visit", async () => {
    await t.client.invoke("migration.scan.start", { mode: "refresh" }).then(({ job }) => finished(t.client, job.id));
    const { snapshots } = await t.client.invoke("migration.history", {});
    expect(snapshots.filter((s) => s.demo).length).toBe(42);
    expect(snapshots.length).toBe(44);
  });
});
