/**
 * Both sides of the IPC bridge without Electron: the preload's transport over a fake ipcRenderer
 * wired to the main-side handler, on a real Gatehouse (temp data folder, in-memory core).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { startGatehouse, type Gatehouse } from "../../main/app.ts";
import { createInvokeHandler, forwardEvents, type InvokeEvent } from "../../main/electron/ipc-bridge.ts";
import { EVENT_CHANNEL, INVOKE_CHANNEL } from "../../main/electron/ipc-channels.ts";
import { createIpcTransport, type IpcRendererLike } from "../../main/electron/ipc-transport.ts";
import { createClient } from "../../shared/contract/client.ts";

type WebContents = ReturnType<Parameters<typeof forwardEvents>[1]>[number];

const OUR_PAGE: InvokeEvent = { senderFrame: { url: "gatehouse://app/index.html", parent: null } };

let dataDir: string;
let gatehouse: Gatehouse;

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(tmpdir(), "gatehouse-ipc-"));
  gatehouse = await startGatehouse({ dataDir, embeddedCoreInMemory: true, operator: "ipc-tester" });
});

afterAll(async () => {
  await gatehouse?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

/** An ipcRenderer whose invoke goes to `handler` as if from `event`'s frame, and whose `on` listeners can be fired. */
function fakeIpcRenderer(handler: ReturnType<typeof createInvokeHandler>, event: InvokeEvent) {
  const listeners = new Map<string, Set<(event: unknown, ...args: unknown[]) => void>>();
  const ipc: IpcRendererLike = {
    invoke: vi.fn((channel: string, op: unknown, input: unknown) => {
      expect(channel).toBe(INVOKE_CHANNEL);
      return handler(event, op, input);
    }),
    on: (channel, listener) => listeners.set(channel, (listeners.get(channel) ?? new Set()).add(listener)),
    removeListener: (channel, listener) => listeners.get(channel)?.delete(listener),
  };
  const emit = (channel: string, ...args: unknown[]) => listeners.get(channel)?.forEach((l) => l({ sender: "the raw ipcRenderer" }, ...args));
  return { ipc, emit, listenerCount: (channel: string) => listeners.get(channel)?.size ?? 0 };
}

describe("gatehouse:invoke", () => {
  it("runs operations for our own page through the typed client", async () => {
    const { ipc } = fakeIpcRenderer(createInvokeHandler(gatehouse.dispatcher, () => gatehouse.desktopCaller()), OUR_PAGE);
    const client = createClient(createIpcTransport(ipc));
    await expect(client.invoke("session.whoami", {})).resolves.toMatchObject({ operator: "ipc-tester", profile: { name: "Local demo" } });
    await expect(client.invoke("roles.list", { tenantId: 7 } as never)).rejects.toMatchObject({ code: "VALIDATION" });
  });

  it("refuses frames that are not our page, before the dispatcher sees them", async () => {
    const dispatcher = { invoke: vi.fn() };
    const warn = vi.fn();
    const handler = createInvokeHandler(dispatcher, () => gatehouse.desktopCaller(), warn);
    for (const senderFrame of [null, { url: "https://evil.example/", parent: null }, { url: "gatehouse://app/index.html", parent: {} }]) {
      await expect(handler({ senderFrame }, "session.whoami", {})).rejects.toThrow(/only Gatehouse's own page/);
    }
    expect(dispatcher.invoke).not.toHaveBeenCalled();
    expect(warn).toHaveBeenCalledWith(expect.stringContaining("https://evil.example/"));
  });

  it("answers a non-string op with a VALIDATION envelope", async () => {
    const handler = createInvokeHandler(gatehouse.dispatcher, () => gatehouse.desktopCaller());
    await expect(handler(OUR_PAGE, { op: "x" }, {})).resolves.toMatchObject({ ok: false, error: { code: "VALIDATION" } });
  });

  it("rejects a non-string op in the preload already", async () => {
    const { ipc } = fakeIpcRenderer(createInvokeHandler(gatehouse.dispatcher, () => gatehouse.desktopCaller()), OUR_PAGE);
    await expect(createIpcTransport(ipc).invoke(42 as unknown as string, {})).rejects.toThrow(TypeError);
    expect(ipc.invoke).not.toHaveBeenCalled();
  });
});

describe("gatehouse:event", () => {
  it("reaches subscribers as (name, payload) only, and stops on unsubscribe", () => {
    const { ipc, emit, listenerCount } = fakeIpcRenderer(createInvokeHandler(gatehouse.dispatcher, () => gatehouse.desktopCaller()), OUR_PAGE);
    const seen: unknown[][] = [];
    const unsubscribe = createIpcTransport(ipc).subscribe((...args) => seen.push(args));
    emit(EVENT_CHANNEL, "audit.appended", { seq: 1, operation: "roles.create" });
    expect(seen).toEqual([["audit.appended", { seq: 1, operation: "roles.create" }]]);
    unsubscribe();
    expect(listenerCount(EVENT_CHANNEL)).toBe(0);
    emit(EVENT_CHANNEL, "audit.appended", { seq: 2, operation: "roles.create" });
    expect(seen).toHaveLength(1);
  });

  it("forwards EventBus events to windows showing our page only", async () => {
    const contents = (url: string, destroyed = false) => ({ send: vi.fn(), getURL: () => url, isDestroyed: () => destroyed });
    const ours = contents("gatehouse://app/index.html#/users");
    const elsewhere = contents("https://evil.example/");
    const gone = contents("gatehouse://app/index.html", true);
    const stop = forwardEvents(gatehouse.events, () => [ours, elsewhere, gone] as unknown as WebContents[]);
    const handler = createInvokeHandler(gatehouse.dispatcher, () => gatehouse.desktopCaller());
    await handler(OUR_PAGE, "roles.create", { role: "ipc-test-role", permissions: [] });
    expect(ours.send).toHaveBeenCalledWith(EVENT_CHANNEL, "audit.appended", expect.objectContaining({ operation: "roles.create" }));
    expect(elsewhere.send).not.toHaveBeenCalled();
    expect(gone.send).not.toHaveBeenCalled();
    stop();
    await handler(OUR_PAGE, "roles.delete", { role: "ipc-test-role" });
    expect(ours.send).toHaveBeenCalledTimes(1);
  });
});
