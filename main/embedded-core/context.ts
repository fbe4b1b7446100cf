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
  /** The app's firebase_password_hashing_signer_key (base64), needed for imported Firebase scrypt hashes; none by default. */
  firebasePasswordHashingSignerKey?: string;
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
  /**
   * The tenant named in the path ("public" without one). For a route the server checks
   * (`checksInHandler` unset, `acceptsUnknownTenant` unset) it is known to exist; otherwise the
   * handler checks it where the Core's API class does, with tenant().
   */
  tenantId: string;
  body: Body;
  query: Query;
  /** The `rid` header; the Core uses it only to pick the recipe behind PUT /recipe/user. */
  rid: string | undefined;
  /** The request's CDI version: the cdi-version header, or the newest when there is none. */
  cdiVersion: string;
  /** WebserverAPI.getTenantIdentifier: the path's app and tenant must exist (else 400); the tenant id. */
  tenant(): string;
  /** WebserverAPI.getAppIdentifier: the path's app must exist (else 400 naming its public tenant). */
  app(): void;
  /** enforcePublicTenantAndGetPublicTenantStorage: a tenant prefix is a 403 (CDI 5.0 and up), then app(). */
  publicTenantOnly(): void;
  /** enforcePublicTenantAndGetAllStoragesForApp: a tenant prefix is a 403 (CDI 5.0 and up), then the app must exist (400 naming the app). */
  appStorages(): void;
  /** StorageLayer.getStorage for a tenant named by a token or session handle (null: public): 400 when it does not exist. */
  storageOf(tenantId: string | null): string;
}

export type Handler = (req: CoreRequest) => unknown;

/** A handler's JSON answer with extra response headers (e.g. the JWKS's Cache-Control). */
export class Reply {
  constructor(
    readonly body: unknown,
    readonly headers: Record<string, string> = {},
  ) {}
}

/**
 * How an endpoint treats the tenant in its path, as in the Core, for routes whose checks the
 * server makes before the handler (see `checksInHandler`):
 * - "tenant": acts in that tenant; an unknown tenant is a 400;
 * - "app": app-level; a prefix other than "public" is a 403;
 * - "app-ignores-tenant": app-level; the prefix is ignored (the tenant comes from a token or handle).
 */
export type RouteScope = "tenant" | "app" | "app-ignores-tenant";

export interface Route {
  method: "GET" | "POST" | "PUT" | "DELETE";
  path: string;
  scope: RouteScope;
  /**
   * The handler makes the Core's app and tenant checks itself (req.tenant(), req.app(),
   * req.publicTenantOnly(), …) at the point where the Core's API class makes them, so that a bad
   * input is reported before an unknown tenant, as on the Core. The server then skips `scope`.
   */
  checksInHandler?: boolean;
  /** The few endpoints that answer for an unknown tenant themselves instead of the generic 400. */
  acceptsUnknownTenant?: boolean;
  /**
   * For tenant endpoints that become app-level with some input (e.g. counting users of all
   * tenants): then a tenant prefix is refused with 403 before the tenant is even looked up.
   */
  appLevelWhen?: (req: { body: Body; query: Query }) => boolean;
  handler: Handler;
}
