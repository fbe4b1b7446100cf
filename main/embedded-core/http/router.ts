/**
 * The Core's routing (PathRouter and WebserverAPI in 11.4.7), on the servlet path Tomcat hands
 * over (see tomcat.ts):
 * - the path is lower-cased, then an API is picked by exact path (an optional trailing "/"), or
 *   else as "[/appid-<app>][/<tenant>]<api path>[/]" where the tenant is [a-z0-9-]+ and not
 *   recipe, config, users or hello; the API path is used as a regular expression, so the "."s of
 *   "/.well-known/jwks.json" match any character;
 * - anything else goes to the "not found or hello" page;
 * - the picked API then reads the app and tenant from the path with its own patterns: "public"
 *   (and the four words above) as a tenant mean the default tenant, "appid-public" and "appid-"
 *   the default app.
 */
import type { Route } from "../context.ts";

/** Words the Core never reads as a tenant id (Utils.INVALID_WORDS_FOR_TENANTID). */
const NOT_TENANTS = ["recipe", "config", "users", "hello"];
const TENANT_STOP = NOT_TENANTS.map((w) => `${w}/`).join("|");

export interface PathTarget {
  /** The API's path ("/" for the not-found-or-hello page). */
  apiPath: string;
  /** Its methods; empty for the not-found-or-hello page, which the server answers itself. */
  methods: Map<string, Route>;
  /** The app named in the path: undefined for the default app. */
  appId: string | undefined;
  /** The tenant named in the path: undefined for the default tenant "public". */
  tenantId: string | undefined;
}

interface Api {
  path: string;
  methods: Map<string, Route>;
  /** The PathRouter pattern (with tenant and app prefixes). */
  prefixed: RegExp;
}

export const ROOT_PATH = "/";

export class Router {
  private readonly apis: Api[] = [];
  private readonly byExactPath = new Map<string, Api>();

  constructor(routes: Route[]) {
    const byPath = new Map<string, Map<string, Route>>();
    for (const route of routes) {
      const methods = byPath.get(route.path) ?? new Map<string, Route>();
      if (methods.has(route.method)) throw new Error(`route ${route.method} ${route.path} is declared twice`);
      methods.set(route.method, route);
      byPath.set(route.path, methods);
    }
    for (const [path, methods] of byPath) {
      if (path === ROOT_PATH) throw new Error("the root path is the Core's not-found-or-hello page, served by the server");
      const api = { path, methods, prefixed: new RegExp(`^(/appid-[a-z0-9-]*)?(/(?!${TENANT_STOP})[a-z0-9-]+)?${path}/?$`) };
      this.apis.push(api);
      this.byExactPath.set(path, api);
    }
  }

  /** The API a servlet path reaches, with the app and tenant that API reads from it. */
  resolve(servletPath: string): PathTarget {
    const path = servletPath.toLowerCase();
    const exact = this.byExactPath.get(path) ?? (path.endsWith("/") ? this.byExactPath.get(path.slice(0, -1)) : undefined);
    const api = exact ?? this.apis.find((a) => a.prefixed.test(path));
    const apiPath = api?.path ?? ROOT_PATH;
    return { apiPath, methods: api?.methods ?? new Map(), appId: appIdOf(path, apiPath), tenantId: tenantIdOf(path, apiPath) };
  }
}

const bare = (apiPath: string): string => (apiPath.endsWith("/") ? apiPath.slice(0, -1) : apiPath);

interface IdPatterns {
  appAndTenant: RegExp;
  appOnly: RegExp;
  tenantOnly: RegExp;
  withApp: RegExp;
}

/** An API's own prefix patterns, compiled once per API path. */
const patternCache = new Map<string, IdPatterns>();
function patternsOf(apiPath: string): IdPatterns {
  let p = patternCache.get(apiPath);
  if (!p) {
    const api = bare(apiPath);
    p = {
      appAndTenant: new RegExp(`^/appid-[a-z0-9-]*/[a-z0-9-]+${api}/?$`),
      appOnly: new RegExp(`^/appid-[a-z0-9-]*${api}/?$`),
      tenantOnly: new RegExp(`^/[a-z0-9-]+${api}/?$`),
      withApp: new RegExp(`^/appid-[a-z0-9-]*(/[a-z0-9-]+)?${api}/?$`),
    };
    patternCache.set(apiPath, p);
  }
  return p;
}

/** WebserverAPI.getTenantId: the tenant segment under the API's own pattern. */
function tenantIdOf(path: string, apiPath: string): string | undefined {
  if (bare(apiPath) === "" && (path === "" || path === "/")) return undefined;
  const p = patternsOf(apiPath);
  let segment: string | undefined;
  if (p.appAndTenant.test(path)) segment = path.split("/")[2];
  else if (p.appOnly.test(path)) return undefined;
  else if (p.tenantOnly.test(path)) segment = path.split("/")[1];
  if (segment === undefined || segment === "public" || NOT_TENANTS.includes(segment)) return undefined;
  return segment;
}

/** WebserverAPI.getAppId: the app of an "/appid-<app>" first segment. */
function appIdOf(path: string, apiPath: string): string | undefined {
  if (bare(apiPath) === "" && (path === "" || path === "/")) return undefined;
  if (!patternsOf(apiPath).withApp.test(path)) return undefined;
  const app = (path.split("/")[1] ?? "").slice("appid-".length);
  return app === "" || app === "public" ? undefined : app;
}
