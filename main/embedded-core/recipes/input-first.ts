/**
 * The Core's API classes read and check their input before they look up the tenant named in the
 * path (and, for app-level APIs, before they refuse a tenant other than public), so with both a
 * bad input and an unknown tenant the input error is the answer. The HTTP front checks the tenant
 * before a handler runs unless the route answers for an unknown tenant itself: routes built here
 * do, and their handler calls `enter()` at the point where the Core's API class looks the tenant up.
 */
import type { CoreDeps, CoreRequest, Route } from "../context.ts";
import { CoreHttpError, unknownTenant } from "../http/errors.ts";

export interface InputFirstRoute {
  method: Route["method"];
  path: string;
  /** "tenant": acts in the tenant of the path, which must exist; "app": app-level, only public may be named. */
  scope: "tenant" | "app";
  handler: (req: CoreRequest, enter: () => void) => unknown;
}

const APP_ONLY = "Only public tenantId can call this app specific API";

export function inputFirst(deps: CoreDeps, route: InputFirstRoute): Route {
  return {
    method: route.method,
    path: route.path,
    scope: "tenant",
    acceptsUnknownTenant: true,
    handler: (req) => {
      const enter = (): void => {
        if (route.scope === "app") {
          if (req.tenantId !== "public") throw new CoreHttpError(403, APP_ONLY);
        } else if (!deps.db.prepare("SELECT 1 FROM tenants WHERE tenant_id = ?").get(req.tenantId)) {
          throw unknownTenant(req.tenantId);
        }
      };
      return route.handler(req, enter);
    },
  };
}
