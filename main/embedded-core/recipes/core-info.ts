import type { Route } from "../context.ts";
import { CDI_VERSIONS } from "../version.ts";

/** "/" and "/hello" (liveness, plain text) and GET /apiversion (the CDI versions spoken). */
export function coreInfoRoutes(): Route[] {
  const hello = (): string => "Hello\n";
  // The Core's hello page answers every method, under any tenant prefix.
  const helloRoutes = (["GET", "POST", "PUT", "DELETE"] as const).flatMap((method) =>
    ["/", "/hello"].map((path): Route => ({ method, path, scope: "app-ignores-tenant", handler: hello })),
  );
  return [...helloRoutes, { method: "GET", path: "/apiversion", scope: "app", handler: () => ({ versions: CDI_VERSIONS }) }];
}
