/**
 * The real Electron bundles, built by scripts/electron-bundle.ts: what they require, and main.cjs
 * starting end to end under a stand-in `electron` module (fake-electron.ts) in plain Node — the
 * window's options, the protocol, IPC, events, hardening and a clean quit — since the Electron
 * binary cannot be downloaded here.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { builtinModules, createRequire } from "node:module";
import Module from "node:module";
import path from "node:path";
import { runInNewContext } from "node:vm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ELECTRON_EXTERNALS, bundleElectron } from "../../scripts/electron-bundle.ts";
import { ROOT } from "../../scripts/run-tool.ts";
import { RENDERER_CSP } from "../../main/server/security-headers.ts";
import { createFakeElectron, type FakeElectron } from "./fake-electron.ts";
import { stubRenderer } from "../server/helpers.ts";

// Inside the repository, so the bundle's externals resolve from node_modules.
mkdirSync(path.join(ROOT, "out"), { recursive: true });
const outDir = mkdtempSync(path.join(ROOT, "out", "electron-bundle-test-"));
let bundle: { main: string; preload: string };

beforeAll(async () => {
  bundle = await bundleElectron(path.join(outDir, "electron"));
  const stub = stubRenderer();
  cpSync(stub.rendererDir, path.join(outDir, "renderer"), { recursive: true });
  rmSync(stub.base, { recursive: true, force: true });
}, 60_000);

afterAll(() => rmSync(outDir, { recursive: true, force: true }));

/** Polls `condition` (expect.poll is for tests only, and hooks need this too). */
async function waitFor(what: string, condition: () => boolean, timeoutMs = 20_000): Promise<void> {
  const giveUpAt = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > giveUpAt) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

const requiredModules = (file: string) => [...readFileSync(file, "utf8").matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1] ?? "");

describe("the bundles", () => {
  it("main.cjs requires only electron, the kept-out packages and Node built-ins", () => {
    const isExternal = (id: string) => ELECTRON_EXTERNALS.some((ext) => id === ext || (ext.endsWith("/*") && id.startsWith(ext.slice(0, -1))));
    const unexpected = requiredModules(bundle.main).filter((id) => !isExternal(id) && !id.startsWith("node:") && !builtinModules.includes(id));
    expect(unexpected).toEqual([]);
    expect(requiredModules(bundle.main)).toEqual(expect.arrayContaining(["electron", "better-sqlite3", "supertokens-node"]));
  });

  it("preload.cjs requires electron and nothing else (a sandboxed preload can require little more)", () => {
    expect([...new Set(requiredModules(bundle.preload))]).toEqual(["electron"]);
  });

  it("preload.cjs exposes exactly { invoke, subscribe } as window.gatehouse over ipcRenderer", async () => {
    const exposed = new Map<string, Record<string, unknown>>();
    const invoked: unknown[][] = [];
    const electron = {
      contextBridge: { exposeInMainWorld: (key: string, api: Record<string, unknown>) => exposed.set(key, api) },
      ipcRenderer: {
        invoke: (...args: unknown[]) => (invoked.push(args), Promise.resolve({ ok: true, value: "pong" })),
        on: () => {},
        removeListener: () => {},
      },
    };
    const sandboxRequire = (id: string) => {
      if (id === "electron") return electron;
      throw new Error(`a sandboxed preload cannot require ${id}`);
    };
    const module = { exports: {} };
    runInNewContext(readFileSync(bundle.preload, "utf8"), { require: sandboxRequire, module, exports: module.exports, Promise, TypeError });
    expect([...exposed.keys()]).toEqual(["gatehouse"]);
    const api = exposed.get("gatehouse") ?? {};
    expect(Object.keys(api).sort()).toEqual(["invoke", "subscribe"]);
    await expect((api.invoke as (op: string, input: unknown) => Promise<unknown>)("session.whoami", {})).resolves.toEqual({ ok: true, value: "pong" });
    expect(invoked).toEqual([["gatehouse:invoke", "session.whoami", {}]]);
  });
});

describe("main.cjs under a stand-in Electron", () => {
  let fake: FakeElectron;
  const dataDir = path.join(outDir, "data");
  const savedEnv = process.env.GATEHOUSE_DATA_DIR;
  const savedLoad = (Module as unknown as { _load: (...args: unknown[]) => unknown })._load;
  const signalListeners = { SIGINT: process.listeners("SIGINT"), SIGTERM: process.listeners("SIGTERM") };
  const trustedEvent = { senderFrame: { url: "gatehouse://app/index.html", parent: null } };

  beforeAll(async () => {
    fake = createFakeElectron(path.join(outDir, "appData"));
    process.env.GATEHOUSE_DATA_DIR = dataDir;
    (Module as unknown as { _load: (...args: unknown[]) => unknown })._load = function (request: unknown, ...rest: unknown[]) {
      return request === "electron" ? fake : savedLoad.call(this, request, ...rest);
    };
    createRequire(import.meta.url)(bundle.main);
    await waitFor("the window", () => fake.BrowserWindow.all.length > 0 || fake.dialog.errors.length > 0);
  }, 30_000);

  afterAll(async () => {
    if (!fake.app.quitCompleted) {
      fake.app.quit();
      await waitFor("the quit", () => fake.app.quitCompleted);
    }
    (Module as unknown as { _load: unknown })._load = savedLoad;
    if (savedEnv === undefined) delete process.env.GATEHOUSE_DATA_DIR;
    else process.env.GATEHOUSE_DATA_DIR = savedEnv;
    // main.cjs turns SIGINT/SIGTERM into app.quit(); give this worker its own handling back.
    for (const signal of ["SIGINT", "SIGTERM"] as const) {
      for (const listener of process.listeners(signal)) if (!signalListeners[signal].includes(listener)) process.off(signal, listener);
    }
  });

  it("names the app, enables the sandbox everywhere and registers gatehouse:// as privileged", () => {
    expect(fake.app.name).toBe("Gatehouse");
    expect(fake.app.paths.get("userData")).toBe(path.join(outDir, "appData", "Gatehouse"));
    expect(fake.app.sandboxEnabled).toBe(true);
    expect(fake.protocol.privileged).toEqual([expect.objectContaining({ scheme: "gatehouse", privileges: expect.objectContaining({ standard: true, secure: true }) })]);
    expect(fake.dialog.errors).toEqual([]);
  });

  it("opens one isolated, sandboxed window on gatehouse://app/index.html with the bundled preload", () => {
    const [window] = fake.BrowserWindow.all;
    expect(window?.options.webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      preload: bundle.preload,
    });
    expect(window?.webContents.url).toBe("gatehouse://app/index.html");
    expect(window?.shown).toBe(true);
  });

  it("serves the renderer next to the bundle with the CSP", async () => {
    const serve = fake.protocol.handlers.get("gatehouse");
    const res = await serve?.(new Request("gatehouse://app/index.html"));
    expect(res?.status).toBe(200);
    expect(res?.headers.get("content-security-policy")).toBe(RENDERER_CSP);
    expect(await res?.text()).toContain("<title>Gatehouse</title>");
  });

  it("runs gatehouse:invoke for our page on the Local demo profile and refuses other frames", async () => {
    const invoke = fake.ipcMain.handlers.get("gatehouse:invoke");
    await expect(invoke?.(trustedEvent, "session.whoami", {})).resolves.toMatchObject({ ok: true, value: { role: "admin", profile: { name: "Local demo" } } });
    await expect(invoke?.({ senderFrame: { url: "https://evil.example/", parent: null } }, "session.whoami", {})).rejects.toThrow(/only Gatehouse's own page/);
  });

  it("pushes EventBus events to the window as gatehouse:event", async () => {
    const invoke = fake.ipcMain.handlers.get("gatehouse:invoke");
    await invoke?.(trustedEvent, "roles.create", { role: "bundle-test-role", permissions: [] });
    expect(fake.BrowserWindow.all[0]?.webContents.sent).toContainEqual(["gatehouse:event", "audit.appended", expect.objectContaining({ operation: "roles.create" })]);
  });

  it("hardens the session and the window's web contents, and sets a menu", () => {
    const session = fake.session.defaultSession;
    let answer: { cancel: boolean } | undefined;
    session.beforeRequest?.({ url: "https://cdn.example/x.js" }, (a) => (answer = a));
    expect(answer).toEqual({ cancel: true });
    expect(session.permissionCheck?.()).toBe(false);
    const contents = fake.BrowserWindow.all[0]?.webContents;
    expect(contents?.windowOpenHandler?.({ url: "https://supertokens.com/docs" })).toEqual({ action: "deny" });
    expect(contents?.windowOpenHandler?.({ url: "gatehouse://app/index.html" })).toEqual({ action: "deny" });
    expect(fake.shell.opened).toEqual(["https://supertokens.com/docs"]);
    expect(fake.Menu.applied).toBeDefined();
  });

  it("stops the window's navigation and redirects away from our page, the same ones the real-Electron test tries", () => {
    const contents = fake.BrowserWindow.all[0]?.webContents;
    const prevented = (event: string, url: string) => {
      let stopped = false;
      contents?.emit(event, { preventDefault: () => (stopped = true) }, url);
      return stopped;
    };
    // A blob of our own origin passes the request filter: only the navigation guard stops it.
    for (const url of ["blob:gatehouse://app/0b5e6a52-6d1e-4c1b-9a57-5d1c8b1d7c11", "https://example.com/", "file:///etc/passwd", "gatehouse://evil/index.html"]) {
      expect(prevented("will-navigate", url), url).toBe(true);
      expect(prevented("will-redirect", url), url).toBe(true);
    }
    expect(prevented("will-navigate", "gatehouse://app/index.html#/roles")).toBe(false);
  });

  it("closes Gatehouse (store, embedded core) before it quits", async () => {
    fake.app.quit();
    expect(fake.app.quitCompleted).toBe(false); // held back while Gatehouse closes
    await waitFor("the quit", () => fake.app.quitCompleted);
    expect(fake.app.quitRequests).toBe(2);
  });
});
