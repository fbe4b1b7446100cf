/**
 * The address a request comes from, for the sign-in throttle and the audit. X-Forwarded-For is
 * believed only from a configured trusted proxy (anyone else could write any address into it),
 * and then read from the right: the first hop that is not itself a trusted proxy.
 */
import type { IncomingMessage } from "node:http";

export function clientAddress(req: IncomingMessage, trustedProxies: readonly string[] = []): string {
  const peer = normalise(req.socket.remoteAddress ?? "unknown");
  if (!trustedProxies.includes(peer)) return peer;
  const header = req.headers["x-forwarded-for"];
  const hops = (Array.isArray(header) ? header.join(",") : (header ?? "")).split(",").map((h) => normalise(h.trim())).filter(Boolean);
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = hops[i];
    if (hop && !trustedProxies.includes(hop)) return hop;
  }
  return peer;
}

/** IPv4 addresses as Node reports them on a dual-stack socket (::ffff:1.2.3.4) are written plainly. */
function normalise(address: string): string {
  return address.startsWith("::ffff:") ? address.slice(7) : address;
}
