/**
 * The scan job against a real embedded core behind a proxy that counts what reaches it: a refresh
 * sees new users, a cleared temporary-password flag and a deleted user without reading the
 * metadata of users that did not change; a full scan pages at the Core's 500 with the metadata in
 * bulk; the Core going away mid-scan makes the job wait and carry on, with every user indexed once.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import supertokens from "supertokens-node";
import UserMetadata from "supertokens-node/recipe/usermetadata";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmbeddedCore, type RunningEmbeddedCore } from "../../../main/embedded-core/index.ts";
import { seedUsers } from "../../support/seed-users.ts";
import { directCore, profileInput, startTestGatehouse, type TestGatehouse } from "../helpers/gatehouse.ts";
import { startTcpFaultProxy, type TcpFaultProxy } from "../helpers/faults.ts";
import { jobWhere, startScriptedProxy, type ScriptedProxy } from "../jobs/helpers.ts";
import { C, finished, migrate, rosterCsv, scan, signUp } from "./world.ts";

let dir: string;
let core: RunningEmbeddedCore;
let proxy: ScriptedProxy;
let t: TestGatehouse;
const app = () => directCore(core.url);

const isList = (path: string) => /\/users$/.test(path);
const isBulkMeta = (path: string) => path.endsWith("/recipe/user/metadata/bulk");

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "gatehouse-scan-"));
  core = await startEmbeddedCore({ dbFile: join(dir, "core.sqlite") });
  proxy = await startScriptedProxy(core.url);
  t = await startTestGatehouse({ jobs: { retry: { baseMs: 20, capMs: 200 }, probe: { baseMs: 50, capMs: 300 }, progressIntervalMs: 20 } });
  const profile = await t.client.invoke("profiles.create", profileInput("Counted core", [proxy.url]));
  await t.client.invoke("profiles.switch", { id: profile.id });
});

afterAll(async () => {
  await t?.close();
  await proxy?.close();
  await core?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("a full scan, then refreshes", () => {
  const roster = Array.from({ length: 40 }, (_, i) => [`legacy-${1000 + i}`, `legacy${i}@old.test`] as [string, string]);

  beforeAll(async () => {
    // 1,200 plain users (three pages of 500) and a few migrated ones.
    seedUsers(join(dir, "core.sqlite"), [{ recipe: "emailpassword", count: 1200, emailPrefix: "plain", domain: "example.com" }], { joinedFrom: Date.now() - 86_400_000 });
    await migrate(app(), "legacy-1000", "legacy0@old.test");
    await migrate(app(), "legacy-1001", "legacy1@old.test", { temporary: true });
    await migrate(app(), "legacy-1002", "legacy2@old.test", { temporary: true });
    const out = await t.client.invoke("migration.source.importCsv", { rosterCsv: rosterCsv(roster) });
    expect(out.status).toBe("imported");
  });

  it("reads every page once at the Core's limit, with one bulk metadata call per page", async () => {
    proxy.passed.length = 0;
    await scan(t.client, "full");
    const lists = proxy.passed.filter((r) => isList(r.path));
    expect(lists.length).toBe(3);
    expect(lists.every((r) => r.query.includes("limit=500"))).toBe(true);
    expect(proxy.passed.filter((r) => isBulkMeta(r.path)).length).toBe(3);
    const summary = await t.client.invoke("migration.summary", {});
    expect(summary.overall).toMatchObject({ rosterTotal: 40, migrated: 1, temporaryPassword: 2, notMigrated: 37, outsideRoster: 1200 });
    expect(summary.index).toMatchObject({ state: "ready", users: 1203, stale: false });
  });

  it("refreshes new users, cleared flags and deletions without reading unchanged users' metadata", async () => {
    await migrate(app(), "legacy-1003", "legacy3@old.test");
    // legacy-1001 finishes the reset: the backend kit clears the flag (nothing in the listing changes).
    await app().sdk(() => UserMetadata.updateUserMetadata("legacy-1001", { [C.temporaryPasswordKey]: null } as never));
    const gone = await signUp(app(), "short-lived@example.com");
    await app().sdk(() => supertokens.deleteUser(gone));
    const plainToDelete = (await t.client.invoke("users.list", { tenantId: "public", order: "oldest", limit: 1 })).rows[0]?.id ?? "";
    await app().sdk(() => supertokens.deleteUser(plainToDelete));

    proxy.passed.length = 0;
    const job = await scan(t.client, "refresh");
    expect(job.inputSummary).toMatch(/^refresh/);
    const metaIds = proxy.passed.filter((r) => isBulkMeta(r.path)).flatMap((r) => (JSON.parse(r.body) as { userIds: string[] }).userIds);
    // The new user and the users whose flag could change; none of the 1,200 plain users.
    expect(metaIds.sort()).toEqual(["legacy-1001", "legacy-1002", "legacy-1003"]);
    const summary = await t.client.invoke("migration.summary", {});
    expect(summary.overall).toMatchObject({ migrated: 3, temporaryPassword: 1, notMigrated: 36, outsideRoster: 1199 });
    expect(summary.index.users).toBe(1203);
    const history = await t.client.invoke("migration.history", {});
    expect(history.snapshots.map((s) => [s.kind, s.migrated + s.temporaryPassword])).toEqual([
      ["full", 3],
      ["refresh", 4],
    ]);
  });

  it("leaves unchanged users' metadata alone when nothing changed at all", async () => {
    proxy.passed.length = 0;
    await scan(t.client, "refresh");
    const lists = proxy.passed.filter((r) => isList(r.path));
    expect(lists.length).toBe(1);
    expect(lists[0]?.query).toContain("timeJoinedOrder=DESC");
    const metaIds = proxy.passed.filter((r) => isBulkMeta(r.path)).flatMap((r) => (JSON.parse(r.body) as { userIds: string[] }).userIds);
    expect(metaIds).toEqual(["legacy-1002"]);
  });

  it("pauses between parts and, resumed, finishes with every user indexed once", async () => {
    // Enough users for several parts (2,000 users each), each page slow to come.
    seedUsers(join(dir, "core.sqlite"), [{ recipe: "emailpassword", count: 5000, emailPrefix: "paused", domain: "example.org" }], { joinedFrom: Date.now() - 7200_000 });
    proxy.script = (req) => (isList(req.path) ? { delayMs: 100 } : {});
    try {
      const { job } = await t.client.invoke("migration.scan.start", { mode: "full" });
      await jobWhere(t.client, job.id, (j) => j.done >= 1, "the first part read");
      const paused = (await t.client.invoke("jobs.pause", { jobId: job.id })).job;
      expect(paused.state).toBe("paused");
      expect((await t.client.invoke("migration.scan.status", {})).index.scanning).toMatchObject({ jobId: job.id, state: "paused" });
      await t.client.invoke("jobs.resume", { jobId: job.id });
      expect(await finished(t.client, job.id)).toMatchObject({ state: "completed", failed: 0 });
      const total = await app().sdk(() => supertokens.getUserCount());
      expect((await t.client.invoke("migration.scan.status", {})).index).toMatchObject({ users: total, scanning: null });
    } finally {
      proxy.script = () => ({});
    }
  });

  it("answers a second scan request with the one under way", async () => {
    proxy.script = (req) => (isList(req.path) ? { delayMs: 150 } : {});
    try {
      const first = await t.client.invoke("migration.scan.start", { mode: "full" });
      const second = await t.client.invoke("migration.scan.start", { mode: "full" });
      expect(second.job.id).toBe(first.job.id);
      expect(second.index.scanning?.jobId).toBe(first.job.id);
      await finished(t.client, first.job.id);
    } finally {
      proxy.script = () => ({});
    }
  });
});

describe("the Core going away mid-scan", () => {
  let fault: TcpFaultProxy;
  let other: TestGatehouse;

  beforeAll(async () => {
    fault = await startTcpFaultProxy(core.url);
    other = await startTestGatehouse({ jobs: { retry: { baseMs: 20, capMs: 100 }, probe: { baseMs: 50, capMs: 200 }, progressIntervalMs: 20 } });
    const profile = await other.client.invoke("profiles.create", profileInput("Flaky core", [fault.url], { timeoutMs: 2000 }));
    await other.client.invoke("profiles.switch", { id: profile.id });
    seedUsers(join(dir, "core.sqlite"), [{ recipe: "emailpassword", count: 3000, emailPrefix: "many", domain: "example.net" }], { joinedFrom: Date.now() - 3600_000 });
  });

  afterAll(async () => {
    await other?.close();
    await fault?.close();
  });

  it("waits for the Core, carries on when it is back, and indexes every user once", async () => {
    const total = await app().sdk(() => supertokens.getUserCount());
    const { job } = await other.client.invoke("migration.scan.start", { mode: "full" });
    await jobWhere(other.client, job.id, (j) => j.done >= 1, "the first part read");
    fault.setMode({ kind: "drop" });
    const waiting = await jobWhere(other.client, job.id, (j) => j.state === "waiting", "the job to wait for the Core");
    expect(waiting.error).toMatch(/Core/);
    expect(waiting.failed).toBe(0);
    fault.setMode({ kind: "pass" });
    const done = await finished(other.client, job.id);
    expect(done).toMatchObject({ state: "completed", failed: 0 });
    const status = await other.client.invoke("migration.scan.status", {});
    expect(status.index.users).toBe(total);
    expect(status.index.scanning).toBeNull();
  });
});
