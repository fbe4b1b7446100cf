/**
 * Browser mode: the same dispatcher as the Electron app, over HTTP on the loopback interface, for
 * machines without Electron and for end-to-end tests in Chromium. A random session token guards
 * the API; it travels in the URL fragment (`/#token=…`), which browsers never send to a server,
 * so it stays out of logs and Referer headers.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Gatehouse } from "../app.ts";
import { EventStreams } from "./event-stream.ts";
import { handleInvoke, Refusal } from "./invoke-route.ts";
import { allowedHosts, isAllowedHost, isAllowedOrigin, isIpv4Loopback } from "./request-guards.ts";
import { sendError, sendText } from "./respond.ts";
import { applySecurityHeaders } from "./security-headers.ts";
import { bearerToken, createSessionToken, tokenMatches } from "./session-token.ts";
import { handleStatic } from "./static-route.ts";

export interface BrowserModeOptions {
  gatehouse: Pick<Gatehouse, "dispatcher" | "events" | "desktopCaller">;
  /** The built renderer (dist/renderer). */
  rendererDir: string;
  /** Default: GATEHOUSE_PORT, else a random free port. */
  port?: number;
  /** A loopback address; default 127.0.0.1. */
  host?: string;
  /** Largest accepted /api/invoke body; default 64 MiB. */
  maxBodyBytes?: number;
  /** Interval of the keep-alive comment on /api/events; default 15 s. */
  heartbeatMs?: number;
}

export interface BrowserMode {
  /** What to open: http://127.0.0.1:<port>/#token=<token>. */
  url: string;
  origin: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

/** Room for a 50 MB CSV import (the largest file Gatehouse takes) once JSON-encoded. */
export const DEFAULT_MAX_BODY_BYTES = 64 * 1024 * 1024;
const DEFAULT_HEARTBEAT_MS = 15_000;

export async function startBrowserMode(options: BrowserModeOptions): Promise<BrowserMode> {
  const host = options.host === undefined || options.host === "localhost" ? "127.0.0.1" : options.host;
  if (!isIpv4Loopback(host)) {
    throw new Error(`Browser mode only listens on an IPv4 loopback address (127.x.x.x), not "${options.host}": it holds Core API keys.`);
  }
  const token = createSessionToken();
  const streams = new EventStreams({ events: options.gatehouse.events, token, heartbeatMs: options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS });
  let port = 0;
  let allowed: string[] = [];
  // Whoever holds the token is the desktop's operator (the page was opened from its printed URL).
  const authorize = (req: IncomingMessage) => {
    if (!tokenMatches(token, bearerToken(req.headers.authorization))) {
      throw new Refusal(401, { code: "FORBIDDEN", message: "Missing or wrong session token: open the URL Gatehouse printed when it started." });
    }
    return options.gatehouse.desktopCaller();
  };

  const route = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    applySecurityHeaders(res);
    if (!isAllowedHost(req.headers.host, allowed)) return sendText(res, 403, "Forbidden: unexpected Host header");
    if (!isAllowedOrigin(req.headers.origin, allowed)) return sendText(res, 403, "Forbidden: cross-origin request");
    const url = new URL(req.url ?? "/", `http://${host}:${port}`);
    if (url.pathname.startsWith("/api/")) {
      res.setHeader("Cache-Control", "no-store");
      if (url.pathname === "/api/invoke") {
        return handleInvoke(req, res, { dispatcher: options.gatehouse.dispatcher, authorize, maxBodyBytes: options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES });
      }
      if (url.pathname === "/api/events") return streams.handle(req, res, url);
      return sendError(res, 404, { code: "NOT_FOUND", message: `There is no API endpoint ${url.pathname}.` });
    }
    return handleStatic(req, res, url, options.rendererDir);
  };

  const server = createServer((req, res) => {
    route(req, res).catch((err: unknown) => {
      if (res.headersSent) return void res.destroy();
      sendError(res, 500, { code: "INTERNAL", message: err instanceof Error ? err.message : String(err) });
    });
  });
  port = await listen(server, options.port ?? portFromEnv(), host);
  allowed = allowedHosts(host, port);
  const origin = `http://${host}:${port}`;

  return {
    url: `${origin}/#token=${token}`,
    origin,
    port,
    token,
    close: () =>
      new Promise<void>((resolve, reject) => {
        streams.closeAll();
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}

/** GATEHOUSE_PORT, or 0 (a random free port) when unset. */
export function portFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.GATEHOUSE_PORT;
  if (raw === undefined || raw.trim() === "") return 0;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`GATEHOUSE_PORT must be a number from 0 to 65535, not "${raw}".`);
  return port;
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", (err: NodeJS.ErrnoException) => {
      reject(err.code === "EADDRINUSE" ? new Error(`Port ${port} on ${host} is already in use: set GATEHOUSE_PORT to another port, or unset it for a random one.`) : err);
    });
    server.listen(port, host, () => resolve((server.address() as AddressInfo).port));
  });
}
