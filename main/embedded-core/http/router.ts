/**
 * Maps a Core path to its route the way the Core's path router does: the path is lower-cased,
 * then matched as "[/appid-<app>][/<tenant>]<endpoint>[/]". A first segment of recipe, config,
 * users or hello is never a tenant, and "public" is the default tenant.
 */
import type { Route } from "../context.ts";

export interface RouteMatch {
  route: Route;
  /** The tenant named in the path, or undefined when there was none (or it was "public"). */
  tenantId: string | undefined;
  /** The app named in the path, or undefined for the default app. */
  appId: string | undefined;
}

export type RouteLookup = { kind: "found"; match: RouteMatch } | { kind: "wrong-method" } | { kind: "not-found" };

const PREFIX = /^(?:\/appid-([a-z0-9-]*))?(?:\/(?!recipe\/|config\/|users\/|hello\/)([a-z0-9-]+))?(\/.*)$/;

export class Router {
  private readonly byPath = new Map<string, Map<string, Route>>();

  constructor(routes: Route[]) {
    for (const route of routes) {
      const methods = this.byPath.get(route.path) ?? new Map<string, Route>();
      if (methods.has(route.method)) throw new Error(`route ${route.method} ${route.path} is declared twice`);
      methods.set(route.method, route);
      this.byPath.set(route.path, methods);
    }
  }

  lookup(method: string, rawPath: string): RouteLookup {
    const path = rawPath.toLowerCase().replace(/\/+$/, "") || "/";
    const direct = this.byPath.get(path);
    if (direct) return pick(direct, method, undefined, undefined);
    const m = PREFIX.exec(path);
    if (!m) return { kind: "not-found" };
    const [, app, tenant, rest] = m;
    // Try the longest reading first: "/t1/recipe/x" is tenant t1 + "/recipe/x".
    const candidates: [string | undefined, string][] = [];
    if (tenant !== undefined && rest !== undefined) candidates.push([tenant, rest]);
    if (tenant !== undefined) candidates.push([undefined, `/${tenant}${rest ?? ""}`]);
    else if (rest !== undefined) candidates.push([undefined, rest]);
    for (const [t, p] of candidates) {
      const methods = this.byPath.get(p);
      if (methods) return pick(methods, method, t === "public" ? undefined : t, app === "public" ? undefined : app);
    }
    return { kind: "not-found" };
  }
}

function pick(methods: Map<string, Route>, method: string, tenantId: string | undefined, appId: string | undefined): RouteLookup {
  const route = methods.get(method);
  return route ? { kind: "found", match: { route, tenantId, appId } } : { kind: "wrong-method" };
}
