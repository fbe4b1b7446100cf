/**
 * The team server's cookies: httpOnly (no script reads them), SameSite=Strict (no other site's
 * page sends them), Path=/, and Secure with the __Host- prefix over TLS (the prefix makes the
 * browser refuse one set without Secure, or for a parent domain, so a sibling subdomain cannot
 * plant its own). Over plain HTTP (loopback, or behind a proxy without TLS) the plain names.
 */
export interface CookieNames {
  /** The session token. */
  session: string;
  /** A sign-in waiting for its second factor. */
  challenge: string;
}

export function cookieNames(secure: boolean): CookieNames {
  const prefix = secure ? "__Host-" : "";
  return { session: `${prefix}gatehouse-session`, challenge: `${prefix}gatehouse-sign-in` };
}

export function setCookie(name: string, value: string, options: { secure: boolean; maxAgeSec: number }): string {
  const parts = [`${name}=${value}`, "Path=/", "HttpOnly", "SameSite=Strict", `Max-Age=${Math.max(0, Math.floor(options.maxAgeSec))}`];
  if (options.secure) parts.push("Secure");
  return parts.join("; ");
}

export function clearCookie(name: string, secure: boolean): string {
  return setCookie(name, "", { secure, maxAgeSec: 0 });
}

/** A cookie's value from a Cookie header; with the name given twice, neither (someone planted one). */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  const values = header
    .split(";")
    .map((pair) => pair.trim())
    .filter((pair) => pair.startsWith(`${name}=`))
    .map((pair) => pair.slice(name.length + 1));
  return values.length === 1 ? values[0] : undefined;
}
