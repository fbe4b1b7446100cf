/**
 * supertokens-node on plain `node:http`, through the SDK's own `framework: "custom"` adapter: a
 * request becomes a `PreParsedRequest` (body read once, so the app's handlers can read it too),
 * the SDK and the kit's handlers write into a `CollectingResponse`, and `sendCollected` writes
 * that to the `ServerResponse`. No web framework needed.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { CollectingResponse, PreParsedRequest, errorHandler, middleware } from "supertokens-node/framework/custom";
import type { HTTPMethod } from "supertokens-node/types";

/** One request/response pair in the SDK's custom-framework shapes. */
export interface Exchange {
  request: PreParsedRequest;
  response: CollectingResponse;
  /** The request's path (without query). */
  path: string;
  method: string;
}

/** Largest request body accepted (1 MiB); larger ones are refused with 413. */
export const MAX_BODY_BYTES = 1 << 20;

export class BodyTooLargeError extends Error {}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new BodyTooLargeError("request body too large");
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString("utf8");
}

function parseCookies(header: string | undefined): Record<string, string> {
  const cookies: Record<string, string> = {};
  for (const part of (header ?? "").split(";")) {
    const eq = part.indexOf("=");
    if (eq <= 0) continue;
    const key = part.slice(0, eq).trim();
    const raw = part.slice(eq + 1).trim();
    try {
      cookies[key] = decodeURIComponent(raw);
    } catch {
      cookies[key] = raw;
    }
  }
  return cookies;
}

/** Wrap a node:http request (its body is read here, once). */
export async function toExchange(req: IncomingMessage): Promise<Exchange> {
  const url = new URL(req.url ?? "/", `http://${req.headers.host ?? "localhost"}`);
  const method = (req.method ?? "GET").toLowerCase();
  const body = method === "get" || method === "head" ? "" : await readBody(req);
  const headers = new Headers();
  for (const [key, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) headers.append(key, v);
  }
  const request = new PreParsedRequest({
    url: url.toString(),
    method: method as HTTPMethod,
    headers,
    cookies: parseCookies(req.headers.cookie),
    query: Object.fromEntries(url.searchParams),
    getJSONBody: async () => (body.trim() === "" ? {} : JSON.parse(body)),
    getFormBody: async () => Object.fromEntries(new URLSearchParams(body)),
  });
  return { request, response: new CollectingResponse(), path: url.pathname, method };
}

function serializeCookie(c: CollectingResponse["cookies"][number]): string {
  const parts = [`${c.key}=${encodeURIComponent(c.value)}`, `Path=${c.path}`, `Expires=${new Date(c.expires).toUTCString()}`];
  if (c.domain) parts.push(`Domain=${c.domain}`);
  if (c.httpOnly) parts.push("HttpOnly");
  if (c.secure) parts.push("Secure");
  parts.push(`SameSite=${c.sameSite[0]!.toUpperCase()}${c.sameSite.slice(1)}`);
  return parts.join("; ");
}

/** Write what the SDK (or a kit handler) put into the CollectingResponse. */
export function sendCollected(res: ServerResponse, collected: CollectingResponse): void {
  res.statusCode = collected.statusCode;
  collected.headers.forEach((value, key) => res.setHeader(key, value));
  if (collected.cookies.length > 0) res.setHeader("Set-Cookie", collected.cookies.map(serializeCookie));
  res.end(collected.body ?? "");
}

/**
 * Let supertokens-node answer its own routes (`/auth/signinup/code`, `/auth/session/refresh`, …).
 * Returns true when it did; the caller then `sendCollected`s the exchange.
 */
export async function handleSuperTokensRoute(exchange: Exchange): Promise<boolean> {
  const result = await middleware()(exchange.request, exchange.response);
  if (result.error !== undefined) throw result.error;
  return result.handled === true;
}

/**
 * Turn an error thrown by the SDK (e.g. from `Session.getSession`: no session → 401, failed claim
 * → 403) into its response. Returns false when the error is not the SDK's to answer.
 */
export async function handleSuperTokensError(err: unknown, exchange: Exchange): Promise<boolean> {
  let unhandled: unknown;
  let nextCalled = false;
  await errorHandler()(err, exchange.request, exchange.response, (e?: unknown) => {
    nextCalled = true;
    unhandled = e;
  });
  return nextCalled && unhandled === undefined;
}

/** Send a JSON body on the exchange's response. */
export function sendJson(exchange: Exchange, status: number, body: unknown): void {
  exchange.response.setStatusCode(status);
  exchange.response.sendJSONResponse(body);
}

export interface KitServerOptions {
  /** Default: a free port. The server listens on 127.0.0.1. */
  port?: number;
  /** Headers added to every answer (e.g. security headers). */
  headers?: Readonly<Record<string, string>>;
  /** Told about errors nobody answered (they become a 500 "internal error"). */
  onError?: (err: unknown) => void;
}

/**
 * A node:http server for an app backend: each request becomes an Exchange, supertokens-node
 * answers its own routes, `route` answers the rest, the SDK's errors (no session → 401, failed
 * claim → 403) become their responses, a body over MAX_BODY_BYTES a 413, and anything else a 500.
 */
export async function serveWithSuperTokens(
  route: (exchange: Exchange) => Promise<void>,
  options: KitServerOptions = {},
): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    void (async () => {
      let exchange: Exchange;
      try {
        exchange = await toExchange(req);
      } catch (err) {
        res.statusCode = err instanceof BodyTooLargeError ? 413 : 400;
        res.end();
        return;
      }
      try {
        if (!(await handleSuperTokensRoute(exchange))) await route(exchange);
      } catch (err) {
        if (!(await handleSuperTokensError(err, exchange).catch(() => false))) {
          options.onError?.(err);
          sendJson(exchange, 500, { message: "internal error" });
        }
      }
      for (const [key, value] of Object.entries(options.headers ?? {})) exchange.response.setHeader(key, value, false);
      sendCollected(res, exchange.response);
    })();
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => resolve());
  });
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}
