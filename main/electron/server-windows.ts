/**
 * Gatehouse servers in the desktop app: each opens in a window of its own (one per server, brought
 * forward when opened again), under the rules of server-window-policy.ts. The operator signs in on
 * the server's own page there; the server's session cookie stays in that server's partition, and
 * nothing of it reaches main or the console's window. Certificate errors are not overridden
 * (Electron refuses the page; the window's title says why).
 */
import type { BrowserWindow, BrowserWindowConstructorOptions, Session, WebContents } from "electron";
import type { ServerWindows } from "../services/servers.ts";
import { isAppUrl } from "./security-policy.ts";
import { isAllowedServerRequest, mayServerNavigate, serverOrigin, serverPartition, serverWebPreferences, STORAGES_CLEARED_ON_CLOSE } from "./server-window-policy.ts";

export interface ServerWindowsDeps {
  createWindow(options: BrowserWindowConstructorOptions): BrowserWindow;
  /** Electron's session.fromPartition. */
  sessionFor(partition: string): Session;
  allowDevTools: boolean;
  warn?: (message: string) => void;
}

export class ElectronServerWindows implements ServerWindows {
  private readonly windows = new Map<string, BrowserWindow>();
  /** Each server window's web contents (by id) and the origin it is held to. */
  private readonly origins = new Map<number, string>();

  constructor(private readonly deps: ServerWindowsDeps) {}

  open(server: { id: string; url: string }): boolean {
    const origin = serverOrigin(server.url);
    if (origin === undefined) throw new Error(`Not a Gatehouse server address: ${server.url}`);
    const existing = this.windows.get(server.id);
    if (existing && !existing.isDestroyed()) {
      if (existing.isMinimized()) existing.restore();
      existing.focus();
      return true;
    }
    const partition = serverPartition(server.id);
    const session = this.deps.sessionFor(partition);
    hardenServerSession(session, origin);
    const window = this.deps.createWindow({ width: 1280, height: 820, minWidth: 960, minHeight: 600, title: origin, webPreferences: serverWebPreferences(partition, this.deps.allowDevTools) });
    const contentsId = window.webContents.id;
    this.origins.set(contentsId, origin);
    this.windows.set(server.id, window);
    window.webContents.on("did-fail-load", (_event, code, description, url, isMainFrame) => {
      if (!isMainFrame || code === -3) return; // -3: aborted (a navigation we blocked)
      window.setTitle(`${origin}: could not load (${description})`);
      this.warn(`Gatehouse server ${url} could not load: ${description} (${code})`);
    });
    window.on("closed", () => {
      this.windows.delete(server.id);
      this.origins.delete(contentsId);
      session.clearStorageData({ storages: [...STORAGES_CLEARED_ON_CLOSE] }).catch((err: unknown) => this.warn(`Could not clear ${origin}'s storage: ${String(err)}`));
    });
    window.loadURL(`${origin}/`).catch(() => {}); // reported by did-fail-load
    return true;
  }

  async forget(id: string): Promise<void> {
    const window = this.windows.get(id);
    if (window && !window.isDestroyed()) window.close();
    const session = this.deps.sessionFor(serverPartition(id));
    await session.clearStorageData();
    await session.clearCache();
  }

  /** For every web contents' navigation check: a server window stays on its origin, the console on its page. */
  mayNavigate(contents: WebContents, url: string): boolean {
    const origin = this.origins.get(contents.id);
    return origin === undefined ? isAppUrl(url) : mayServerNavigate(origin, url);
  }

  private warn(message: string): void {
    (this.deps.warn ?? console.warn)(message);
  }
}

/** No permission is granted (camera, notifications, …) and no request leaves the server's origin. */
export function hardenServerSession(session: Session, origin: string): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  session.setDevicePermissionHandler(() => false);
  session.webRequest.onBeforeRequest((details, callback) => callback({ cancel: !isAllowedServerRequest(origin, details.url) }));
}
