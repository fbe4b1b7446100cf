/** Addresses the team server listens on and is reached at. */
import { isIP } from "node:net";

/** 127.0.0.0/8, ::1 (bracketed or not), IPv4-mapped loopback, and the name localhost. */
export function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[(.*)\]$/, "$1");
  if (h === "localhost" || h === "::1") return true;
  const v4 = h.startsWith("::ffff:") ? h.slice(7) : h;
  return isIP(v4) === 4 && v4.startsWith("127.");
}

/** Every interface: the address must not be guessed from these. */
export function isUnspecifiedHost(host: string): boolean {
  const h = host.replace(/^\[(.*)\]$/, "$1");
  return h === "0.0.0.0" || h === "::" || h === "";
}

/** The origin of a URL as browsers send it in the Origin header (default ports left out). */
export function originOf(url: URL): string {
  return url.origin;
}

/** The origin for a listening address when no publicUrl is configured. */
export function listeningOrigin(host: string, port: number, tls: boolean): string {
  const bare = host.replace(/^\[(.*)\]$/, "$1");
  const shown = isIP(bare) === 6 ? `[${bare}]` : bare;
  return originOf(new URL(`${tls ? "https" : "http"}://${shown}:${port}`));
}
