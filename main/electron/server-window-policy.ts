/**
 * The rules for a Gatehouse server's window, as plain functions (tested without Electron, like
 * security-policy.ts). A server's console is remote content: it gets a window of its own with no
 * preload (no bridge to main), sandboxed, in a browser session of its own per server, where it may
 * load and navigate within its origin only. The operator's session cookie is the one thing that
 * session keeps between windows; removing the server clears it.
 */
import { checkServerUrl } from "../../shared/server-url.ts";
import { isAllowedRequest, LOCKED_WEB_PREFERENCES } from "./security-policy.ts";

const PARTITION_PREFIX = "persist:gatehouse-server-";

/** The server's own persistent session (cookies on disk, apart from the console's and other servers'). */
export function serverPartition(id: string): string {
  // Ids are the store's UUIDs; anything else would be a name we did not make.
  if (!/^[A-Za-z0-9-]{1,100}$/.test(id)) throw new Error(`Not a Gatehouse server id: ${JSON.stringify(id)}`);
  return `${PARTITION_PREFIX}${id}`;
}

/** The origin to open, checked again here (main opens only what passes the rule), or undefined. */
export function serverOrigin(url: string): string | undefined {
  const checked = checkServerUrl(url);
  return checked.ok ? checked.origin : undefined;
}

/** The window's webPreferences: no preload, no Node, sandboxed, its own partition. */
export function serverWebPreferences(partition: string, allowDevTools: boolean) {
  return { partition, ...LOCKED_WEB_PREFERENCES, spellcheck: false, devTools: allowDevTools } as const;
}

const originOf = (url: string): string | undefined => {
  try {
    const parsed = new URL(url);
    return parsed.protocol === "https:" || parsed.protocol === "http:" ? parsed.origin : undefined;
  } catch {
    return undefined;
  }
};

/** Navigation and redirects stay on the server's origin (scheme, host and port alike). */
export function mayServerNavigate(origin: string, url: string): boolean {
  return originOf(url) === origin;
}

/**
 * Requests the server's session lets through: its own origin (pages, API calls, the event
 * stream), data: images, blob: URLs its page made, DevTools. Nothing from anywhere else.
 */
export function isAllowedServerRequest(origin: string, url: string): boolean {
  return isAllowedRequest(url, (own) => originOf(own) === origin);
}

/**
 * What a closed server window leaves behind: everything but cookies is cleared, so the session
 * cookie (httpOnly, set by the server) is all that is kept. Electron's storage names.
 */
export const STORAGES_CLEARED_ON_CLOSE = ["filesystem", "indexdb", "localstorage", "shadercache", "serviceworkers", "cachestorage"] as const;
