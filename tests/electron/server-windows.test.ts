/**
 * The desktop app's windows for Gatehouse servers (main/electron/server-windows.ts), against fakes
 * of the few BrowserWindow and Session methods it uses (the Electron binary cannot be downloaded
 * here), and the navigation rule every web contents gets through hardenWebContents.
 */
import { describe, expect, it, vi } from "vitest";
import { hardenWebContents } from "../../main/electron/harden.ts";
import { ElectronServerWindows, type ServerWindowsDeps } from "../../main/electron/server-windows.ts";

type Handler = (...args: unknown[]) => unknown;
type WebContents = Parameters<typeof hardenWebContents>[0];

const SERVER = { id: "0b5e6a52-93c1-4c3e-9d3b-7a1f2e4c5d6e", url: "https://gatehouse.example.com" };

let nextContentsId = 1;
class FakeWindow {
  readonly handlers = new Map<string, Handler[]>();
  readonly contentsHandlers = new Map<string, Handler>();
  readonly webContents = { id: nextContentsId++, on: (event: string, h: Handler) => this.contentsHandlers.set(event, h) };
  readonly loaded: string[] = [];
  destroyed = false;
  focused = 0;
  title = "";
  constructor(readonly options: { title?: string; webPreferences?: Record<string, unknown> }) {}
  on(event: string, h: Handler) {
    this.handlers.set(event, [...(this.handlers.get(event) ?? []), h]);
  }
  emit(event: string) {
    for (const h of this.handlers.get(event) ?? []) h();
  }
  loadURL(url: string) {
    this.loaded.push(url);
    return Promise.resolve();
  }
  close() {
    this.destroyed = true;
    this.emit("closed");
  }
  isDestroyed = () => this.destroyed;
  isMinimized = () => false;
  restore = () => {};
  focus = () => void this.focused++;
  setTitle = (title: string) => void (this.title = title);
}

class FakeSession {
  permissionRequest: Handler | undefined;
  permissionCheck: Handler | undefined;
  devicePermission: Handler | undefined;
  beforeRequest: Handler | undefined;
  readonly cleared: unknown[] = [];
  cacheCleared = 0;
  setPermissionRequestHandler = (h: Handler) => void (this.permissionRequest = h);
  setPermissionCheckHandler = (h: Handler) => void (this.permissionCheck = h);
  setDevicePermissionHandler = (h: Handler) => void (this.devicePermission = h);
  webRequest = { onBeforeRequest: (h: Handler) => void (this.beforeRequest = h) };
  clearStorageData = (options?: unknown) => {
    this.cleared.push(options ?? "everything");
    return Promise.resolve();
  };
  clearCache = () => {
    this.cacheCleared++;
    return Promise.resolve();
  };
}

function setUp() {
  const windows: FakeWindow[] = [];
  const sessions = new Map<string, FakeSession>();
  const warnings: string[] = [];
  const deps = {
    createWindow: (options: unknown) => {
      const window = new FakeWindow(options as FakeWindow["options"]);
      windows.push(window);
      return window;
    },
    sessionFor: (partition: string) => {
      const session = sessions.get(partition) ?? new FakeSession();
      sessions.set(partition, session);
      return session;
    },
    allowDevTools: false,
    warn: (m: string) => void warnings.push(m),
  } as unknown as ServerWindowsDeps;
  return { shell: new ElectronServerWindows(deps), windows, sessions, warnings, partition: `persist:gatehouse-server-${SERVER.id}` };
}

describe("a Gatehouse server's window", () => {
  it("opens the server's origin in a window with no preload, in the server's own partition", () => {
    const { shell, windows } = setUp();
    expect(shell.open(SERVER)).toBe(true);
    expect(windows).toHaveLength(1);
    const [window] = windows;
    expect(window?.loaded).toEqual(["https://gatehouse.example.com/"]);
    expect(window?.options.webPreferences).toMatchObject({ partition: `persist:gatehouse-server-${SERVER.id}`, sandbox: true, contextIsolation: true, nodeIntegration: false });
    expect(window?.options.webPreferences).not.toHaveProperty("preload");
  });

  it("brings the open window forward instead of opening a second one", () => {
    const { shell, windows } = setUp();
    shell.open(SERVER);
    shell.open(SERVER);
    expect(windows).toHaveLength(1);
    expect(windows[0]?.focused).toBe(1);
    // Once closed, opening it again makes a new window.
    windows[0]?.close();
    shell.open(SERVER);
    expect(windows).toHaveLength(2);
  });

  it("refuses to open an address that breaks the rule, whatever the store held", () => {
    const { shell, windows } = setUp();
    expect(() => shell.open({ id: SERVER.id, url: "http://gatehouse.example.com" })).toThrow(/Not a Gatehouse server address/);
    expect(() => shell.open({ id: "../other", url: SERVER.url })).toThrow(/Not a Gatehouse server id/);
    expect(windows).toEqual([]);
  });

  it("hardens the server's session: no permission, no request off its origin", () => {
    const { shell, sessions, partition } = setUp();
    shell.open(SERVER);
    const session = sessions.get(partition);
    const granted = vi.fn();
    session?.permissionRequest?.({}, "media", granted);
    expect(granted).toHaveBeenCalledWith(false);
    expect(session?.permissionCheck?.({}, "notifications")).toBe(false);
    expect(session?.devicePermission?.({})).toBe(false);
    const decide = (url: string) => {
      const callback = vi.fn();
      session?.beforeRequest?.({ url }, callback);
      return callback.mock.calls[0]?.[0];
    };
    expect(decide("https://gatehouse.example.com/api/invoke")).toEqual({ cancel: false });
    expect(decide("https://tracker.example/pixel.gif")).toEqual({ cancel: true });
  });

  it("keeps only cookies when the window closes, and clears everything when the server is removed", async () => {
    const { shell, windows, sessions, partition } = setUp();
    shell.open(SERVER);
    windows[0]?.close();
    const session = sessions.get(partition);
    expect(session?.cleared).toEqual([{ storages: ["filesystem", "indexdb", "localstorage", "shadercache", "serviceworkers", "cachestorage"] }]);

    shell.open(SERVER);
    await shell.forget(SERVER.id);
    expect(windows[1]?.destroyed, "the removed server's window is closed").toBe(true);
    expect(session?.cleared.at(-1)).toBe("everything");
    expect(session?.cacheCleared).toBe(1);
  });

  it("says in the title when the page could not load (a certificate error is not overridden)", () => {
    const { shell, windows, warnings } = setUp();
    shell.open(SERVER);
    const failed = windows[0]?.contentsHandlers.get("did-fail-load");
    failed?.({}, -3, "ERR_ABORTED", "https://gatehouse.example.com/", true);
    expect(windows[0]?.title).toBe("");
    failed?.({}, -202, "ERR_CERT_AUTHORITY_INVALID", "https://gatehouse.example.com/", true);
    expect(windows[0]?.title).toBe("https://gatehouse.example.com: could not load (ERR_CERT_AUTHORITY_INVALID)");
    expect(warnings).toEqual(["Gatehouse server https://gatehouse.example.com/ could not load: ERR_CERT_AUTHORITY_INVALID (-202)"]);
  });
});

describe("navigation of every web contents", () => {
  function contentsWithRule(shell: ElectronServerWindows, contents: { id: number }) {
    const handlers = new Map<string, Handler>();
    const fake = { id: contents.id, on: (event: string, h: Handler) => handlers.set(event, h), setWindowOpenHandler: vi.fn() };
    hardenWebContents(fake as unknown as WebContents, vi.fn(), vi.fn(), (url) => shell.mayNavigate(fake as unknown as WebContents, url));
    return (event: string, url: string) => {
      const e = { preventDefault: vi.fn() };
      handlers.get(event)?.(e, url);
      return e.preventDefault.mock.calls.length > 0 ? "blocked" : "allowed";
    };
  }

  it("holds a server window to its origin, and the console window to its page", () => {
    const { shell, windows } = setUp();
    shell.open(SERVER);
    const server = contentsWithRule(shell, windows[0]?.webContents ?? { id: -1 });
    expect(server("will-navigate", "https://gatehouse.example.com/set-password?token=x")).toBe("allowed");
    expect(server("will-redirect", "https://gatehouse.example.com/")).toBe("allowed");
    expect(server("will-navigate", "https://evil.example/")).toBe("blocked");
    expect(server("will-redirect", "http://gatehouse.example.com/")).toBe("blocked");
    expect(server("will-navigate", "gatehouse://app/index.html"), "a server page never reaches the console's page").toBe("blocked");

    const console = contentsWithRule(shell, { id: 999_999 });
    expect(console("will-navigate", "gatehouse://app/index.html")).toBe("allowed");
    expect(console("will-navigate", "https://gatehouse.example.com/")).toBe("blocked");
  });

  it("drops a closed server window's rule", () => {
    const { shell, windows } = setUp();
    shell.open(SERVER);
    const contents = windows[0]?.webContents ?? { id: -1 };
    windows[0]?.close();
    expect(shell.mayNavigate(contents as unknown as WebContents, "https://gatehouse.example.com/")).toBe(false);
  });
});
