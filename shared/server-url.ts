/**
 * The rule for a Gatehouse server's address, one place for the contract (main refuses) and the
 * renderer (the form says why at the field). An operator signs in there with a password, so:
 * - https, or http only to a loopback host (nothing crosses a network in clear);
 * - an origin only (scheme, host, port): a team server is served at the root of its host, and a
 *   path, query or fragment could only point somewhere else on it;
 * - no user name or password in the URL (`https://good.example@evil.example` goes to evil);
 * - no backslashes, spaces or control characters, which browsers read in ways people do not.
 */

export type ServerUrlCheck = { ok: true; origin: string } | { ok: false; message: string };

export function checkServerUrl(raw: string): ServerUrlCheck {
  const text = raw.trim();
  if (text === "") return { ok: false, message: "a URL is required, e.g. https://gatehouse.example.com" };
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused here
  if (/[\\\s\u0000-\u001f\u007f]/.test(text)) return { ok: false, message: "must not hold spaces, backslashes or control characters" };
  if (!/^https?:\/\//i.test(text)) return { ok: false, message: "must start with https:// (http:// only for this computer: localhost, 127.0.0.1, [::1])" };
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { ok: false, message: `"${text}" is not a URL, e.g. https://gatehouse.example.com` };
  }
  // "@" alone (https://@host) leaves both empty yet still reads as credentials to a person.
  const authority = text.replace(/^https?:\/\//i, "").split(/[/?#]/)[0] ?? "";
  if (url.username !== "" || url.password !== "" || authority.includes("@")) {
    return { ok: false, message: "must not hold a user name or password (you sign in on the server's own page)" };
  }
  if ((url.pathname !== "/" && url.pathname !== "") || url.search !== "" || url.hash !== "" || /[?#]/.test(text)) {
    return { ok: false, message: `must be the server's address only (scheme, host and port), e.g. ${url.origin}: Gatehouse is served at the root of its host` };
  }
  if (url.protocol === "http:" && !isLoopbackHostname(url.hostname)) {
    return { ok: false, message: `must start with https:// (a password and session cookie would cross the network in clear to ${url.hostname}); http:// is allowed only for localhost, 127.0.0.1 or [::1]` };
  }
  return { ok: true, origin: url.origin };
}

/**
 * A host name as the URL parser leaves it: localhost, 127.0.0.0/8 (already normalised from forms
 * like 127.1 or 0x7f.1), [::1], and IPv4-mapped loopback ([::ffff:7f00:1]).
 */
export function isLoopbackHostname(hostname: string): boolean {
  const host = hostname.toLowerCase();
  if (host === "localhost" || host === "[::1]") return true;
  if (/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host)) return true;
  return /^\[::ffff:7f[0-9a-f]{2}:[0-9a-f]{1,4}\]$/.test(host);
}
