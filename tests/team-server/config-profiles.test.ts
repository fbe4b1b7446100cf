/**
 * Connection profiles set in the team server's config (`profiles`, `activeProfile`):
 * - the config is checked field by field, defaults filled;
 * - at start they are written with the config's ids, role admin, the API key read from its file
 *   and sealed with the server key (the key works against a Core that demands it, and is in no
 *   answer, no log line and not in the store in clear), and the active one is the config's;
 * - on SQLite the console may still change them, and a restart puts the config's back;
 * - on PostgreSQL the config's list is the whole list (what the instance held before is gone), and
 *   profiles.create/update/remove/switch are refused with CONFLICT and the message saying where to
 *   change them, each refusal in the audit trail.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmbeddedCore, type RunningEmbeddedCore } from "../../main/embedded-core/index.ts";
import { openStore } from "../../main/store/database.ts";
import { ConfigError, parseServerConfig, type ServerConfigFile } from "../../main/team-server/config.ts";
import { PROFILES_IN_CONFIG, startTeamServer, type TeamServer } from "../../main/team-server/index.ts";
import { addOperator } from "../../main/team/operators/add-operator.ts";
import { DEFAULT_DATA_CONTRACT } from "../../shared/data-contract.ts";
import { stubRenderer } from "../server/helpers.ts";
import { startTestPostgres, type TestPostgres } from "../support/postgres.ts";
import { Browser } from "../team/support/team-http.ts";
import { invoke } from "./support/server-fixture.ts";

const CORE_KEY = "config-profile-core-key-7f3a9c2e51b84d06";
const ADMIN = "ada@example.com";
const PASSWORD = "Pw-ada-correct-horse-battery";

let dir: string;
let renderer: ReturnType<typeof stubRenderer>;
let keyedCore: RunningEmbeddedCore;
const logs: string[] = [];
const browsers: Browser[] = [];

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), "gatehouse-config-profiles-"));
  writeFileSync(path.join(dir, "core.key"), `${CORE_KEY}\n`);
  writeFileSync(path.join(dir, "wrong.key"), "not-the-core-key-at-all\n");
  renderer = stubRenderer();
  keyedCore = await startEmbeddedCore({ apiKeys: [CORE_KEY] });
});
afterAll(async () => {
  await keyedCore?.close();
  rmSync(dir, { recursive: true, force: true });
  rmSync(renderer.base, { recursive: true, force: true });
});

/** Two profiles: "production" with the right key, "staging" with a wrong one; staging active. */
const configured = (): Partial<ServerConfigFile> => ({
  profiles: [
    { id: "production", name: "Production", uris: [keyedCore.url], apiKeyFile: "../core.key", contract: { inviterRole: "inviter" } },
    { id: "staging", name: "Staging", uris: [keyedCore.url], apiKeyFile: "../wrong.key", defaultTenant: "t1", timeoutMs: 3000 },
  ],
  activeProfile: "staging",
});

async function start(dataDir: string, config: Partial<ServerConfigFile>): Promise<TeamServer> {
  const parsed = parseServerConfig({ listen: { host: "127.0.0.1", port: 0 }, dataDir: ".", trustedProxies: ["127.0.0.1"], demoCore: false, ...config }, dataDir);
  return startTeamServer({ config: parsed, rendererDir: renderer.rendererDir, log: (line) => logs.push(line), gatehouse: { embeddedCoreInMemory: true } });
}

/** The admin signed in on `server` (added to its directory first when `add`). */
async function admin(server: TeamServer, add: boolean): Promise<Browser> {
  if (add) {
    const created = await addOperator({ directory: server.team.directory, links: server.team.links, audit: server.audit, now: Date.now }, { email: ADMIN, role: "admin" }, "cli:tester");
    await server.team.setPassword({ token: new URL(created.link.url).hash.replace(/^#set-password=/, ""), password: PASSWORD }, "127.0.0.1");
  }
  const browser = new Browser(server.origin, { "x-forwarded-for": "198.51.100.7" });
  const answer = await browser.post("/api/team/sign-in", { email: ADMIN, password: PASSWORD });
  if (answer.body.value?.step !== "signed-in") throw new Error(`sign-in failed: ${JSON.stringify(answer.body)}`);
  browsers.push(browser);
  return browser;
}

type Listed = { id: string; name: string; role: string; active: boolean; hasApiKey: boolean; defaultTenant: string; timeoutMs: number; contract: Record<string, string>; uris: string[] };
const listed = async (browser: Browser) => ((await invoke(browser, "profiles.list")).value as { profiles: Listed[] }).profiles;

function refusal(json: unknown): ConfigError {
  try {
    parseServerConfig({ listen: { host: "127.0.0.1", port: 0 }, dataDir: "d", ...(json as object) }, dir);
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error("the config was accepted");
}

describe("the config's profiles section", () => {
  const one = { id: "prod", name: "Production", uris: ["https://core.example.com"] };
  it.each([
    [{ profiles: [{ ...one, id: "Prod East" }] }, "profiles[0].id", /slug/],
    [{ profiles: [{ ...one, uris: [] }] }, "profiles[0].uris", /at least one Core URI/],
    [{ profiles: [{ ...one, uris: ["ftp://core"] }] }, "profiles[0].uris[0]", /http/],
    [{ profiles: [{ ...one, apiKeyFile: "absent.key" }] }, "profiles[0].apiKeyFile", /there is no file/],
    [{ profiles: [{ ...one, role: "support" }] }, "profiles[0].role", /not a setting the team server knows/],
    [{ profiles: [{ ...one, contract: { inviterRol: "x" } }] }, "profiles[0].contract.inviterRol", /not a setting/],
    [{ profiles: [{ ...one, timeoutMs: 100 }] }, "profiles[0].timeoutMs", /at least 500 ms/],
    [{ profiles: [one, { ...one, name: "Other" }] }, "profiles[1].id", /earlier profile/],
    [{ profiles: [one, { ...one, id: "other" }] }, "profiles[1].name", /earlier profile/],
    [{ profiles: [one], activeProfile: "staging" }, "activeProfile", /not the id of one of "profiles" \(prod\)/],
    [{ activeProfile: "prod" }, "activeProfile", /"profiles" gives none/],
    [{ profiles: [] }, "profiles", /at least one profile/],
  ])("%j → %s", (json, field, message) => {
    const err = refusal(json);
    expect(err.field).toBe(field);
    expect(err.message).toMatch(message);
  });

  it("fills the defaults (tenant public, 10 s, the usual contract keys, the first profile active) and reads key files from the config's folder", () => {
    const parsed = parseServerConfig({ listen: { host: "127.0.0.1", port: 0 }, dataDir: "d", profiles: [one, { ...one, id: "b", name: "B", apiKeyFile: "core.key", contract: { inviterRole: "inviter" } }] }, dir);
    expect(parsed.profiles).toEqual({
      active: "prod",
      list: [
        { ...one, apiKeyFile: undefined, defaultTenant: "public", timeoutMs: 10_000, contract: DEFAULT_DATA_CONTRACT },
        { ...one, id: "b", name: "B", apiKeyFile: path.join(dir, "core.key"), defaultTenant: "public", timeoutMs: 10_000, contract: { ...DEFAULT_DATA_CONTRACT, inviterRole: "inviter" } },
      ],
    });
    expect(parseServerConfig({ listen: { host: "127.0.0.1", port: 0 }, dataDir: "d" }, dir).profiles).toBeUndefined();
  });
});

describe("on SQLite (one instance)", () => {
  it("applies them with their ids, role admin, the key sealed and working; the console may change them, and a restart puts the config's back", async () => {
    const dataDir = path.join(dir, "sqlite");
    let server = await start(dataDir, configured());
    try {
      const browser = await admin(server, true);
      const profiles = await listed(browser);
      // Only the config's: no Local demo is made when the config gives profiles.
      expect(profiles.map((p) => [p.id, p.name, p.role, p.active, p.hasApiKey])).toEqual([
        ["production", "Production", "admin", false, true],
        ["staging", "Staging", "admin", true, true],
      ]);
      expect(profiles.find((p) => p.id === "staging")).toMatchObject({ defaultTenant: "t1", timeoutMs: 3000, uris: [keyedCore.url], contract: DEFAULT_DATA_CONTRACT });
      expect(profiles.find((p) => p.id === "production")?.contract).toEqual({ ...DEFAULT_DATA_CONTRACT, inviterRole: "inviter" });
      // The keys were read from their files and are used: the right one connects, the wrong one is refused by the Core.
      expect((await invoke(browser, "profiles.test", { id: "production" })).value).toMatchObject({ state: "connected" });
      expect((await invoke(browser, "profiles.test", { id: "staging" })).value).toMatchObject({ state: "key-refused" });
      expect((await invoke(browser, "connection.status")).value).toMatchObject({ profileId: "staging" });

      // The console may still change them here.
      expect((await invoke(browser, "profiles.update", { id: "production", name: "Prod (renamed)" })).ok).toBe(true);
      expect((await invoke(browser, "profiles.switch", { id: "production" })).ok).toBe(true);
      const mine = await invoke(browser, "profiles.create", { name: "Mine", uris: [keyedCore.url], role: "support", defaultTenant: "public", timeoutMs: 5000, contract: DEFAULT_DATA_CONTRACT });
      expect(mine.ok).toBe(true);
    } finally {
      await server.close();
    }

    // A restart applies the config again: its names and its active profile; the console's own profile stays.
    server = await start(dataDir, configured());
    try {
      const browser = await admin(server, false);
      const profiles = await listed(browser);
      expect(profiles.map((p) => [p.name, p.active])).toEqual([
        ["Mine", false],
        ["Production", false],
        ["Staging", true],
      ]);
      checkStoreSealed(dataDir);
    } finally {
      await server.close();
    }
  }, 60_000);

  it("refuses to start when a saved profile has a configured profile's name, naming both", async () => {
    const dataDir = path.join(dir, "clash");
    const first = await start(dataDir, {});
    try {
      const browser = await admin(first, true);
      expect((await invoke(browser, "profiles.create", { name: "Production", uris: [keyedCore.url], role: "admin", defaultTenant: "public", timeoutMs: 5000, contract: DEFAULT_DATA_CONTRACT })).ok).toBe(true);
    } finally {
      await first.close();
    }
    await expect(start(dataDir, configured())).rejects.toThrow(/profiles: The configured profile "production" is named "Production", as is the saved profile [0-9a-f-]{36}: rename one of them\./);
  }, 60_000);
});

describe("on PostgreSQL (several instances)", () => {
  let cluster: TestPostgres;
  beforeAll(async () => {
    cluster = await startTestPostgres();
  }, 60_000);
  afterAll(async () => {
    await cluster?.stop();
  });

  it("the config's list is the whole list, and every profile change is refused with CONFLICT saying where to change them, audited", async () => {
    const dataDir = path.join(dir, "postgres");
    // Before: this data folder ran on SQLite with its Local demo and a profile made in the console.
    const before = await start(dataDir, {});
    try {
      const browser = await admin(before, true);
      expect((await invoke(browser, "profiles.create", { name: "Mine", uris: [keyedCore.url], role: "admin", defaultTenant: "public", timeoutMs: 5000, contract: DEFAULT_DATA_CONTRACT })).ok).toBe(true);
      expect((await listed(browser)).map((p) => p.name)).toEqual(["Local demo", "Mine"]);
    } finally {
      await before.close();
    }

    const server = await start(dataDir, { ...configured(), store: { kind: "postgres", url: cluster.url } });
    try {
      // Sessions are on PostgreSQL now: the operator's password is the directory's, so just sign in.
      const browser = await admin(server, false);
      expect((await listed(browser)).map((p) => [p.id, p.active])).toEqual([
        ["production", false],
        ["staging", true],
      ]);

      const attempts: [string, unknown][] = [
        ["profiles.create", { name: "Another", uris: [keyedCore.url], role: "admin", defaultTenant: "public", timeoutMs: 5000, contract: DEFAULT_DATA_CONTRACT }],
        ["profiles.update", { id: "production", name: "Renamed" }],
        ["profiles.update", { id: "staging", apiKey: "a-key-typed-in-the-console" }],
        ["profiles.remove", { id: "staging" }],
        ["profiles.switch", { id: "production" }],
      ];
      for (const [op, input] of attempts) {
        const answer = await invoke(browser, op, input);
        expect(answer.error, op).toEqual({ code: "CONFLICT", message: PROFILES_IN_CONFIG });
      }
      // Nothing changed.
      expect((await listed(browser)).map((p) => [p.id, p.name, p.active])).toEqual([
        ["production", "Production", false],
        ["staging", "Staging", true],
      ]);
      // whoami says why, so the Connections page offers none of these.
      expect((await invoke(browser, "session.whoami", {})).value).toMatchObject({ mode: "team", profilesLocked: PROFILES_IN_CONFIG });
      // Reads still work: the saved key connects.
      expect((await invoke(browser, "profiles.test", { id: "production" })).value).toMatchObject({ state: "connected" });

      // Each refusal is in the (shared) audit trail, with who, from where, and why.
      const trail = (await invoke(browser, "audit.list", { limit: 50 })).value as { entries: { operation: string; operator: string; address: string | null; outcome: string; detail: string | null; target: string | null }[] };
      const refused = trail.entries.filter((e) => e.operation.startsWith("profiles.") && e.outcome === "error").reverse();
      expect(refused.map((e) => [e.operation, e.target])).toEqual([
        ["profiles.create", "Another"],
        ["profiles.update", "production"],
        ["profiles.update", "staging"],
        ["profiles.remove", "staging"],
        ["profiles.switch", "production"],
      ]);
      for (const e of refused) expect(e).toMatchObject({ operator: ADMIN, address: "198.51.100.7", detail: expect.stringContaining("set in its config file") as unknown });
      checkStoreSealed(dataDir);
    } finally {
      await server.close();
    }
  }, 90_000);
});

describe("the configured API key", () => {
  it("is in no answer any browser got, and in no log line", () => {
    expect(browsers.length).toBeGreaterThan(3);
    for (const browser of browsers) for (const text of browser.answers) expect(text).not.toContain(CORE_KEY);
    expect(logs.some((l) => l.includes("connection profiles from the config: production, staging; active: staging"))).toBe(true);
    for (const line of logs) expect(line).not.toContain(CORE_KEY);
  });
});

/** The instance's store holds the key sealed (not in clear), for every configured profile that has one. */
function checkStoreSealed(dataDir: string): void {
  const db = openStore(path.join(dataDir, "gatehouse.sqlite"));
  try {
    const rows = db.prepare("SELECT id, api_key_sealed FROM profiles WHERE id IN ('production', 'staging')").all() as { id: string; api_key_sealed: string | null }[];
    expect(rows).toHaveLength(2);
    for (const row of rows) {
      expect(row.api_key_sealed).toEqual(expect.any(String));
      expect(row.api_key_sealed).not.toContain(CORE_KEY);
      expect(row.api_key_sealed).not.toContain("not-the-core-key");
    }
  } finally {
    db.close();
  }
}
