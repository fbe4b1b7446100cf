import type { Route } from "../context.ts";
import { CDI_VERSIONS } from "../version.ts";

/**
 * GET/POST/PUT/DELETE /hello (liveness, plain text, under any tenant prefix: HelloAPI only looks
 * the app up) and GET /apiversion (the CDI versions spoken). "/" itself is the server's
 * not-found-or-hello page.
 */
export function coreInfoRoutes(): Route[] {
  const hello = (method: Route["method"]): Route => ({
    method,
    path: "/hello",
    scope: "app-ignores-tenant",
    checksInHandler: true,
    handler: (req) => {
      req.app();
      return "Hello";
    },
  });
  return [
    ...(["GET", "POST", "PUT", "DELETE"] as const).map(hello),
    {
      method: "GET",
      path: "/apiversion",
      scope: "app",
      checksInHandler: true,
      // ApiVersionAPI looks the app up before it refuses a tenant prefix.
      handler: (req) => {
        req.app();
        req.publicTenantOnly();
        return { versions: CDI_VERSIONS };
      },
    },
  ];
}
