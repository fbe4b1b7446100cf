/**
 * The HTTP front of the embedded core, in the order of the Core's servlet container and
 * WebserverAPI.service: Tomcat's request-target rules (tomcat.ts), routing (router.ts), the API
 * key, the cdi-version, then the method; the app and tenant checks come where each API makes
 * them (see Route.checksInHandler). One SQLite transaction per request (a request that fails
 * changes nothing), and responses in the Core's formats (JSON with status strings, or
 * "<message>\n" as text, or Tomcat's own HTML page for what Tomcat refuses).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { timingSafeEqual } from "node:crypto";
import type { Db } from "../storage/db.ts";
import { Reply, type CoreRequest, type Route } from "../context.ts";
import { CDI_VERSIONS, MAX_CDI_VERSION } from "../version.ts";
import { CoreHttpError, badRequest, notFound, unknownApp, unknownTenant } from "./errors.ts";
import { Body, Query } from "./input.ts";
import { ROOT_PATH, Router, type PathTarget } from "./router.ts";
import { dropsConnection, methodNotImplemented, parseRequestTarget, traceRefused, type TomcatPage } from "./tomcat.ts";

const JSON_TYPE = "application/json;charset=UTF-8";
const TEXT_TYPE = "text/html;charset=UTF-8";
/** APIs the Core serves without an API key (the not-found-or-hello page is one too). */
const OPEN_PATHS = new Set(["/hello", "/.well-known/jwks.json"]);
/** APIs that do not require a supported cdi-version (a newer one than the newest is still refused). */
const VERSIONLESS_PATHS = new Set(["/hello", "/apiversion", "/.well-known/jwks.json"]);
/** Methods HttpServlet dispatches; the Core answers the ones an API lacks with 405, Tomcat others with 501. */
const SERVLET_METHODS = new Set(["GET", "POST", "PUT", "DELETE", "HEAD", "OPTIONS"]);
/** The methods of the not-found-or-hello page. */
const ROOT_METHODS = new Set(["GET", "POST", "PUT", "DELETE"]);
const MAX_BODY_BYTES = 10 * 1024 * 1024;
const APP_ONLY = new CoreHttpError(403, "Only public tenantId can call this app specific API");

export interface HttpFrontOptions {
  db: Db;
  routes: Route[];
  apiKeys: string[];
}

interface Out {
  status: number;
  headers: Record<string, string>;
  body: string;
}

const text = (status: number, message: string): Out => ({ status, headers: { "content-type": TEXT_TYPE }, body: `${message}\n` });
const page = (p: TomcatPage): Out => ({ status: p.status, headers: p.headers, body: p.body });

export function createCoreHttpServer(options: HttpFrontOptions): Server {
  const router = new Router(options.routes);
  const tenantRow = options.db.prepare("SELECT 1 FROM tenants WHERE tenant_id = ?");
  const tenantExists = (tenantId: string): boolean => tenantRow.get(tenantId) !== undefined;

  const server = createServer((req, res) => {
    readBody(req)
      .then((bodyBytes) => send(res, options.db.transaction(() => handle(req, bodyBytes))()))
      .catch((err: unknown) => {
        if (err instanceof CoreHttpError) send(res, text(err.status, err.message));
        else send(res, text(500, err instanceof Error ? `${err.name}: ${err.message}` : String(err)));
      });
  });

  // Idle connections stay open well past the time clients keep them (Gatehouse's Core transport
  // closes its own after 4 s): the client always closes first, so it never reuses one the core is
  // closing at that moment — which otherwise happens when the core shares a process whose event
  // loop was busy for seconds, and both timers fire together.
  server.keepAliveTimeout = 65_000;

  function handle(req: IncomingMessage, bodyBytes: Buffer): Out {
    const method = req.method ?? "GET";
    if (method === "TRACE") return page(traceRefused());
    const parsed = parseRequestTarget(req.url ?? "/");
    if (!parsed.ok) return page(parsed.page);
    const target = router.resolve(parsed.servletPath);
    const isRoot = target.apiPath === ROOT_PATH;

    // An unknown app has no api_keys to enforce: its handler answers "not found" instead.
    if (options.apiKeys.length > 0 && !isRoot && !OPEN_PATHS.has(target.apiPath) && target.appId === undefined) {
      checkApiKey(req, options.apiKeys);
    }
    const cdiVersion = requestVersion(req);
    if (compareVersions(cdiVersion, "3.0") < 0 && target.tenantId !== undefined) throw notFound();
    if (!VERSIONLESS_PATHS.has(target.apiPath) && !CDI_VERSIONS.includes(cdiVersion)) {
      throw badRequest(`cdi-version ${cdiVersion} not supported`);
    }
    if (!SERVLET_METHODS.has(method)) return page(methodNotImplemented(method));

    if (isRoot) {
      if (!ROOT_METHODS.has(method)) throw new CoreHttpError(405, "Method not supported");
      return text(200, notFoundOrHello(target, parsed.servletPath));
    }
    const route = target.methods.get(method);
    if (!route) throw new CoreHttpError(405, "Method not supported");

    const body = method === "GET" || (method === "DELETE" && bodyBytes.length === 0) ? new Body({}) : Body.fromBytes(bodyBytes, header(req, "content-type"));
    const query = new Query(parsed.query);
    const request = coreRequest(target, { body, query, rid: header(req, "rid"), cdiVersion });
    if (!route.checksInHandler) serverChecks(route, request, target);
    const result = route.handler(request);
    if (typeof result === "string") return text(200, result.replace(/\n$/, ""));
    const reply = result instanceof Reply ? result : new Reply(result);
    return { status: 200, headers: { ...reply.headers, "content-type": JSON_TYPE }, body: `${JSON.stringify(reply.body)}\n` };
  }

  /** The app and tenant checks a CoreRequest offers handlers, named after the Core's. */
  function coreRequest(
    target: PathTarget,
    base: Pick<CoreRequest, "body" | "query" | "rid" | "cdiVersion">,
  ): CoreRequest {
    const tenantId = target.tenantId ?? "public";
    const appId = target.appId ?? "public";
    const app = (): void => {
      if (target.appId !== undefined) throw unknownTenant("public", appId);
    };
    const publicOnly = (): void => {
      if (target.tenantId !== undefined && compareVersions(base.cdiVersion, "5.0") >= 0) throw APP_ONLY;
    };
    return {
      ...base,
      tenantId,
      tenant: () => {
        if (target.appId !== undefined || !tenantExists(tenantId)) throw unknownTenant(tenantId, appId);
        return tenantId;
      },
      app,
      publicTenantOnly: () => {
        publicOnly();
        app();
      },
      appStorages: () => {
        publicOnly();
        if (target.appId !== undefined) throw unknownApp(appId);
      },
      storageOf: (named) => {
        const t = (named ?? "public").trim().toLowerCase() || "public";
        if (target.appId !== undefined || !tenantExists(t)) throw unknownTenant(t, appId);
        return t;
      },
    };
  }

  /** For routes that leave the checks to the server: made before the handler runs. */
  function serverChecks(route: Route, req: CoreRequest, target: PathTarget): void {
    if (route.scope === "app") req.publicTenantOnly();
    else if (route.scope === "app-ignores-tenant") req.app();
    else {
      if (route.appLevelWhen?.({ body: req.body, query: req.query }) && target.tenantId !== undefined) throw APP_ONLY;
      if (route.acceptsUnknownTenant) req.app();
      else req.tenant();
    }
  }

  /**
   * NotFoundOrHelloAPI: "Hello" for "/", "/<tenant>" and the like when the app and tenant exist,
   * else 404. It strips the app and tenant from the path as written (not lower-cased), so
   * "/<TENANT>" is not found although the tenant exists.
   */
  function notFoundOrHello(target: PathTarget, servletPath: string): string {
    if (target.appId !== undefined) throw unknownTenant("public", target.appId);
    const tenantId = target.tenantId ?? "public";
    if (!tenantExists(tenantId)) throw notFound();
    let path = servletPath;
    if (path.startsWith("/appid-")) path = path.replaceAll("/appid-public", "");
    if (tenantId !== "public") path = path.replaceAll(`/${tenantId}`, "");
    else if (path.startsWith("/public")) path = path.replaceAll("/public", "");
    if (path === "/" || path.trim() === "") return "Hello";
    throw notFound();
  }

  return server;
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** The key comes from `api-key`, or else from `Authorization` (with or without "Bearer "). */
function checkApiKey(req: IncomingMessage, keys: string[]): void {
  const value = (header(req, "api-key") ?? header(req, "authorization")?.replace(/^bearer /i, ""))?.trim();
  const ok = value !== undefined && keys.some((k) => safeEqual(k, value));
  if (!ok) throw new CoreHttpError(401, "Invalid API key");
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * The request's CDI version (WebserverAPI.getVersionFromRequest): a missing cdi-version means
 * the newest; a malformed one is the Core's unhandled 500; one newer than the newest is refused
 * everywhere. Endpoints that need a version then want the exact text of a supported one, so
 * "5.4.0" is not "5.4", as in the Core.
 */
function requestVersion(req: IncomingMessage): string {
  const version = header(req, "cdi-version");
  if (version === undefined) return MAX_CDI_VERSION;
  if (!/^[0-9]+(\.[0-9]+)*$/.test(version)) {
    throw new CoreHttpError(500, "java.lang.IllegalArgumentException: Invalid version format");
  }
  if (compareVersions(version, MAX_CDI_VERSION) > 0) throw badRequest(`cdi-version ${version} not supported`);
  return version;
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

function readBody(req: IncomingMessage): Promise<Buffer> {
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
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

function send(res: ServerResponse, out: Out): void {
  if (res.headersSent) return;
  const headers: Record<string, string | number> = { ...out.headers, "content-length": Buffer.byteLength(out.body) };
  // Tomcat closes the connection after these statuses, and says so.
  if (dropsConnection(out.status)) headers.connection = "close";
  res.writeHead(out.status, headers);
  res.end(out.body);
}
