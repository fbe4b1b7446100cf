/**
 * Gatehouse's Electron security rules as plain functions over plain values, so they are unit-
 * tested without Electron: the window's webPreferences, which frame may call IPC, and which URLs
 * may load, navigate or open. The renderer is served from gatehouse://app/ (a privileged custom
 * protocol, not file://, which would grant the page every local file).
 */

export const APP_SCHEME = "gatehouse";
export const APP_HOST = "app";
export const APP_ENTRY_URL = `${APP_SCHEME}://${APP_HOST}/index.html`;

/** For protocol.registerSchemesAsPrivileged: a standard, secure origin that can load ES modules. */
export const APP_SCHEME_PRIVILEGES = {
  scheme: APP_SCHEME,
  privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true, codeCache: true },
} as const;

/**
 * The locks every Gatehouse window gets, whatever it shows (our page or a Gatehouse server's): isolated,
 * sandboxed, no Node anywhere, web security on, no webview, no drag-and-drop navigation.
 */
export const LOCKED_WEB_PREFERENCES = {
  contextIsolation: true,
  sandbox: true,
  nodeIntegration: false,
  nodeIntegrationInWorker: false,
  nodeIntegrationInSubFrames: false,
  webSecurity: true,
  allowRunningInsecureContent: false,
  webviewTag: false,
  navigateOnDragDrop: false,
  experimentalFeatures: false,
  safeDialogs: true,
} as const;

/** The BrowserWindow's webPreferences: the renderer gets the preload's bridge and nothing else. */
export function secureWebPreferences(preloadPath: string, allowDevTools: boolean) {
  return { preload: preloadPath, ...LOCKED_WEB_PREFERENCES, devTools: allowDevTools } as const;
}

/** True for URLs of our own page: gatehouse://app/… */
export function isAppUrl(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.protocol === `${APP_SCHEME}:` && parsed.host === APP_HOST;
  } catch {
    return false;
  }
}

/** The part of an IPC event's senderFrame the check needs (Electron's WebFrameMain has both). */
export interface SenderFrame {
  readonly url: string;
  readonly parent: unknown;
}

/**
 * Only the top frame of our own page may invoke operations: not an iframe, not a page that got
 * navigated elsewhere, not a frame that is gone (Electron then throws on access).
 */
export function isTrustedSender(frame: SenderFrame | null | undefined): boolean {
  try {
    return frame !== null && frame !== undefined && frame.parent === null && isAppUrl(frame.url);
  } catch {
    return false;
  }
}

/**
 * Requests the session lets through: our own protocol, data: images, blob: URLs the page made
 * itself (file downloads), DevTools. Everything else (http, https, ws, file…) is cancelled: the
 * console shows no remote content and talks to the Core only from the main process.
 */
export function isAllowedRequestUrl(url: string): boolean {
  return isAllowedRequest(url, isAppUrl);
}

/**
 * The request rule every window's session shares, given what counts as the window's own URLs: those,
 * data: images, blob: URLs one of its own pages made, and DevTools.
 */
export function isAllowedRequest(url: string, isOwn: (url: string) => boolean): boolean {
  const protocol = url.slice(0, url.indexOf(":") + 1).toLowerCase();
  if (protocol === "data:" || protocol === "devtools:") return true;
  if (protocol === "blob:") return isOwn(url.slice("blob:".length));
  return isOwn(url);
}

/** A link the OS browser may open: plain http(s) only, never file:, javascript: or app schemes. */
export function externalLinkTarget(url: string): string | undefined {
  try {
    const parsed = new URL(url);
    return parsed.protocol === "https:" || parsed.protocol === "http:" ? parsed.href : undefined;
  } catch {
    return undefined;
  }
}
