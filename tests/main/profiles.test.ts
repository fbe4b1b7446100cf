/**
 * Connection profiles through the dispatcher: the first-run "Local demo" profile, create, edit,
 * switch and remove, API keys sealed at rest and never handed out, and "test connection" against
 * the embedded core, a closed port and a core that demands an API key.
 */
import Database from "better-sqlite3";
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmbeddedCore, type RunningEmbeddedCore } from "../../main/embedded-core/index.ts";
import { closedPortUrl } from "./helpers/faults.ts";
import { expectFailure, profileInput, startTestGatehouse, type TestGatehouse } from "./helpers/gatehouse.ts";

const CORE_KEY = "keyed-core-api-key-0123456789";
const OTHER_KEY = "sealed-secret-9f8e7d6c5b4a39281706";

let t: TestGatehouse;
let keyed: RunningEmbeddedCore;
let dataDir: string;
let demoId: string;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), "gatehouse-profiles-"));
  keyed = await startEmbeddedCore({ apiKeys: [CORE_KEY] });
  t = await startTestGatehouse({ dataDir });
  demoId = (await t.client.invoke("session.whoami", {})).profile?.id ?? "";
});

afterAll(async () => {
  await t?.close();
  await keyed?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

/** Every byte Gatehouse keeps in its data folder for its own database. */
const storeBytes = (): string =>
  readdirSync(dataDir)
    .filter((f) => f.startsWith("gatehouse.sqlite"))
    .map((f) => readFileSync(join(dataDir, f)).toString("latin1"))
    .join("\n");

const sealedColumn = (id: string): string | null => {
  const db = new Database(join(dataDir, "gatehouse.sqlite"), { readonly: true });
  try {
    return (db.prepare("SELECT api_key_sealed FROM profiles WHERE id = ?").get(id) as { api_key_sealed: string | null }).api_key_sealed;
  } finally {
    db.close();
  }
};

describe("first run", () => {
  it("creates the Local demo profile on the embedded core, as admin, active — once", async () => {
    const { profiles } = await t.client.invoke("profiles.list", {});
    expect(profiles).toEqual([
      expect.objectContaining({ name: "Local demo", embedded: true, role: "admin", active: true, hasApiKey: false, uris: [t.coreUrl], defaultTenant: "public" }),
    ]);
    const me = await t.client.invoke("session.whoami", {});
    expect(me).toMatchObject({ operator: "tester", role: "admin", profile: { name: "Local demo" } });
    expect(me.permissions).toContain("profiles:write");
    expect(await t.client.invoke("connection.status", {})).toMatchObject({ state: "connected", cdiVersion: "5.4", profileId: demoId });
    const err = await expectFailure(t.invoke("profiles.update", { id: demoId, uris: ["http://127.0.0.1:1"] }), "VALIDATION");
    expect(err.field).toBe("uris");
  });

  it("keeps profiles and the active one across a restart, without a second Local demo", async () => {
    const dir = mkdtempSync(join(tmpdir(), "gatehouse-restart-"));
    try {
      const first = await startTestGatehouse({ dataDir: dir, embeddedCore: false });
      const staging = await first.client.invoke("profiles.create", profileInput("Staging", ["http://127.0.0.1:3567"], { role: "support" }));
      await first.client.invoke("profiles.switch", { id: staging.id });
      await first.close();
      const second = await startTestGatehouse({ dataDir: dir, embeddedCore: false });
      try {
        const { profiles } = await second.client.invoke("profiles.list", {});
        expect(profiles.map((p) => [p.name, p.active])).toEqual([
          ["Local demo", false],
          ["Staging", true],
        ]);
        expect((await second.client.invoke("session.whoami", {})).role).toBe("support");
      } finally {
        await second.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("create, update, switch, remove", () => {
  it("manages profiles; names are unique", async () => {
    const staging = await t.client.invoke("profiles.create", profileInput("Staging", ["http://core-a.example:3567", "http://core-b.example:3567"], { role: "support", timeoutMs: 2500 }));
    expect(staging).toMatchObject({ name: "Staging", role: "support", timeoutMs: 2500, active: false, embedded: false, hasApiKey: false });
    expect(staging.uris).toEqual(["http://core-a.example:3567", "http://core-b.example:3567"]);
    expect((await t.client.invoke("session.whoami", {})).profile?.id).toBe(demoId);

    await expectFailure(t.invoke("profiles.create", profileInput("Staging", [t.coreUrl])), "CONFLICT");
    await expectFailure(t.invoke("profiles.create", profileInput("Local demo", [t.coreUrl])), "CONFLICT");
    await expectFailure(t.invoke("profiles.update", { id: staging.id, name: "Local demo" }), "CONFLICT");
    expect(await t.client.invoke("profiles.update", { id: staging.id, name: "Staging" })).toMatchObject({ name: "Staging" });

    const edited = await t.client.invoke("profiles.update", { id: staging.id, name: "Staging EU", uris: [t.coreUrl], role: "auditor", timeoutMs: 4000, defaultTenant: "acme" });
    expect(edited).toMatchObject({ name: "Staging EU", uris: [t.coreUrl], role: "auditor", timeoutMs: 4000, defaultTenant: "acme" });
    expect((await t.client.invoke("profiles.list", {})).profiles.find((p) => p.id === staging.id)).toEqual(edited);

    const switched = await t.client.invoke("profiles.switch", { id: staging.id });
    expect(switched).toMatchObject({ id: staging.id, active: true });
    expect(await t.client.invoke("session.whoami", {})).toMatchObject({ role: "auditor", profile: { name: "Staging EU" } });
    expect((await t.client.invoke("profiles.list", {})).profiles.filter((p) => p.active).map((p) => p.id)).toEqual([staging.id]);
    await expectFailure(t.invoke("profiles.create", profileInput("Sneaky", [t.coreUrl])), "FORBIDDEN");
    await expectFailure(t.invoke("profiles.switch", { id: "no-such-profile" }), "NOT_FOUND");

    await t.client.invoke("profiles.switch", { id: demoId });
    expect(await t.client.invoke("profiles.remove", { id: staging.id })).toEqual({ removed: true });
    expect(await t.client.invoke("profiles.remove", { id: staging.id })).toEqual({ removed: false });
    expect((await t.client.invoke("profiles.list", {})).profiles.map((p) => p.name)).not.toContain("Staging EU");
  });

  it("leaves no profile active when the active one is removed", async () => {
    const temp = await t.client.invoke("profiles.create", profileInput("Temporary", [t.coreUrl]));
    await t.client.invoke("profiles.switch", { id: temp.id });
    await t.client.invoke("profiles.remove", { id: temp.id });
    try {
      expect((await t.client.invoke("session.whoami", {})).profile).toBeNull();
      expect(await t.client.invoke("connection.status", {})).toMatchObject({ state: "none", profileId: null });
      await expectFailure(t.invoke("users.list", { tenantId: "public", order: "newest", limit: 1 }), "NO_PROFILE");
    } finally {
      await t.client.invoke("profiles.switch", { id: demoId });
    }
  });
});

describe("API keys", () => {
  it("seals the key at rest and never hands it out", async () => {
    const outputs: unknown[] = [];
    const created = await t.client.invoke("profiles.create", profileInput("Keyed", [keyed.url], { apiKey: OTHER_KEY }));
    outputs.push(created, await t.client.invoke("profiles.list", {}), await t.client.invoke("profiles.test", { id: created.id }));
    outputs.push(await t.client.invoke("profiles.update", { id: created.id, timeoutMs: 3000 }));
    outputs.push(await t.client.invoke("profiles.switch", { id: created.id }), await t.client.invoke("session.whoami", {}));
    await t.client.invoke("profiles.switch", { id: demoId });
    expect(created.hasApiKey).toBe(true);
    for (const out of outputs) expect(JSON.stringify(out)).not.toContain(OTHER_KEY);

    const sealed = sealedColumn(created.id);
    expect(sealed).toMatch(/^v1:/);
    expect(sealed).not.toContain(OTHER_KEY);
    expect(storeBytes()).not.toContain(OTHER_KEY);
    expect(storeBytes()).not.toContain(Buffer.from(OTHER_KEY).toString("base64"));
    expect(statSync(join(dataDir, "secrets.key")).mode & 0o077).toBe(0);

    // Absent keeps the key; a new one replaces it (sealed afresh); null removes it.
    expect((await t.client.invoke("profiles.update", { id: created.id, name: "Keyed 2" })).hasApiKey).toBe(true);
    expect(sealedColumn(created.id)).toBe(sealed);
    await t.client.invoke("profiles.update", { id: created.id, apiKey: CORE_KEY });
    expect(sealedColumn(created.id)).not.toBe(sealed);
    expect(storeBytes()).not.toContain(CORE_KEY);
    expect((await t.client.invoke("profiles.test", { id: created.id })).supported).toBe(true); // the sealed key opens to the right one
    const cleared = await t.client.invoke("profiles.update", { id: created.id, apiKey: null });
    expect(cleared.hasApiKey).toBe(false);
    expect(sealedColumn(created.id)).toBeNull();
    expect(await t.client.invoke("profiles.test", { id: created.id })).toMatchObject({ reachable: true, supported: false });
  });
});

describe("profiles.test", () => {
  it("reports the embedded core reachable, CDI 5.x supported, with its tenants", async () => {
    const result = await t.client.invoke("profiles.test", { uris: [t.coreUrl], timeoutMs: 2000 });
    expect(result).toMatchObject({ reachable: true, supported: true, uri: t.coreUrl });
    expect(result.cdiVersions).toContain("5.4");
    expect(result.tenants).toEqual(expect.arrayContaining(["public", "acme"]));
    expect(result.message).toMatch(/^Connected\. The Core speaks CDI 5\./);
    expect(await t.client.invoke("profiles.test", { id: demoId })).toMatchObject({ reachable: true, supported: true });
  });

  it("reports a closed port unreachable, naming the URI", async () => {
    const dead = await closedPortUrl();
    const result = await t.client.invoke("profiles.test", { uris: [dead], timeoutMs: 2000 });
    expect(result).toMatchObject({ reachable: false, supported: false, uri: null, tenants: [], cdiVersions: [] });
    expect(result.message).toContain(`Cannot reach the SuperTokens Core at ${dead}`);
  });

  it("names the URI that answered after a failover, and the one that did not", async () => {
    const dead = await closedPortUrl();
    const result = await t.client.invoke("profiles.test", { uris: [dead, t.coreUrl], timeoutMs: 2000 });
    expect(result).toMatchObject({ reachable: true, supported: true, state: "connected", uri: t.coreUrl });
    expect(result.uris.map((u) => [u.uri, u.state])).toEqual([
      [dead, "unreachable"],
      [t.coreUrl, "connected"],
    ]);
    expect(result.message).toContain(`Connected through ${t.coreUrl}`);
    expect(result.message).toContain(`Did not connect: ${dead}.`);
    expect(result.uris[0]?.message).toContain(`Cannot reach the SuperTokens Core at ${dead}`);
    // Every URI dead: none is named as connected.
    const none = await t.client.invoke("profiles.test", { uris: [dead, await closedPortUrl()], timeoutMs: 2000 });
    expect(none).toMatchObject({ reachable: false, uri: null, state: "unreachable" });
  });

  it("says when the Core refuses the API key, or needs one and none is set, and can reuse a saved profile's key", async () => {
    const wrong = await t.client.invoke("profiles.test", { uris: [keyed.url], timeoutMs: 2000, apiKey: "wrong-key-for-this-core-000" });
    expect(wrong).toMatchObject({ reachable: true, supported: false, tenants: [], state: "key-refused", uri: keyed.url });
    expect(wrong.message).toMatch(/refused the API key/);
    const missing = await t.client.invoke("profiles.test", { uris: [keyed.url], timeoutMs: 2000 });
    expect(missing).toMatchObject({ reachable: true, supported: false, state: "key-missing" });
    expect(missing.message).toMatch(/needs an API key, and none is set/);
    expect(await t.client.invoke("profiles.test", { uris: [keyed.url], timeoutMs: 2000, apiKey: CORE_KEY })).toMatchObject({ supported: true, tenants: ["public"] });

    const saved = await t.client.invoke("profiles.create", profileInput("Keyed core", [keyed.url], { apiKey: CORE_KEY }));
    // While editing that profile: no key typed → its stored key is used; a typed key wins.
    expect(await t.client.invoke("profiles.test", { uris: [keyed.url], timeoutMs: 2000, keyFrom: saved.id })).toMatchObject({ reachable: true, supported: true });
    expect((await t.client.invoke("profiles.test", { uris: [keyed.url], timeoutMs: 2000, keyFrom: saved.id, apiKey: "typed-but-wrong-key-0000" })).supported).toBe(false);
    expect((await t.client.invoke("profiles.test", { uris: [keyed.url], timeoutMs: 2000, keyFrom: demoId })).supported).toBe(false);
    await expectFailure(t.invoke("profiles.test", { uris: [keyed.url], timeoutMs: 2000, keyFrom: "no-such-profile" }), "NOT_FOUND");
  });
});
