/**
 * DNS-rebinding and cross-site defences for browser mode. A page on evil.example that rebinds its
 * name to 127.0.0.1 still sends `Host: evil.example`, and a cross-site page sends its own
 * `Origin`, so both are checked against the exact addresses Gatehouse serves.
 */

/** The host:port values a legitimate request can carry for a server on `host`:`port`. */
export function allowedHosts(host: string, port: number): string[] {
  return [...new Set([`127.0.0.1:${port}`, `localhost:${port}`, `${host}:${port}`])];
}

export function isAllowedHost(hostHeader: string | undefined, allowed: readonly string[]): boolean {
  return hostHeader !== undefined && allowed.includes(hostHeader.toLowerCase());
}

/** No Origin header (a same-origin GET, curl) is fine; a present one must be ours exactly. */
export function isAllowedOrigin(originHeader: string | undefined, allowed: readonly string[]): boolean {
  if (originHeader === undefined) return true;
  return allowed.some((host) => originHeader.toLowerCase() === `http://${host}`);
}

/** IPv4 loopback only: browser mode holds Core API keys and must never face a network. */
export function isIpv4Loopback(host: string): boolean {
  return /^127(\.\d{1,3}){3}$/.test(host);
}
