import type { Db } from "./storage/db.ts";
import type { Body, Query } from "./http/input.ts";

/** Core settings with the Core's defaults; a tenant's coreConfig may override the per-tenant ones. */
export interface CoreSettings {
  passwordlessCodeLifetimeMs: number;
  passwordlessMaxCodeInputAttempts: number;
  passwordResetTokenLifetimeMs: number;
  emailVerificationTokenLifetimeMs: number;
  accessTokenValiditySeconds: number;
  refreshTokenValidityMs: number;
}

export const DEFAULT_SETTINGS: CoreSettings = {
  passwordlessCodeLifetimeMs: 900_000,
  passwordlessMaxCodeInputAttempts: 5,
  passwordResetTokenLifetimeMs: 3_600_000,
  emailVerificationTokenLifetimeMs: 86_400_000,
  accessTokenValiditySeconds: 3600,
  refreshTokenValidityMs: 100 * 24 * 3600 * 1000,
};

/** What every endpoint handler is built with. */
export interface CoreDeps {
  db: Db;
  now: () => number;
  settings: CoreSettings;
}

/** One request, after routing: the tenant from the path prefix ("public" without one). */
export interface CoreRequest {
  tenantId: string;
  body: Body;
  query: Query;
  /** The `rid` header; the Core uses it only to pick the recipe behind PUT /recipe/user. */
  rid: string | undefined;
}

export type Handler = (req: CoreRequest) => unknown;

/**
 * How an endpoint treats the tenant in its path, as in the Core:
 * - "tenant": acts in that tenant; an unknown tenant is a 400;
 * - "app": app-level; a prefix other than "public" is a 403;
 * - "app-ignores-tenant": app-level; the prefix is ignored (the tenant comes from a token or handle).
 */
export type RouteScope = "tenant" | "app" | "app-ignores-tenant";

export interface Route {
  method: "GET" | "POST" | "PUT" | "DELETE";
  path: string;
  scope: RouteScope;
  /** The few endpoints that answer for an unknown tenant themselves instead of the generic 400. */
  acceptsUnknownTenant?: boolean;
  /**
   * For tenant endpoints that become app-level with some input (e.g. counting users of all
   * tenants): then a tenant prefix is refused with 403 before the tenant is even looked up.
   */
  appLevelWhen?: (req: { body: Body; query: Query }) => boolean;
  handler: Handler;
}
