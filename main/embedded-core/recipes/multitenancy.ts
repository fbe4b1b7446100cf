/**
 * Multitenancy: tenants of the one app the embedded core serves. Like the in-memory Core the
 * fixtures were recorded on, every paid feature is on, so tenants beyond "public" can be made
 * (a licence-less Core answers 402 instead; see EmbeddedCoreOptions.multitenancyLicensed).
 */
import type { Accounts } from "../accounts/accounts.ts";
import type { CoreDeps, CoreSettings, Route } from "../context.ts";
import { CoreHttpError, badRequest } from "../http/errors.ts";
import type { Body, JsonObject } from "../http/input.ts";

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

const FACTOR = /^[0-9a-zA-Z_.-]+$/;
function factors(body: Body, name: "firstFactors" | "requiredSecondaryFactors"): string[] | null {
  const list = body.optStringArray(name);
  if (list === undefined) return null;
  if (new Set(list).size !== list.length) throw badRequest(`${name} input should not contain duplicate values`);
  if (list.some((f) => !FACTOR.test(f))) throw badRequest(`${name} should contain only 0-9,a-z,A-Z,_,.,- characters`);
  return list;
}

export class Tenants {
  constructor(private readonly deps: CoreDeps) {}

  ensurePublic(): void {
    this.deps.db
      .prepare("INSERT OR IGNORE INTO tenants (tenant_id, config, created_at) VALUES ('public', ?, ?)")
      .run(JSON.stringify({ coreConfig: {} } satisfies TenantConfig), this.deps.now());
  }

  get(tenantId: string): TenantConfig | undefined {
    const row = this.deps.db.prepare("SELECT config FROM tenants WHERE tenant_id = ?").get(tenantId) as { config: string } | undefined;
    return row ? (JSON.parse(row.config) as TenantConfig) : undefined;
  }

  /** The core's settings as this tenant sees them: its coreConfig overrides the core-wide values. */
  settings(tenantId: string): CoreSettings {
    const config = this.get(tenantId)?.coreConfig ?? {};
    const num = (key: string): number | undefined => (typeof config[key] === "number" ? (config[key] as number) : undefined);
    const base = this.deps.settings;
    const refreshMinutes = num("refresh_token_validity");
    return {
      passwordlessCodeLifetimeMs: num("passwordless_code_lifetime") ?? base.passwordlessCodeLifetimeMs,
      passwordlessMaxCodeInputAttempts: num("passwordless_max_code_input_attempts") ?? base.passwordlessMaxCodeInputAttempts,
      passwordResetTokenLifetimeMs: num("password_reset_token_lifetime") ?? base.passwordResetTokenLifetimeMs,
      emailVerificationTokenLifetimeMs: num("email_verification_token_lifetime") ?? base.emailVerificationTokenLifetimeMs,
      accessTokenValiditySeconds: num("access_token_validity") ?? base.accessTokenValiditySeconds,
      refreshTokenValidityMs: refreshMinutes !== undefined ? refreshMinutes * 60_000 : base.refreshTokenValidityMs,
    };
  }

  list(): { tenantId: string; config: TenantConfig }[] {
    const rows = this.deps.db.prepare("SELECT tenant_id, config FROM tenants ORDER BY created_at, tenant_id").all() as {
      tenant_id: string;
      config: string;
    }[];
    return rows.map((r) => ({ tenantId: r.tenant_id, config: JSON.parse(r.config) as TenantConfig }));
  }

  save(tenantId: string, config: TenantConfig): boolean {
    const existed = this.get(tenantId) !== undefined;
    this.deps.db
      .prepare(
        "INSERT INTO tenants (tenant_id, config, created_at) VALUES (?, ?, ?) ON CONFLICT (tenant_id) DO UPDATE SET config = excluded.config",
      )
      .run(tenantId, JSON.stringify(config), this.deps.now());
    return !existed;
  }
}

/** The Core's JSON for a tenant: keys it never set are left out, as the Core does. */
function describe(tenantId: string, config: TenantConfig): JsonObject {
  const out: JsonObject = { tenantId, thirdParty: { providers: [] } };
  if (config.firstFactors) out.firstFactors = config.firstFactors;
  if (config.requiredSecondaryFactors) out.requiredSecondaryFactors = config.requiredSecondaryFactors;
  out.coreConfig = config.coreConfig;
  return out;
}

/** Keys of the older tenant API that v2 refuses outright. */
const REJECTED_KEYS: [string, string][] = [
  ["emailPasswordEnabled", "emailPasswordEnabled is not a valid input for this API"],
  ["thirdPartyEnabled", "thirdParty is not a valid input for this API"],
  ["passwordlessEnabled", "passwordless is not a valid input for this API"],
];

function userIdOf(body: Body): string {
  const id = body.string("recipeUserId").trim();
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
    {
      method: "PUT",
      path: "/recipe/multitenancy/tenant/v2",
      scope: "tenant",
      handler: ({ tenantId: source, body }) => {
        for (const [key, message] of REJECTED_KEYS) if (body.has(key)) throw badRequest(message);
        const raw = body.optString("tenantId");
        const tenantId = raw === undefined ? "public" : normaliseTenantId(raw);
        if (source !== "public" && source !== tenantId) {
          throw new CoreHttpError(403, "You must use the public or same tenant to add/update a tenant");
        }
        if (tenantId !== "public") requireLicence();
        const previous = tenants.get(tenantId);
        // A new tenant starts with an empty list of first factors, as in the Core.
        const next: TenantConfig = previous ? { ...previous } : { firstFactors: [], coreConfig: {} };
        if (body.has("firstFactors")) next.firstFactors = factors(body, "firstFactors");
        if (body.has("requiredSecondaryFactors")) next.requiredSecondaryFactors = factors(body, "requiredSecondaryFactors");
        if (body.has("coreConfig")) {
          const merged: JsonObject = { ...next.coreConfig };
          for (const [k, v] of Object.entries(body.optObject("coreConfig") ?? {})) {
            if (v === null) delete merged[k];
            else merged[k] = v;
          }
          next.coreConfig = merged;
        }
        return { status: "OK", createdNew: tenants.save(tenantId, next) };
      },
    },
    {
      method: "GET",
      path: "/recipe/multitenancy/tenant/v2",
      scope: "tenant",
      acceptsUnknownTenant: true,
      handler: ({ tenantId }) => {
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
      handler: ({ tenantId: source, body }) => {
        if (source !== "public") throw new CoreHttpError(403, "Only the public tenantId is allowed to delete a tenant");
        const tenantId = normaliseTenantId(body.string("tenantId"));
        if (tenantId === "public") throw new CoreHttpError(403, "Cannot delete public tenant, use remove app API instead");
        const didExist = db.prepare("DELETE FROM tenants WHERE tenant_id = ?").run(tenantId).changes > 0;
        if (didExist) {
          db.prepare("DELETE FROM user_tenants WHERE tenant_id = ?").run(tenantId);
          db.prepare("DELETE FROM user_roles WHERE tenant_id = ?").run(tenantId);
          db.prepare("DELETE FROM sessions WHERE tenant_id = ?").run(tenantId);
          db.prepare("DELETE FROM passwordless_devices WHERE tenant_id = ?").run(tenantId);
          db.prepare("DELETE FROM email_verification_tokens WHERE tenant_id = ?").run(tenantId);
          db.prepare("DELETE FROM password_reset_tokens WHERE tenant_id = ?").run(tenantId);
        }
        return { status: "OK", didExist };
      },
    },
    {
      method: "POST",
      path: "/recipe/multitenancy/tenant/user",
      scope: "tenant",
      handler: ({ tenantId, body }) => {
        if (tenantId !== "public") requireLicence();
        const found = accounts.resolve(userIdOf(body));
        if (!found) return { status: "UNKNOWN_USER_ID_ERROR" };
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
      handler: ({ tenantId, body }) => {
        if (tenantId !== "public") requireLicence();
        const found = accounts.resolve(userIdOf(body));
        if (!found) return { status: "UNKNOWN_USER_ID_ERROR" };
        // Leaving a tenant also ends the user's sessions, verification tokens and roles there.
        const id = found.publicId;
        const removed =
          db.prepare("DELETE FROM sessions WHERE tenant_id = ? AND user_id = ?").run(tenantId, id).changes +
          db.prepare("DELETE FROM email_verification_tokens WHERE tenant_id = ? AND user_id = ?").run(tenantId, id).changes +
          db.prepare("DELETE FROM user_roles WHERE tenant_id = ? AND user_id = ?").run(tenantId, id).changes;
        const unlinked = accounts.removeFromTenant(found.row.user_id, tenantId);
        return { status: "OK", wasAssociated: unlinked || removed > 0 };
      },
    },
  ];
}
