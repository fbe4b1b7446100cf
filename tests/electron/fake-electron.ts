/**
 * A stand-in for the `electron` module with just what main/electron/main.ts calls, recording what
 * it is asked to do. Lets the real bundle (dist/electron/main.cjs) start under plain Node, since
 * the Electron binary cannot be downloaded here.
 */
import type { SafeStorageApi } from "../../main/electron/safe-storage-box.ts";

type Listener = (...args: never[]) => unknown;

class Emitter {
  private readonly handlers = new Map<string, Listener[]>();

  on(event: string, listener: Listener): this {
    this.handlers.set(event, [...(this.handlers.get(event) ?? []), listener]);
    return this;
  }

  once(event: string, listener: Listener): this {
    const wrapped = ((...args: never[]) => {
      this.handlers.set(event, (this.handlers.get(event) ?? []).filter((l) => l !== wrapped));
      return listener(...args);
    }) as Listener;
    return this.on(event, wrapped);
  }

  emit(event: string, ...args: unknown[]): void {
    for (const listener of this.handlers.get(event) ?? []) (listener as (...a: unknown[]) => unknown)(...args);
  }

  listenerCount(event: string): number {
    return this.handlers.get(event)?.length ?? 0;
  }
}

export class FakeWebContents extends Emitter {
  url = "";
  readonly sent: unknown[][] = [];
  windowOpenHandler: ((details: { url: string }) => unknown) | undefined;
  getURL = () => this.url;
  isDestroyed = () => false;
  send(channel: string, ...args: unknown[]): void {
    this.sent.push([channel, ...args]);
  }
  setWindowOpenHandler(handler: (details: { url: string }) => unknown): void {
    this.windowOpenHandler = handler;
  }
}

export function createFakeElectron(appDataDir: string) {
  const app = new (class extends Emitter {
    isPackaged = false;
    name = "Electron";
    sandboxEnabled = false;
    quitRequests = 0;
    quitCompleted = false;
    exitCode: number | undefined;
    readonly paths = new Map<string, string>([["appData", appDataDir]]);
    setName = (name: string) => void (this.name = name);
    getPath = (name: string) => this.paths.get(name) ?? `${appDataDir}/${name}`;
    setPath = (name: string, value: string) => void this.paths.set(name, value);
    enableSandbox = () => void (this.sandboxEnabled = true);
    requestSingleInstanceLock = () => true;
    whenReady = () => Promise.resolve();
    exit = (code: number) => void (this.exitCode = code);
    /** Like Electron: before-quit first; quitting happens unless a listener prevents it. */
    quit = () => {
      this.quitRequests++;
      let prevented = false;
      this.emit("before-quit", { preventDefault: () => (prevented = true) });
      if (!prevented) this.quitCompleted = true;
    };
  })();

  class BrowserWindow extends Emitter {
    static readonly all: BrowserWindow[] = [];
    static getAllWindows = () => BrowserWindow.all;
    readonly webContents = new FakeWebContents();
    shown = false;
    constructor(readonly options: { webPreferences?: Record<string, unknown> } & Record<string, unknown>) {
      super();
      BrowserWindow.all.push(this);
      app.emit("web-contents-created", {}, this.webContents);
    }
    loadURL(url: string): Promise<void> {
      this.webContents.url = url;
      queueMicrotask(() => this.emit("ready-to-show"));
      return Promise.resolve();
    }
    show = () => void (this.shown = true);
    isDestroyed = () => false;
    isMinimized = () => false;
    restore = () => {};
    focus = () => {};
  }

  const protocol = {
    privileged: [] as unknown[],
    handlers: new Map<string, (request: Request) => Promise<Response>>(),
    registerSchemesAsPrivileged(schemes: unknown[]) {
      this.privileged.push(...schemes);
    },
    handle(scheme: string, handler: (request: Request) => Promise<Response>) {
      this.handlers.set(scheme, handler);
    },
  };

  const ipcMain = {
    handlers: new Map<string, (event: unknown, ...args: unknown[]) => Promise<unknown>>(),
    handle(channel: string, handler: (event: unknown, ...args: unknown[]) => Promise<unknown>) {
      this.handlers.set(channel, handler);
    },
    removeHandler(channel: string) {
      this.handlers.delete(channel);
    },
  };

  const defaultSession = {
    permissionRequest: undefined as ((...args: unknown[]) => void) | undefined,
    permissionCheck: undefined as ((...args: unknown[]) => boolean) | undefined,
    beforeRequest: undefined as ((details: { url: string }, callback: (answer: { cancel: boolean }) => void) => void) | undefined,
    setPermissionRequestHandler(handler: (...args: unknown[]) => void) {
      this.permissionRequest = handler;
    },
    setPermissionCheckHandler(handler: (...args: unknown[]) => boolean) {
      this.permissionCheck = handler;
    },
    webRequest: {
      onBeforeRequest: (handler: (details: { url: string }, callback: (answer: { cancel: boolean }) => void) => void) => {
        defaultSession.beforeRequest = handler;
      },
    },
  };

  const xor = (bytes: Buffer) => Buffer.from(bytes.map((b) => b ^ 0x5a));
  const safeStorage: SafeStorageApi = {
    isEncryptionAvailable: () => true,
    encryptString: (plain) => xor(Buffer.from(plain, "utf8")),
    decryptString: (sealed) => xor(sealed).toString("utf8"),
    getSelectedStorageBackend: () => "gnome_libsecret",
  };

  const Menu = {
    applied: undefined as unknown,
    buildFromTemplate: (template: unknown[]) => ({ template }),
    setApplicationMenu(menu: unknown) {
      this.applied = menu;
    },
  };

  const shell = {
    opened: [] as string[],
    openExternal(url: string) {
      this.opened.push(url);
      return Promise.resolve();
    },
  };

  const dialog = {
    errors: [] as string[],
    showErrorBox(title: string, content: string) {
      this.errors.push(`${title}: ${content}`);
    },
  };

  return { app, BrowserWindow, protocol, ipcMain, session: { defaultSession }, safeStorage, Menu, shell, dialog };
}

export type FakeElectron = ReturnType<typeof createFakeElectron>;
