/**
 * Two Gatehouse instances on one PostgreSQL (a real cluster started for the test), as two team
 * servers with the same configured profile on one embedded core, both up: instance A imports a
 * roster and scans the Core into the user index. Instance B, which imported and scanned nothing,
 * must show the same roster, totals, lists, CSV export and Users-list index filters (with a
 * per-instance roster and index it would show no roster and "build the index first"). Then the
 * Core changes and B refreshes the index A built; A sees the refresh.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { CoreClient } from "../../../main/core/core-client.ts";
import { directCore, type TestGatehouse } from "../helpers/gatehouse.ts";
import { useSharedInstances } from "./shared-instances.ts";
import { migrate, rosterCsv, scan, signUp } from "./world.ts";

const shared = useSharedInstances("gatehouse-two-data-", { progressIntervalMs: 20 });
const instance = () => shared.instance();
let app: CoreClient;

beforeAll(() => {
  app = directCore(shared.coreUrl);
});

const ROSTER = rosterCsv([
  ["legacy-1", "one@legacy.example.com"],
  ["legacy-2", "two@legacy.example.com"],
  ["legacy-3", "three@legacy.example.com"],
  ["legacy-4", "four@legacy.example.com"],
]);
const users = (t: TestGatehouse, filter: Record<string, unknown>) => t.client.invoke("users.list", { tenantId: "public", order: "oldest", limit: 100, ...filter });
const emailsOf = (rows: { emails: string[] }[]) => rows.flatMap((r) => r.emails).sort();

describe("two instances on one PostgreSQL: the roster, the user index and the classification", () => {
  let a: TestGatehouse;
  let b: TestGatehouse;
  let summaryOnA: unknown;

  it("A imports a roster and scans; B, which did neither, shows the same roster, totals, lists and Users-list filters", async () => {
    [a, b] = [await instance(), await instance()];
    await migrate(app, "legacy-1", "one@legacy.example.com");
    await migrate(app, "legacy-2", "two@legacy.example.com", { temporary: true });
    await signUp(app, "three@legacy.example.com"); // holds legacy-3's email, not mapped to it: a conflict
    await signUp(app, "outsider@elsewhere.test");
    expect(await a.client.invoke("migration.source.importCsv", { rosterCsv: ROSTER, fileName: "legacy.csv" })).toMatchObject({ status: "imported", imported: 4 });
    await scan(a.client, "full");
    summaryOnA = await a.client.invoke("migration.summary", {});
    expect(summaryOnA).toMatchObject({ overall: { rosterTotal: 4, migrated: 1, temporaryPassword: 1, conflict: 1, notMigrated: 1, outsideRoster: 1 }, index: { state: "ready", users: 4 } });

    expect(await b.client.invoke("migration.source.get", {})).toMatchObject({ source: { kind: "csv", fileName: "legacy.csv" }, total: 4, tenants: [{ tenantId: "public", count: 4 }] });
    const onB = await b.client.invoke("migration.summary", {});
    expect({ ...onB, index: { ...onB.index, ageMs: 0 } }).toEqual({ ...(summaryOnA as typeof onB), index: { ...(summaryOnA as typeof onB).index, ageMs: 0 } });
    expect((await b.client.invoke("migration.list", { state: "conflict", search: "", offset: 0, limit: 10 })).rows).toEqual([
      expect.objectContaining({ legacyId: "legacy-3", email: "three@legacy.example.com", reason: expect.stringContaining("is not mapped to legacy-3") }),
    ]);
    expect((await b.client.invoke("migration.list", { state: "outside-roster", search: "outsider", offset: 0, limit: 10 })).rows).toEqual([expect.objectContaining({ email: "outsider@elsewhere.test" })]);
    expect((await b.client.invoke("migration.export", { state: "not-migrated", search: "" })).csv).toContain("legacy-4,,four@legacy.example.com");
    expect(emailsOf((await users(b, { temporaryPassword: true })).rows)).toEqual(["two@legacy.example.com"]);
    expect(emailsOf((await users(b, { migrationState: "outside-roster" })).rows)).toEqual(["outsider@elsewhere.test"]);
    expect(emailsOf((await users(b, { migrationState: "conflict" })).rows)).toEqual(["three@legacy.example.com"]);
  });

  it("B refreshes the index A built, and A sees the refresh", async () => {
    await migrate(app, "legacy-4", "four@legacy.example.com");
    await signUp(app, "late@elsewhere.test");
    const refresh = await scan(b.client, "refresh");
    expect(refresh.kind).toBe("migration.scan");
    const onA = await a.client.invoke("migration.summary", {});
    expect(onA).toMatchObject({ overall: { rosterTotal: 4, migrated: 2, temporaryPassword: 1, conflict: 1, notMigrated: 0, outsideRoster: 2 }, index: { users: 6 }, rosterChangedSinceScan: false });
    expect((await a.client.invoke("migration.scan.status", {})).job?.id).toBe(refresh.id);
    expect((await a.client.invoke("migration.history", {})).snapshots.map((s) => [s.kind, s.migrated])).toEqual([
      ["full", 1],
      ["refresh", 2],
    ]);
    expect(emailsOf((await users(a, { migrationState: "migrated" })).rows)).toEqual(["four@legacy.example.com", "one@legacy.example.com"]);
    expect(emailsOf((await users(a, { migrationState: "outside-roster", search: "late" })).rows)).toEqual(["late@elsewhere.test"]);
  });
});
