/**
 * What the console says when the Core misbehaves, with faults injected in front of the real
 * embedded core: refused and dropped connections, a Core slower than the profile's timeout (before
 * and after it starts answering), failover across ";"-separated URIs, a Core that speaks no CDI
 * version the console knows, and a wrong API key. Calls go through supertokens-node (users.list)
 * and through the raw path for endpoints the SDK does not wrap (tenants.list).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startEmbeddedCore, type RunningEmbeddedCore } from "../../main/embedded-core/index.ts";
import type { ErrorCode } from "../../shared/contract/errors.ts";
import { closedPortUrl, startFakeCore, startTcpFaultProxy, type Stoppable, type TcpFaultProxy } from "./helpers/faults.ts";
import { expectFailure, profileInput, startTestGatehouse, type TestGatehouse } from "./helpers/gatehouse.ts";

const CORE_KEY = "faults-core-api-key-0123456789";
const TIMEOUT_MS = 500;

let t: TestGatehouse;
let demoId: string;
let keyed: RunningEmbeddedCore;
let proxy: TcpFaultProxy;
let stopLater: Stoppable[] = [];
let profileCounter = 0;

beforeAll(async () => {
  t = await startTestGatehouse();
  demoId = (await t.client.invoke("session.whoami", {})).profile?.id ?? "";
  keyed = await startEmbeddedCore({ apiKeys: [CORE_KEY] });
  proxy = await startTcpFaultProxy(t.coreUrl);
});

// Each test starts from the Local demo profile, whatever the one before did or where it failed.
afterEach(async () => {
  if (proxy.mode.kind !== "pass") proxy.setMode({ kind: "pass" });
  await t.client.invoke("profiles.switch", { id: demoId });
});

afterAll(async () => {
  await t?.close();
  await keyed?.close();
  await proxy?.close();
  for (const s of stopLater) await s.close();
  stopLater = [];
});

/** Creates a profile for `uris` and makes it the active one. */
async function useProfile(uris: string[], extra: { apiKey?: string; timeoutMs?: number } = {}): Promise<string> {
  profileCounter += 1;
  const created = await t.client.invoke("profiles.create", profileInput(`Faulty ${profileCounter}`, uris, { timeoutMs: 2000, ...extra }));
  await t.client.invoke("profiles.switch", { id: created.id });
  return created.id;
}

const listUsers = () => t.invoke("users.list", { tenantId: "public", order: "newest", limit: 3 });
const listTenants = () => t.invoke("tenants.list", {});

async function expectBoth(code: ErrorCode, message: RegExp | string): Promise<void> {
  for (const call of [listUsers, listTenants]) {
    const error = await expectFailure(call(), code);
    if (typeof message === "string") expect(error.message).toContain(message);
    else expect(error.message).toMatch(message);
  }
}

describe("connection faults", () => {
  it("a refused connection is CORE_UNREACHABLE, naming the URI", async () => {
    const dead = await closedPortUrl();
    const events: unknown[] = [];
    const stop = t.gatehouse.events.on((name, payload) => {
      if (name === "connection.changed") events.push(payload);
    });
    try {
      await useProfile([dead]);
    } finally {
      stop();
    }
    expect(events).toEqual([expect.objectContaining({ state: "unreachable" })]);
    await expectBoth("CORE_UNREACHABLE", `Cannot reach the SuperTokens Core at ${dead}`);
    const status = await t.client.invoke("connection.status", {});
    expect(status).toMatchObject({ state: "unreachable", cdiVersion: null });
    expect(status.message).toContain(dead);
  });

  it("a connection dropped on arrival is CORE_UNREACHABLE", async () => {
    proxy.setMode({ kind: "drop" });
    try {
      await useProfile([proxy.url]);
      await expectBoth("CORE_UNREACHABLE", proxy.url);
      expect((await t.client.invoke("connection.status", {})).state).toBe("unreachable");
    } finally {
      proxy.setMode({ kind: "pass" });
    }
  });

  // How soon the TIMEOUT comes is a goal of `npm run bench` (bench/jobs/faults.ts), not asserted here.
  it("a Core slower than the profile's timeout is a TIMEOUT, not a hang", async () => {
    proxy.setMode({ kind: "stall" });
    try {
      await useProfile([proxy.url], { timeoutMs: TIMEOUT_MS });
      // Side by side (each call has its own timeout): the SDK path, the raw path, the probe, a change.
      const [users, tenants, status, change] = await Promise.all([
        listUsers(),
        listTenants(),
        t.client.invoke("connection.status", {}),
        t.invoke("users.updateMetadata", { userId: "anyone", update: { a: 1 } }),
      ]);
      for (const value of [users, tenants, change]) {
        const error = await expectFailure(Promise.resolve(value), "TIMEOUT");
        expect(error.message).toContain(`The SuperTokens Core at ${proxy.url} did not answer in time`);
      }
      expect(status.state).toBe("unreachable");
      expect(status.message).toMatch(/did not answer in time/);

      // The change that timed out is audited as failed.
      expect((await t.client.invoke("audit.list", { limit: 1 })).entries[0]).toMatchObject({ operation: "users.updateMetadata", outcome: "error" });
      expect((await t.client.invoke("audit.list", { limit: 1 })).entries[0]?.detail).toMatch(/^TIMEOUT: /);
    } finally {
      proxy.setMode({ kind: "pass" });
    }
  });

  it("a Core that sends its headers and then stalls is a TIMEOUT too", async () => {
    const halfway = await startFakeCore((_req, res) => {
      res.writeHead(200, { "content-type": "application/json;charset=UTF-8" });
      res.write('{"status":"OK","tenants":['); // and never ends
    });
    stopLater.push(halfway);
    await useProfile([halfway.url], { timeoutMs: TIMEOUT_MS });
    const [tenants, users, status] = await Promise.all([listTenants(), listUsers(), t.client.invoke("connection.status", {})]);
    const error = await expectFailure(Promise.resolve(tenants), "TIMEOUT");
    expect(error.message).toContain(halfway.url);
    await expectFailure(Promise.resolve(users), "TIMEOUT");
    expect(status.message).toMatch(/did not answer in time/);
  });

  it("a Core that is slow but within the timeout answers", async () => {
    proxy.setMode({ kind: "delay", ms: 100 });
    try {
      await useProfile([proxy.url], { timeoutMs: 1500 });
      const before = proxy.connections;
      const result = await listUsers();
      expect(proxy.connections).toBeGreaterThan(before);
      expect(result.ok, JSON.stringify(result)).toBe(true);
    } finally {
      proxy.setMode({ kind: "pass" });
    }
  });

  it('fails over from a dead URI to a live one ("dead;alive")', async () => {
    const dead = await closedPortUrl();
    const before = proxy.connections;
    await useProfile([dead, proxy.url]);
    const status = await t.client.invoke("connection.status", {});
    expect(status).toMatchObject({ state: "connected", cdiVersion: "5.4" });
    for (const call of [listUsers, listTenants]) {
      const result = await call();
      expect(result.ok, JSON.stringify(result)).toBe(true);
    }
    expect(proxy.connections).toBeGreaterThan(before);
    const { rows } = await t.client.invoke("users.list", { tenantId: "public", order: "oldest", limit: 1 });
    expect(rows[0]?.emails).toEqual(["ada.lovelace@example.com"]);
  });

  it('reports a Core that speaks only CDI 2.9 as "incompatible"', async () => {
    const old = await startFakeCore((req, res) => {
      if (req.url?.startsWith("/apiversion")) {
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify({ versions: ["2.9"] }));
      } else {
        res.writeHead(404, { "content-type": "text/html" });
        res.end("Not found\n");
      }
    });
    stopLater.push(old);
    const id = await useProfile([old.url]);
    const status = await t.client.invoke("connection.status", {});
    expect(status).toMatchObject({ profileId: id, state: "incompatible", cdiVersion: null });
    expect(status.message).toMatch(/2\.9/);
    await expectFailure(listUsers(), "CDI_MISMATCH");
    expect(await t.client.invoke("profiles.test", { id })).toMatchObject({ reachable: true, supported: false, cdiVersions: ["2.9"] });
  });

  it('reports a wrong API key as CORE_AUTH and the connection as "unauthorised"', async () => {
    const id = await useProfile([keyed.url], { apiKey: "not-the-right-key-0000000" });
    const status = await t.client.invoke("connection.status", {});
    expect(status.state).toBe("unauthorised");
    expect(status.message).toMatch(/refused the API key/);
    await expectBoth("CORE_AUTH", /refused the API key/);

    await t.client.invoke("profiles.update", { id, apiKey: CORE_KEY });
    expect((await t.client.invoke("connection.status", {})).state).toBe("connected");
    const result = await listTenants();
    expect(result).toEqual({ ok: true, value: { tenants: [{ tenantId: "public" }] } });
    expect((await listUsers()).ok).toBe(true);
  });

  it("goes back to the Local demo profile from a profile whose Core is gone", async () => {
    await useProfile([await closedPortUrl()]);
    expect((await t.client.invoke("connection.status", {})).state).toBe("unreachable");
    await t.client.invoke("profiles.switch", { id: demoId });
    expect((await t.client.invoke("connection.status", {})).state).toBe("connected");
    expect((await t.client.invoke("users.list", { tenantId: "public", order: "oldest", limit: 1 })).rows[0]?.emails).toEqual(["ada.lovelace@example.com"]);
  });
});
