import type { Route } from "../context.ts";
import { CDI_VERSIONS } from "../version.ts";

/** GET / and /hello (liveness, plain text) and GET /apiversion (the CDI versions spoken). */
export function coreInfoRoutes(): Route[] {
  const hello = (): string => "Hello\n";
  return [
    { method: "GET", path: "/", scope: "app", handler: hello },
    { method: "GET", path: "/hello", scope: "app", handler: hello },
    { method: "GET", path: "/apiversion", scope: "app", handler: () => ({ versions: CDI_VERSIONS }) },
  ];
}
