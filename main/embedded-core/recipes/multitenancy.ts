/**
 * Multitenancy: tenants of the one app the embedded core serves. Like the in-memory Core the
 * fixtures were recorded on, every paid feature is on, so tenants beyond "public" can be made
 * (a licence-less Core answers 402 instead; see EmbeddedCoreOptions.multitenancyLicensed).
 */
import type { Accounts } from "../accounts/accounts.ts";
import { recipesUsingId } from "../accounts/user-data.ts";
import type { CoreDeps, CoreRequest, CoreSettings, Route } from "../context.ts";
import { CoreHttpError, badRequest, invalidField } from "../http/errors.ts";
import type { Body, JsonObject } from "../http/input.ts";
import { BaseConfig, mergeCoreConfig } from "./core-config.ts";
import { javaHashSetOrder } from "./java-hash-set.ts";

export interface TenantConfig {
  firstFactors?: string[] | null;
  requiredSecondaryFactors?: string[] | null;
  coreConfig: JsonObject;
}

/** The Core's tenant-id rules, in its order; ids are trimmed and lower-cased first. */
function normaliseTenantId(raw: string): string {
  const id = raw.trim().toLowerCase();
  if (id === "") throw badRequest("tenantId should not be an empty String");
  if (["recipe", "config", "users", "hello"].includes(id)) throw badRequest(`Cannot use '${id}' as a tenantId`);
  if (id.startsWith("appid-")) throw badRequest("tenantId must not start with 'appid-'");
  if (!/^[a-z0-9-]+$/.test(id)) throw badRequest("tenantId can only contain letters, numbers and hyphens");
  return id;
}

/** Gson's reading of a factor: a string, or a one-element array holding one (at any depth). */
function factorOf(v: unknown, name: string): string {
  if (typeof v === "string") return v;
  if (Array.isArray(v) && v.length === 1) return factorOf(v[0], name);
  throw invalidField(name);
}

/** A factor list of the request: undefined when absent, null when given as null. */
function factorsInput(body: Body, name: "firstFactors" | "requiredSecondaryFactors"): string[] | null | undefined {
  if (!body.has(name)) return undefined;
  const raw = body.raw(name);
  if (raw === null) return null;
  if (!Array.isArray(raw)) throw invalidField(name);
  const list = raw.map((v) => factorOf(v, name));
  if (new Set(list).size !== list.length) throw badRequest(`${name} input should not contain duplicate values`);
  return list;
}

/** The Core's pattern, whose character class also lets "(" and ")" through. */
const FACTOR = /^[0-9a-zA-Z_().-]+$/;
function checkFactorNames(config: TenantConfig): void {
  for (const name of ["firstFactors", "requiredSecondaryFactors"] as const) {
    if (config[name]?.some((f) => !FACTOR.test(f))) throw badRequest(`${name} should contain only 0-9,a-z,A-Z,_,.,- characters`);
  }
}

/** The coreConfig update of the request; present but not an object (null included) is refused. */
function coreConfigInput(body: Body): JsonObject | undefined {
  if (!body.has("coreConfig")) return undefined;
  const raw = body.raw("coreConfig");
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) throw invalidField("coreConfig");
  return raw as JsonObject;
}

/** The embedded core's options play the part of the Core's config.yaml. */
function baseConfigJson(settings: CoreSettings, apiKeys: readonly string[]): JsonObject {
  const json: JsonObject = {
    core_config_version: 0,
    access_token_validity: settings.accessTokenValiditySeconds,
    refresh_token_validity: settings.refreshTokenValidityMs / 60_000,
    password_reset_token_lifetime: settings.passwordResetTokenLifetimeMs,
    email_verification_token_lifetime: settings.emailVerificationTokenLifetimeMs,
    passwordless_max_code_input_attempts: settings.passwordlessMaxCodeInputAttempts,
    passwordless_code_lifetime: settings.passwordlessCodeLifetimeMs,
  };
  if (apiKeys.length > 0) json.api_keys = apiKeys.join(",");
  if (settings.firebasePasswordHashingSignerKey !== undefined) json.firebase_password_hashing_signer_key = settings.firebasePasswordHashingSignerKey;
  return json;
}

export class Tenants {
  /** The base config every tenant's coreConfig is read over and checked against. */
  readonly base: BaseConfig;

  constructor(
    private readonly deps: CoreDeps,
    apiKeys: readonly string[] = [],
  ) {
    this.base = new BaseConfig(baseConfigJson(deps.settings, apiKeys));
  }

  ensurePublic(): void {
    this.deps.db
      .prepare("INSERT OR IGNORE INTO tenants (tenant_id, config, created_at) VALUES ('public', ?, ?)")
      .run(JSON.stringify({ coreConfig: {} } satisfies TenantConfig), this.deps.now());
  }

  get(tenantId: string): TenantConfig | undefined {
    const row = this.deps.db.prepare("SELECT config FROM tenants WHERE tenant_id = ?").get(tenantId) as { config: string } | undefined;
    return row ? (JSON.parse(row.config) as TenantConfig) : undefined;
  }

  exists(tenantId: string): boolean {
    return !!this.deps.db.prepare("SELECT 1 FROM tenants WHERE tenant_id = ?").get(tenantId);
  }

  /** The core's settings as this tenant sees them: its coreConfig read over the base config. */
  settings(tenantId: string): CoreSettings {
    const v = this.base.tenantValues(this.get(tenantId)?.coreConfig ?? {});
    const n = (name: string): number => v[name] as number;
    return {
      passwordlessCodeLifetimeMs: n("passwordless_code_lifetime"),
      passwordlessMaxCodeInputAttempts: n("passwordless_max_code_input_attempts"),
      passwordResetTokenLifetimeMs: n("password_reset_token_lifetime"),
      emailVerificationTokenLifetimeMs: n("email_verification_token_lifetime"),
      accessTokenValiditySeconds: n("access_token_validity"),
      refreshTokenValidityMs: Math.trunc(n("refresh_token_validity") * 60_000),
    };
  }

  /** In the Core's storage order: by when each tenant was last written (see save). */
  list(): { tenantId: string; config: TenantConfig }[] {
    const rows = this.deps.db.prepare("SELECT tenant_id, config FROM tenants ORDER BY rowid").all() as {
      tenant_id: string;
      config: string;
    }[];
    return rows.map((r) => ({ tenantId: r.tenant_id, config: JSON.parse(r.config) as TenantConfig }));
  }

  /**
   * Creates or replaces a tenant's config; true when it is new. The Core overwrites a tenant by
   * deleting and inserting its row, so an updated tenant moves to the end of the list; it keeps
   * first factors in the order its storage hands them back (a Java HashSet's) and no empty
   * list of required secondary factors.
   */
  save(tenantId: string, config: TenantConfig): boolean {
    const stored: TenantConfig = {
      ...config,
      firstFactors: config.firstFactors ? javaHashSetOrder(config.firstFactors) : config.firstFactors,
      requiredSecondaryFactors: config.requiredSecondaryFactors?.length ? config.requiredSecondaryFactors : null,
    };
    const previous = this.deps.db.prepare("SELECT created_at FROM tenants WHERE tenant_id = ?").get(tenantId) as
      | { created_at: number }
      | undefined;
    this.deps.db.prepare("DELETE FROM tenants WHERE tenant_id = ?").run(tenantId);
    this.deps.db
      .prepare("INSERT INTO tenants (tenant_id, config, created_at) VALUES (?, ?, ?)")
      .run(tenantId, JSON.stringify(stored), previous?.created_at ?? this.deps.now());
    return previous === undefined;
  }
}

/** The Core's JSON for a tenant: keys it never set are left out, as the Core does. */
function describe(tenantId: string, config: TenantConfig): JsonObject {
  const out: JsonObject = { tenantId, thirdParty: { providers: [] } };
  if (config.firstFactors) out.firstFactors = config.firstFactors;
  if (config.requiredSecondaryFactors?.length) out.requiredSecondaryFactors = config.requiredSecondaryFactors;
  out.coreConfig = config.coreConfig;
  return out;
}

/** Keys of the older tenant API that v2 refuses outright. */
const REJECTED_KEYS: [string, string][] = [
  ["emailPasswordEnabled", "emailPasswordEnabled is not a valid input for this API"],
  ["thirdPartyEnabled", "thirdParty is not a valid input for this API"],
  ["passwordlessEnabled", "passwordless is not a valid input for this API"],
];

/** The user to (dis)associate: "recipeUserId", or "userId" before CDI 4.0. */
function userIdOf({ body, cdiVersion }: CoreRequest): string {
  const id = body.string(Number(cdiVersion.split(".")[0]) < 4 ? "userId" : "recipeUserId").trim();
  if (id === "") throw badRequest("Field name 'userId' cannot be an empty String");
  return id;
}

export function multitenancyRoutes(deps: CoreDeps, tenants: Tenants, accounts: Accounts, licensed: boolean): Route[] {
  const { db } = deps;

  function requireLicence(): void {
    if (!licensed) {
      throw new CoreHttpError(
        402,
        "Cannot use feature: multi_tenancy, because the license key is missing, or doesn't have this feature enabled.",
      );
    }
  }

  return [
    // The Core's order: the target id, the tenant of the path, the update (coreConfig, refused
    // keys, factors), the licence and permission, then the merged coreConfig. Nothing is stored
    // unless all of it passes.
    {
      method: "PUT",
      path: "/recipe/multitenancy/tenant/v2",
      scope: "tenant",
      checksInHandler: true,
      handler: ({ tenantId: source, body, tenant }) => {
        const raw = body.optString("tenantId");
        const tenantId = raw === undefined ? "public" : normaliseTenantId(raw);
        tenant();
        const previous = tenants.get(tenantId);
        // A new tenant starts with an empty list of first factors, as in the Core.
        const next: TenantConfig = previous ? { ...previous } : { firstFactors: [], coreConfig: {} };
        const update = coreConfigInput(body);
        if (update) next.coreConfig = mergeCoreConfig(next.coreConfig, update);
        for (const [key, message] of REJECTED_KEYS) if (body.has(key)) throw badRequest(message);
        const firstFactors = factorsInput(body, "firstFactors");
        const requiredSecondaryFactors = factorsInput(body, "requiredSecondaryFactors");
        if (firstFactors !== undefined) next.firstFactors = firstFactors;
        if (requiredSecondaryFactors !== undefined) next.requiredSecondaryFactors = requiredSecondaryFactors;
        checkFactorNames(next);
        if (tenantId !== "public") {
          requireLicence();
          if (source !== "public" && source !== tenantId) {
            throw new CoreHttpError(403, "You must use the public or same tenant to add/update a tenant");
          }
        }
        tenants.base.check(tenantId, next.coreConfig);
        return { status: "OK", createdNew: tenants.save(tenantId, next) };
      },
    },
    {
      method: "GET",
      path: "/recipe/multitenancy/tenant/v2",
      scope: "tenant",
      checksInHandler: true,
      handler: ({ tenantId, tenant }) => {
        // An unknown tenant, or app, is an answer here rather than a 400.
        try {
          tenant();
        } catch (err) {
          if (err instanceof CoreHttpError && err.status === 400) return { status: "TENANT_NOT_FOUND_ERROR" };
          throw err;
        }
        const config = tenants.get(tenantId);
        if (!config) return { status: "TENANT_NOT_FOUND_ERROR" };
        return { ...describe(tenantId, config), status: "OK" };
      },
    },
    {
      method: "GET",
      path: "/recipe/multitenancy/tenant/list/v2",
      scope: "tenant",
      handler: ({ tenantId }) => {
        if (tenantId !== "public") throw new CoreHttpError(403, "Only the public tenantId is allowed to list all tenants associated with this app");
        return { status: "OK", tenants: tenants.list().map((t) => describe(t.tenantId, t.config)) };
      },
    },
    {
      method: "POST",
      path: "/recipe/multitenancy/tenant/remove",
      scope: "tenant",
      checksInHandler: true,
      handler: ({ tenantId: source, body, tenant }) => {
        const tenantId = normaliseTenantId(body.string("tenantId"));
        if (tenantId === "public") throw new CoreHttpError(403, "Cannot delete public tenant, use remove app API instead");
        tenant();
        if (source !== "public") throw new CoreHttpError(403, "Only the public tenantId is allowed to delete a tenant");
        const didExist = db.prepare("DELETE FROM tenants WHERE tenant_id = ?").run(tenantId).changes > 0;
        if (didExist) {
          // What the Core keeps per tenant goes with it; app-wide data (users, metadata,
          // verified emails, password-reset tokens) stays.
          db.prepare("DELETE FROM user_tenants WHERE tenant_id = ?").run(tenantId);
          db.prepare("DELETE FROM user_roles WHERE tenant_id = ?").run(tenantId);
          db.prepare("DELETE FROM sessions WHERE tenant_id = ?").run(tenantId);
          db.prepare("DELETE FROM passwordless_devices WHERE tenant_id = ?").run(tenantId);
          db.prepare("DELETE FROM email_verification_tokens WHERE tenant_id = ?").run(tenantId);
        }
        return { status: "OK", didExist };
      },
    },
    {
      method: "POST",
      path: "/recipe/multitenancy/tenant/user",
      scope: "tenant",
      checksInHandler: true,
      handler: (req) => {
        const { tenantId, tenant } = req;
        const userId = userIdOf(req);
        tenant();
        const found = accounts.resolve(userId);
        if (!found) {
          // An id that only other recipes use is found (so the licence is checked), and then has
          // no login method to add.
          if (recipesUsingId(db, userId, deps.now()).length > 0) requireLicence();
          return { status: "UNKNOWN_USER_ID_ERROR" };
        }
        requireLicence();
        const { row } = found;
        if (accounts.tenantsOf(row.user_id).includes(tenantId)) return { status: "OK", wasAlreadyAssociated: true };
        if (row.email !== null && accounts.findInTenant(tenantId, row.recipe_id, { email: row.email })) {
          return { status: "EMAIL_ALREADY_EXISTS_ERROR" };
        }
        if (row.phone_number !== null && accounts.findInTenant(tenantId, row.recipe_id, { phoneNumber: row.phone_number })) {
          return { status: "PHONE_NUMBER_ALREADY_EXISTS_ERROR" };
        }
        accounts.addToTenant(row, tenantId);
        return { status: "OK", wasAlreadyAssociated: false };
      },
    },
    {
      method: "POST",
      path: "/recipe/multitenancy/tenant/user/remove",
      scope: "tenant",
      checksInHandler: true,
      handler: (req) => {
        const { tenantId, tenant } = req;
        const userId = userIdOf(req);
        tenant();
        // The Core finds a user by either id, or else any id other recipes keep data under.
        const found = accounts.resolve(userId);
        if (!found && recipesUsingId(db, userId, deps.now()).length === 0) return { status: "UNKNOWN_USER_ID_ERROR" };
        requireLicence();
        // Leaving a tenant ends the id's sessions, verification tokens and roles there (under
        // the external id of a mapped user), and the user's membership when it has a login method.
        const id = found?.publicId ?? userId;
        const removed =
          db.prepare("DELETE FROM sessions WHERE tenant_id = ? AND user_id = ?").run(tenantId, id).changes +
          db.prepare("DELETE FROM email_verification_tokens WHERE tenant_id = ? AND user_id = ?").run(tenantId, id).changes +
          db.prepare("DELETE FROM user_roles WHERE tenant_id = ? AND user_id = ?").run(tenantId, id).changes;
        const unlinked = found ? accounts.removeFromTenant(found.row.user_id, tenantId) : false;
        return { status: "OK", wasAssociated: unlinked || removed > 0 };
      },
    },
  ];
}
