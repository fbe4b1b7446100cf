/**
 * Which transport the renderer talks to main over: the Electron preload's `window.gatehouse`,
 * or HTTP to the Gatehouse that served this page (browser mode), authorised by the token from
 * the URL Gatehouse printed.
 */
import { httpTransport, type Transport } from "../../../shared/contract/client.ts";

export const TOKEN_KEY = "gatehouse.token";

export type TransportChoice = { kind: "electron"; transport: Transport } | { kind: "browser"; transport: Transport } | { kind: "no-token" };

/** The parts of `window` transport selection reads; tests pass their own. */
export interface BrowserEnvironment {
  gatehouse?: Transport;
  location: { origin: string; pathname: string; search: string; hash: string };
  sessionStorage: Pick<Storage, "getItem" | "setItem">;
  history: Pick<History, "replaceState">;
}

export function chooseTransport(env: BrowserEnvironment): TransportChoice {
  if (env.gatehouse) return { kind: "electron", transport: env.gatehouse };
  const token = takeToken(env);
  return token ? { kind: "browser", transport: httpTransport(env.location.origin, token) } : { kind: "no-token" };
}

/**
 * The session token: from `#token=<t>` on first load (then kept in sessionStorage and removed
 * from the address bar, so it is not left in history or screenshots), else from sessionStorage.
 */
export function takeToken(env: BrowserEnvironment): string | null {
  const fromHash = tokenInHash(env.location.hash);
  if (fromHash) {
    env.sessionStorage.setItem(TOKEN_KEY, fromHash);
    env.history.replaceState(null, "", `${env.location.pathname}${env.location.search}#/users`);
    return fromHash;
  }
  return env.sessionStorage.getItem(TOKEN_KEY);
}

function tokenInHash(hash: string): string | null {
  if (!hash.startsWith("#token=")) return null;
  const token = new URLSearchParams(hash.slice(1)).get("token")?.trim();
  return token ? token : null;
}
