/**
 * Which transport the renderer talks to main over: the Electron preload's `window.gatehouse`,
 * or HTTP to the Gatehouse that served this page (browser mode), authorised by the token from
 * the URL Gatehouse printed; else, when the server that served the page is a Gatehouse team
 * server (it answers /api/team/session), its operators' sign-in.
 */
import { httpTransport, type Transport } from "../../../shared/contract/client.ts";
import { createTeamApi, type Probe, type TeamApi, type TeamHttp } from "./team.ts";

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

/** What the team mode needs from `window` beyond transport selection. */
export interface TeamEnvironment extends BrowserEnvironment {
  fetch: TeamHttp["fetch"];
  EventSource?: TeamHttp["EventSource"];
}

export type ModeChoice = Exclude<TransportChoice, { kind: "no-token" }> | { kind: "no-token" } | { kind: "team"; api: TeamApi; probe: Probe; setPasswordToken: string | null };

/**
 * Electron, then the desktop's browser mode (a token), then a team server: its session check
 * answers 200 (signed in) or 401 (not), where the desktop's browser mode answers 404.
 */
export async function chooseMode(env: TeamEnvironment): Promise<ModeChoice> {
  const choice = chooseTransport(env);
  if (choice.kind !== "no-token") return choice;
  const setPasswordToken = takeSetPasswordToken(env);
  const api = createTeamApi({ origin: env.location.origin, fetch: env.fetch, ...(env.EventSource ? { EventSource: env.EventSource } : {}) });
  const probe = await api.probe();
  if (probe.status === "not-team" && setPasswordToken === null) return { kind: "no-token" };
  return { kind: "team", api, probe, setPasswordToken };
}

/**
 * The token of a set-password link (`<server>/#set-password=<token>`, made by the server's
 * OneTimeLinks.urlFor): taken once and removed from the address bar and history.
 */
export function takeSetPasswordToken(env: Pick<BrowserEnvironment, "location" | "history">): string | null {
  const { hash } = env.location;
  if (!hash.startsWith("#set-password=")) return null;
  const token = new URLSearchParams(hash.slice(1)).get("set-password")?.trim();
  env.history.replaceState(null, "", `${env.location.pathname}${env.location.search}#/users`);
  return token ? token : null;
}
