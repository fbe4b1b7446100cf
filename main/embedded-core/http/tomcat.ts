/**
 * What the Core's servlet container (Tomcat, as in the reference Core 11.4.7 build) does with a
 * request before any Core code runs: it checks the characters of the request target, drops
 * ";params" from path segments, %-decodes the path (an encoded "/" is refused), resolves "." and
 * ".." segments and merges repeated slashes. The Core then routes on the result, so
 * "//users/count", "/users/./count" and "/users;x=1/count" all reach GET /users/count. Requests
 * Tomcat refuses get its HTML error page, not a Core text error.
 */

/** The footer of Tomcat's error pages on the reference Core build. */
const SERVER_INFO = "Apache Tomcat/10.1.60 (Debian)";

const REASONS: Record<number, [string, string]> = {
  400: [
    "Bad Request",
    "The server cannot or will not process the request due to something that is perceived to be a client error " +
      "(e.g., malformed request syntax, invalid request message framing, or deceptive request routing).",
  ],
  405: ["Method Not Allowed", "The method received in the request-line is known by the origin server but not supported by the target resource."],
  501: ["Not Implemented", "The server does not support the functionality required to fulfill the request."],
};

/** A response Tomcat itself sends (its ErrorReportValve page). */
export interface TomcatPage {
  status: number;
  headers: Record<string, string>;
  body: string;
}

const CSS =
  "body {font-family:Tahoma,Arial,sans-serif;} h1, h2, h3, b {color:white;background-color:#525D76;} h1 {font-size:22px;} " +
  "h2 {font-size:16px;} h3 {font-size:14px;} p {font-size:12px;} a {color:black;} .line {height:1px;background-color:#525D76;border:none;}";

/** Tomcat's escaping of text in its pages (Escape.htmlElementContent). */
function escapeHtml(text: string): string {
  return text.replace(/[&<>"'/]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;", "/": "&#47;" })[c] ?? c);
}

/** Tomcat's error page for a status, with the message line only when there is a message. */
export function tomcatPage(status: number, message?: string, extraHeaders: Record<string, string> = {}): TomcatPage {
  const [reason, description] = REASONS[status] ?? ["Error", ""];
  const title = `HTTP Status ${status} – ${reason}`;
  const body =
    `<!doctype html><html lang="en"><head><title>${title}</title><style type="text/css">${CSS}</style></head><body>` +
    `<h1>${title}</h1><hr class="line" /><p><b>Type</b> Status Report</p>` +
    (message ? `<p><b>Message</b> ${escapeHtml(message)}</p>` : "") +
    `<p><b>Description</b> ${description}</p><hr class="line" /><h3>${SERVER_INFO}</h3></body></html>`;
  return { status, headers: { ...extraHeaders, "content-type": "text/html;charset=utf-8", "content-language": "en" }, body };
}

/** Statuses after which Tomcat closes the connection (Http11Processor.statusDropsConnection). */
export const dropsConnection = (status: number): boolean => [400, 408, 411, 413, 414, 500, 501, 503].includes(status);

/** TRACE is refused by the connector itself (allowTrace=false), before any Core code. */
export const traceRefused = (): TomcatPage =>
  tomcatPage(405, "TRACE method is not allowed", { allow: "HEAD, DELETE, POST, GET, OPTIONS, PUT" });

/** A method HttpServlet does not know: Tomcat's 501 (after the Core's key and version checks). */
export const methodNotImplemented = (method: string): TomcatPage =>
  tomcatPage(501, `Method [${method}] is not implemented by this Servlet for this URI`);

/** Characters Tomcat refuses anywhere in a request target (HttpParser.isNotRequestTarget). */
const NOT_REQUEST_TARGET = new Set(['"', "#", "<", ">", "\\", "^", "`", "{", "|", "}", " "]);
/** Characters allowed in a query (RFC 3986 query: pchar, "/" and "?"). */
const QUERY_CHAR = /^[A-Za-z0-9\-._~%!$&'()*+,;=:@/?]$/;
/** Characters allowed in a path (RFC 3986 absolute-path). */
const PATH_CHAR = /^[A-Za-z0-9\-._~%!$&'()*+,;=:@/]$/;

export type ParsedTarget = { ok: true; servletPath: string; query: string } | { ok: false; page: TomcatPage };

const invalidUri = (detail?: string): ParsedTarget => ({ ok: false, page: tomcatPage(400, detail ? `Invalid URI: [${detail}]` : "Invalid URI") });

/** Reads a raw request target (Node's req.url) the way Tomcat does. */
export function parseRequestTarget(rawTarget: string): ParsedTarget {
  let target = rawTarget;
  for (let i = 0, inQuery = false; i < target.length; i++) {
    const c = target.charAt(i);
    const code = target.charCodeAt(i);
    if (c === "?") inQuery = true;
    if (code < 0x21 || code > 0x7e || NOT_REQUEST_TARGET.has(c) || (inQuery && !QUERY_CHAR.test(c))) {
      const shown = [...Buffer.from(target, "utf8")].map((b) => (b > 0x7e ? `0x${b.toString(16)}` : String.fromCharCode(b))).join("");
      return {
        ok: false,
        page: tomcatPage(
          400,
          `Invalid character found in the request target [${shown} ]. The valid characters are defined in RFC 7230 and RFC 3986`,
        ),
      };
    }
  }
  // The absolute form "http://host/path" names the same path.
  const absolute = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/?]*/.exec(target);
  if (absolute) target = target.slice(absolute[0].length) || "/";
  const q = target.indexOf("?");
  const rawPath = q === -1 ? target : target.slice(0, q);
  const query = q === -1 ? "" : target.slice(q + 1);
  for (const c of rawPath) if (!PATH_CHAR.test(c)) return { ok: false, page: tomcatPage(400) };

  const withoutParams = rawPath.replace(/;[^/]*/g, "");
  const decoded = percentDecode(withoutParams);
  if (typeof decoded === "string") return invalidUri(decoded);
  const normalized = normalize(decoded);
  if (normalized === undefined) return invalidUri();
  const text = new TextDecoder("utf-8", { fatal: true });
  try {
    return { ok: true, servletPath: text.decode(normalized), query };
  } catch {
    return { ok: false, page: tomcatPage(400) };
  }
}

/** Tomcat's UDecoder on a path: bytes, or the text of its complaint. */
function percentDecode(path: string): Uint8Array | string {
  const bytes = Buffer.from(path, "latin1");
  const out: number[] = [];
  for (let j = 0; j < bytes.length; j++) {
    const b = bytes[j] ?? 0;
    if (b !== 0x25) {
      out.push(b);
      continue;
    }
    if (j + 2 >= bytes.length) return "End of file (EOF)";
    const hex = path.slice(j + 1, j + 3);
    if (!/^[0-9a-fA-F]{2}$/.test(hex)) return "The hexadecimal encoding is invalid";
    const value = parseInt(hex, 16);
    if (value === 0x2f) return "The encoded slash character is not allowed";
    out.push(value);
    j += 2;
  }
  return Uint8Array.from(out);
}

/** Tomcat's CoyoteAdapter.normalize: undefined when the path is refused. */
function normalize(bytes: Uint8Array): Uint8Array | undefined {
  if (bytes[0] !== 0x2f) return undefined;
  if (bytes.includes(0x5c) || bytes.includes(0)) return undefined;
  let path = Buffer.from(bytes).toString("latin1").replace(/\/{2,}/g, "/");
  if (path.endsWith("/.") || path.endsWith("/..")) path += "/";
  while (path.includes("/./")) path = path.replace("/./", "/");
  for (;;) {
    const index = path.indexOf("/../");
    if (index < 0) break;
    if (index === 0) return undefined;
    const start = path.lastIndexOf("/", index - 1);
    path = path.slice(0, start) + path.slice(index + 3);
  }
  return Uint8Array.from(Buffer.from(path, "latin1"));
}

/**
 * Query parameters as Tomcat reads them: "&"-separated, "+" is a space, %XX bytes decoded as
 * UTF-8; a parameter without a name, or whose encoding is broken, is dropped.
 */
export function parseQueryString(query: string): Map<string, string> {
  const params = new Map<string, string>();
  for (const part of query.split("&")) {
    if (part === "") continue;
    const eq = part.indexOf("=");
    const name = decodeParam(eq === -1 ? part : part.slice(0, eq));
    const value = decodeParam(eq === -1 ? "" : part.slice(eq + 1));
    if (name === undefined || name === "" || value === undefined) continue;
    if (!params.has(name)) params.set(name, value);
  }
  return params;
}

function decodeParam(raw: string): string | undefined {
  const bytes: number[] = [];
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charAt(i);
    if (c === "+") bytes.push(0x20);
    else if (c === "%") {
      const hex = raw.slice(i + 1, i + 3);
      if (!/^[0-9a-fA-F]{2}$/.test(hex)) return undefined;
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else bytes.push(...Buffer.from(c, "utf8"));
  }
  return Buffer.from(bytes).toString("utf8");
}
