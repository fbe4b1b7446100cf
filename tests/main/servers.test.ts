/**
 * Gatehouse servers (connections of kind "Gatehouse server") through the real composition root
 * and dispatcher: the address rule at the door, the list in the store (kept across a restart),
 * every role may add, open and remove (audited), opening by the desktop shell or by the page,
 * removal clearing the server's browser storage, and none of it on a team server.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ServerWindows } from "../../main/services/servers.ts";
import type { Caller } from "../../shared/contract/caller.ts";
import { expectFailure, profileInput, startTestGatehouse, type TestGatehouse } from "./helpers/gatehouse.ts";

/** The Electron shell's part, recorded (the real one is main/electron/server-windows.ts, which needs Electron). */
class RecordingWindows implements ServerWindows {
  readonly opened: { id: string; url: string }[] = [];
  readonly forgotten: string[] = [];
  open(server: { id: string; url: string }): boolean {
    this.opened.push(server);
    return true;
  }
  async forget(id: string): Promise<void> {
    this.forgotten.push(id);
  }
}

let t: TestGatehouse;
let closed = false;
const dataDir = mkdtempSync(join(tmpdir(), "gatehouse-servers-"));
const lastEntry = async () => (await t.client.invoke("audit.list", { limit: 1 })).entries[0];
const auditCount = async (): Promise<number> => (await t.client.invoke("audit.verify", {})).checked;

beforeAll(async () => {
  t = await startTestGatehouse({ embeddedCore: false, dataDir });
});

afterAll(async () => {
  if (!closed) await t?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe("Gatehouse servers on the desktop (browser mode: no desktop shell)", () => {
  it("refuses an address that breaks the rule, naming the field, and stores nothing", async () => {
    const cases: [string, RegExp][] = [
      ["http://gatehouse.example.com", /^url: must start with https:\/\//],
      ["https://admin:secret@gatehouse.example.com", /^url: must not hold a user name or password/],
      ["https://gatehouse.example.com@evil.example", /^url: must not hold a user name or password/],
      ["https://gatehouse.example.com/console", /^url: must be the server's address only/],
      ["https://gatehouse.example.com/?next=//evil.example", /^url: must be the server's address only/],
      ["https:\\\\evil.example", /^url: must not hold spaces, backslashes/],
      ["javascript:alert(1)", /^url: must start with https:\/\//],
    ];
    for (const [url, message] of cases) {
      const error = await expectFailure(t.invoke("servers.add", { name: "Bad", url }), "VALIDATION");
      expect(error.field, url).toBe("url");
      expect(error.message, url).toMatch(message);
    }
    const noName = await expectFailure(t.invoke("servers.add", { name: "  ", url: "https://gatehouse.example.com" }), "VALIDATION");
    expect(noName.field).toBe("name");
    expect((await t.client.invoke("servers.list", {})).servers).toEqual([]);
  });

  it("adds a server by its origin, lists it (unaudited read), and audits the add", async () => {
    const before = await auditCount();
    const added = await t.client.invoke("servers.add", { name: "Team", url: "HTTPS://Gatehouse.Example.com/" });
    expect(added).toMatchObject({ name: "Team", url: "https://gatehouse.example.com" });
    expect(await auditCount()).toBe(before + 1);
    expect(await lastEntry()).toMatchObject({ operation: "servers.add", target: "https://gatehouse.example.com", outcome: "ok", operator: "tester", role: "admin" });
    const { servers } = await t.client.invoke("servers.list", {});
    expect(servers).toEqual([added]);
    expect(Object.keys(servers[0] ?? {}).sort()).toEqual(["addedAt", "id", "name", "url"]);
    expect(await auditCount()).toBe(before + 1);
  });

  it("refuses a second server with the same name (any case) or the same address, naming the field", async () => {
    const name = await expectFailure(t.invoke("servers.add", { name: "TEAM", url: "https://other.example.com" }), "CONFLICT");
    expect(name).toMatchObject({ field: "name" });
    expect(name.message).toContain("“Team”");
    const url = await expectFailure(t.invoke("servers.add", { name: "Other", url: "https://gatehouse.example.com:443" }), "CONFLICT");
    expect(url).toMatchObject({ field: "url" });
    expect(url.message).toBe("https://gatehouse.example.com is already in the list, as “Team”.");
    expect((await t.client.invoke("servers.list", {})).servers.map((s) => s.name)).toEqual(["Team"]);
  });

  it("answers the URL for the page to open, with openedByMain false, and audits the opening", async () => {
    const [team] = (await t.client.invoke("servers.list", {})).servers;
    if (!team) throw new Error("no server");
    expect(await t.client.invoke("servers.open", { id: team.id })).toEqual({ url: "https://gatehouse.example.com", openedByMain: false });
    expect(await lastEntry()).toMatchObject({ operation: "servers.open", target: team.id, outcome: "ok" });
    await expectFailure(t.invoke("servers.open", { id: "no-such-server" }), "NOT_FOUND");
    expect(await lastEntry()).toMatchObject({ operation: "servers.open", target: "no-such-server", outcome: "error" });
  });

  it("lets every role add, open and remove one (the server gives the role), each audited with the role", async () => {
    const home = (await t.client.invoke("session.whoami", {})).profile?.id ?? "";
    const auditor = await t.client.invoke("profiles.create", profileInput("Auditor desk", ["http://127.0.0.1:9"], { role: "auditor" }));
    await t.client.invoke("profiles.switch", { id: auditor.id });
    try {
      const added = await t.client.invoke("servers.add", { name: "Staging", url: "http://localhost:4000" });
      expect(await lastEntry()).toMatchObject({ operation: "servers.add", role: "auditor", outcome: "ok" });
      expect((await t.client.invoke("servers.open", { id: added.id })).url).toBe("http://localhost:4000");
      expect(await lastEntry()).toMatchObject({ operation: "servers.open", role: "auditor", target: added.id, outcome: "ok" });
      expect(await t.client.invoke("servers.remove", { id: added.id })).toEqual({ removed: true });
      expect(await lastEntry()).toMatchObject({ operation: "servers.remove", role: "auditor", target: added.id, outcome: "ok" });
      // Gone already: not an error (another window removed it first), and said so.
      expect(await t.client.invoke("servers.remove", { id: added.id })).toEqual({ removed: false });
      // The auditor still may not change what a profile may do.
      await expectFailure(t.invoke("profiles.update", { id: auditor.id, role: "admin" }), "FORBIDDEN");
    } finally {
      await t.client.invoke("profiles.switch", { id: home });
    }
    expect((await t.client.invoke("servers.list", {})).servers.map((s) => s.name)).toEqual(["Team"]);
  });

  it("refuses them on a team server (the list is a desktop's), and lists none there", async () => {
    const operator: Caller = { operator: "ops@example.com", role: "admin", address: "203.0.113.9", sessionId: "s-1" };
    const [team] = (await t.client.invoke("servers.list", {})).servers;
    expect(await t.gatehouse.dispatcher.invoke("servers.list", {}, operator)).toEqual({ ok: true, value: { servers: [] } });
    for (const [op, input] of [
      ["servers.add", { name: "Elsewhere", url: "https://elsewhere.example.com" }],
      ["servers.open", { id: team?.id }],
      ["servers.remove", { id: team?.id }],
    ] as const) {
      const answer = await t.gatehouse.dispatcher.invoke(op, input, operator);
      expect(answer.ok ? "ok" : answer.error.code, op).toBe("NOT_FOUND");
      if (!answer.ok) expect(answer.error.message).toContain("this console is a Gatehouse server itself");
    }
    expect((await t.client.invoke("servers.list", {})).servers.map((s) => s.name)).toEqual(["Team"]);
  });
});

describe("Gatehouse servers with the desktop shell (Electron)", () => {
  let shell: TestGatehouse;
  const windows = new RecordingWindows();

  beforeAll(async () => {
    // The same data folder as the browser-mode Gatehouse above, once it closed: the list is the store's.
    await t.close();
    closed = true;
    shell = await startTestGatehouse({ embeddedCore: false, serverWindows: windows, dataDir });
  });

  afterAll(async () => {
    await shell?.close();
  });

  it("keeps the list in the store across a restart", async () => {
    expect((await shell.client.invoke("servers.list", {})).servers.map((s) => [s.name, s.url])).toEqual([["Team", "https://gatehouse.example.com"]]);
  });

  it("opens the server in the shell's window (openedByMain true), by id and stored origin only", async () => {
    const [team] = (await shell.client.invoke("servers.list", {})).servers;
    if (!team) throw new Error("no server");
    expect(await shell.client.invoke("servers.open", { id: team.id })).toEqual({ url: "https://gatehouse.example.com", openedByMain: true });
    expect(windows.opened).toEqual([{ id: team.id, url: "https://gatehouse.example.com" }]);
    // An unknown id opens nothing.
    await expectFailure(shell.invoke("servers.open", { id: "no-such-server" }), "NOT_FOUND");
    expect(windows.opened).toHaveLength(1);
  });

  it("clears the server's browser storage (its session) when it is removed", async () => {
    const [team] = (await shell.client.invoke("servers.list", {})).servers;
    if (!team) throw new Error("no server");
    expect(await shell.client.invoke("servers.remove", { id: team.id })).toEqual({ removed: true });
    expect(windows.forgotten).toEqual([team.id]);
    expect((await shell.client.invoke("servers.list", {})).servers).toEqual([]);
  });
});
