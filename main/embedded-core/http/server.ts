/**
 * The HTTP front of the embedded core: routing, API key, cdi-version and tenant checks in the
 * Core's order, one SQLite transaction per request (a request that fails changes nothing), and
 * responses in the Core's formats (JSON with status strings, or "<message>\n" as text).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { timingSafeEqual } from "node:crypto";
import type { Db } from "../storage/db.ts";
import type { Route } from "../context.ts";
import { CDI_VERSIONS, MAX_CDI_VERSION } from "../version.ts";
import { CoreHttpError, badRequest, unknownTenant } from "./errors.ts";
import { Body, Query } from "./input.ts";
import { Router } from "./router.ts";

const JSON_TYPE = "application/json;charset=UTF-8";
const TEXT_TYPE = "text/html;charset=UTF-8";
/** Paths the Core serves without an API key. */
const OPEN_PATHS = new Set(["/", "/hello", "/.well-known/jwks.json"]);
/** Paths that do not look at cdi-version. */
const VERSIONLESS_PATHS = new Set(["/", "/hello", "/apiversion", "/.well-known/jwks.json"]);
const MAX_BODY_BYTES = 10 * 1024 * 1024;
const APP_ONLY = new CoreHttpError(403, "Only public tenantId can call this app specific API");

export interface HttpFrontOptions {
  db: Db;
  routes: Route[];
  apiKeys: string[];
}

export function createCoreHttpServer(options: HttpFrontOptions): Server {
  const router = new Router(options.routes);
  const tenantExists = options.db.prepare("SELECT 1 FROM tenants WHERE tenant_id = ?");
  const server = createServer((req, res) => {
    readBody(req)
      .then((text) => {
        const result = options.db.transaction(() => handle(req, text))();
        // A handler answers with a JSON value, or with a string for the Core's plain-text replies.
        if (typeof result === "string") send(res, 200, TEXT_TYPE, result);
        else send(res, 200, JSON_TYPE, `${JSON.stringify(result)}\n`);
      })
      .catch((err: unknown) => {
        if (err instanceof CoreHttpError) {
          send(res, err.status, TEXT_TYPE, `${err.message}\n`);
        } else {
          const message = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
          send(res, 500, TEXT_TYPE, `${message}\n`);
        }
      });
  });

  // Idle connections stay open well past the time clients keep them (Gatehouse's Core transport
  // closes its own after 4 s): the client always closes first, so it never reuses one the core is
  // closing at that moment — which otherwise happens when the core shares a process whose event
  // loop was busy for seconds, and both timers fire together.
  server.keepAliveTimeout = 65_000;

  function handle(req: IncomingMessage, bodyText: string): unknown {
    const url = new URL(req.url ?? "/", "http://core.invalid");
    const method = (req.method ?? "GET").toUpperCase();
    const lookup = router.lookup(method, url.pathname);
    if (lookup.kind === "wrong-method") throw new CoreHttpError(405, "Method not supported");
    if (lookup.kind === "not-found") {
      // "/<tenant>" alone is the Core's hello page for a tenant that exists.
      const bare = /^\/([a-z0-9-]+)\/?$/.exec(url.pathname.toLowerCase());
      if (bare?.[1] && tenantExists.get(bare[1])) return "Hello\n";
      throw new CoreHttpError(404, "Not found");
    }
    const { route, tenantId, appId } = lookup.match;

    // The Core resolves the app first (an unknown one is a 400 even without a key), then the key.
    if (appId !== undefined) {
      throw badRequest(
        `AppId or tenantId not found => App with the following connectionURIDomain and appId combination not found: (, ${appId})`,
      );
    }
    if (options.apiKeys.length > 0 && !OPEN_PATHS.has(route.path)) checkApiKey(req, options.apiKeys);
    checkCdiVersion(req, !VERSIONLESS_PATHS.has(route.path));
    if (route.scope === "app" && tenantId !== undefined) throw APP_ONLY;

    const body = method === "GET" || (method === "DELETE" && bodyText === "") ? new Body({}) : Body.parse(bodyText);
    const query = new Query(url.searchParams);
    if (route.appLevelWhen?.({ body, query }) && tenantId !== undefined) throw APP_ONLY;
    const tenant = route.scope === "tenant" ? (tenantId ?? "public") : "public";
    if (route.scope === "tenant" && !route.acceptsUnknownTenant && !tenantExists.get(tenant)) throw unknownTenant(tenant);

    const rid = req.headers.rid;
    return route.handler({ tenantId: tenant, body, query, rid: Array.isArray(rid) ? rid[0] : rid });
  }

  return server;
}

/** The key comes from `api-key`, or else from `Authorization` (with or without "Bearer "). */
function checkApiKey(req: IncomingMessage, keys: string[]): void {
  const header = (name: string): string | undefined => {
    const v = req.headers[name];
    return Array.isArray(v) ? v[0] : v;
  };
  const value = (header("api-key") ?? header("authorization")?.replace(/^bearer /i, ""))?.trim();
  const ok = value !== undefined && keys.some((k) => safeEqual(k, value));
  if (!ok) throw new CoreHttpError(401, "Invalid API key");
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * A missing cdi-version means the newest; a malformed one is the Core's unhandled 500; a version
 * newer than the newest is refused everywhere, others only where the endpoint needs a version.
 * Membership compares the raw text, so "5.4.0" is not "5.4", as in the Core.
 */
function checkCdiVersion(req: IncomingMessage, versionNeeded: boolean): void {
  const header = req.headers["cdi-version"];
  const version = Array.isArray(header) ? header[0] : header;
  if (version === undefined) return;
  if (!/^[0-9]+(\.[0-9]+)*$/.test(version)) {
    throw new CoreHttpError(500, "java.lang.IllegalArgumentException: Invalid version format");
  }
  if (compareVersions(version, MAX_CDI_VERSION) > 0 || (versionNeeded && !CDI_VERSIONS.includes(version))) {
    throw badRequest(`cdi-version ${version} not supported`);
  }
}

function compareVersions(a: string, b: string): number {
  const x = a.split(".").map(Number);
  const y = b.split(".").map(Number);
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = (x[i] ?? 0) - (y[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(badRequest("Request body too large"));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function send(res: ServerResponse, status: number, contentType: string, body: string): void {
  if (res.headersSent) return;
  res.writeHead(status, { "content-type": contentType, "content-length": Buffer.byteLength(body) });
  res.end(body);
}
