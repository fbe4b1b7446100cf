/**
 * The roster read from a legacy service's listing (LegacyAuth, over HTTP), as a job: a wrong token
 * is refused and nothing is imported; the right one reads every page (disabled accounts left out)
 * and replaces the roster whole; the service going away mid-read leaves the roster in force as it
 * was, and running the failed items again finishes the read. The token is sealed: never answered,
 * never audited.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { legacyRoster } from "../../../main/embedded-core/demo/legacy-roster.ts";
import { startLegacyAuth, type RunningLegacyAuth } from "../../../examples/legacy-auth/server.ts";
import { startTcpFaultProxy, type TcpFaultProxy } from "../helpers/faults.ts";
import { jobWhere } from "../jobs/helpers.ts";
import { finished, startWorld, type World } from "./world.ts";

const USERS = 1200;
const TOKEN = "service-token-for-tests";
let w: World;
let legacy: RunningLegacyAuth;
let fault: TcpFaultProxy;
const enabled = legacyRoster(1, USERS).filter((u) => !u.disabled);

beforeAll(async () => {
  legacy = await startLegacyAuth({ users: USERS, token: TOKEN, fillHashes: false });
  fault = await startTcpFaultProxy(legacy.url);
  w = await startWorld();
});

afterAll(async () => {
  await w?.close();
  await fault?.close();
  await legacy?.close();
});

describe("the roster from a legacy service", () => {
  it("refuses a wrong token and imports nothing", async () => {
    const { job } = await w.client.invoke("migration.source.setService", { url: fault.url, legacyToken: "not-the-token" });
    const done = await finished(w.client, job.id);
    expect(done.failed).toBeGreaterThan(0);
    const status = await w.client.invoke("migration.source.get", {});
    expect(status.total).toBe(0);
    expect(status.source).toMatchObject({ kind: "service", url: fault.url, hasToken: true });
    expect(status.read?.error).toMatch(/could not be read; the roster in force is unchanged/);
    const { items } = await w.client.invoke("jobs.get", { jobId: job.id });
    expect(items[0]?.error).toMatch(/refused the token \(401\)/);
  });

  it("reads every page with the right token, leaves disabled accounts out, and keeps the token to itself", async () => {
    const out = await w.client.invoke("migration.source.setService", { url: fault.url, legacyToken: TOKEN });
    expect(out.job.total).toBe(Math.ceil(USERS / 500) + 1);
    const done = await finished(w.client, out.job.id);
    expect(done).toMatchObject({ state: "completed", failed: 0 });
    const status = await w.client.invoke("migration.source.get", {});
    expect(status).toMatchObject({ total: enabled.length, skippedDisabled: USERS - enabled.length, withHashes: 0, read: { error: null } });
    expect(status.tenants).toEqual([{ tenantId: "public", count: enabled.length }]);
    const rows = (await w.client.invoke("migration.list", { state: "not-migrated", limit: 500 })).rows;
    // Not classified before a scan: the roster is there, the lists wait for the index.
    expect(rows).toEqual([]);
    const all = [JSON.stringify(status), JSON.stringify(await w.t.auditEntries()), JSON.stringify(await w.client.invoke("jobs.get", { jobId: out.job.id }))].join("");
    expect(all).not.toContain(TOKEN);
    // Sealed at rest: the database holds no trace of it either.
    for (const file of ["gatehouse.sqlite", "gatehouse.sqlite-wal"]) {
      const bytes = existsSync(join(w.t.dataDir, file)) ? readFileSync(join(w.t.dataDir, file)) : Buffer.alloc(0);
      expect(bytes.includes(Buffer.from(TOKEN)), file).toBe(false);
    }
    const audited = (await w.t.auditEntries()).filter((e) => e.operation === "migration.source.setService");
    expect(audited.at(-1)?.input).toMatchObject({ url: fault.url, legacyToken: "[redacted]" });
  });

  it("keeps the roster in force when the service goes away mid-read, and finishes when it is back", async () => {
    const before = (await w.client.invoke("migration.source.get", {})).updatedAt;
    const { job } = await w.client.invoke("migration.source.read", {});
    await jobWhere(w.client, job.id, (j) => j.done >= 1, "the first page read");
    fault.setMode({ kind: "drop" });
    const stopped = await finished(w.client, job.id);
    expect(stopped.failed).toBeGreaterThan(0);
    const kept = await w.client.invoke("migration.source.get", {});
    expect(kept).toMatchObject({ total: enabled.length, updatedAt: before });
    expect(kept.read?.error).toMatch(/unchanged/);
    const { items } = await w.client.invoke("jobs.get", { jobId: job.id, state: "failed" });
    expect(items[0]?.error).toMatch(/legacy service at .* could not be reached/);

    fault.setMode({ kind: "pass" });
    await w.client.invoke("jobs.retryFailed", { jobId: job.id });
    const done = await finished(w.client, job.id);
    expect(done).toMatchObject({ state: "completed", failed: 0 });
    const after = await w.client.invoke("migration.source.get", {});
    expect(after.total).toBe(enabled.length);
    expect(after.read?.error).toBeNull();
    expect(after.updatedAt).toBeGreaterThanOrEqual(before ?? 0);
  });
});
