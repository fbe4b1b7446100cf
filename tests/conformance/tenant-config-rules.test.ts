/**
 * A tenant's coreConfig and factor lists as Core 11.4.7 takes them (BaseCreateOrUpdate,
 * Multitenancy.validateTenantConfig, Config.assertAllTenantConfigsAreValid, CoreConfig,
 * ConfigMapper): what is refused and with which message, which error wins, what is stored, and
 * the order tenants and first factors come back in.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestCore, type TestCore } from "../support/core.ts";
import { raw } from "./helpers.ts";
import { expectText, ok, removeTenant, uniq } from "./rule-helpers.ts";

let core: TestCore;
const tenants = new Set<string>();

beforeAll(async () => {
  core = await startTestCore();
});

afterAll(async () => {
  try {
    for (const t of tenants) await removeTenant(core, t);
  } finally {
    await core?.close();
  }
});

const put = (body: Record<string, unknown>, prefix = "") =>
  raw(core, `${prefix}/recipe/multitenancy/tenant/v2`, { method: "PUT", body });

/** PUT a new tenant (remembered for clean-up, even when the Core refuses it). */
function putNew(body: Record<string, unknown> = {}) {
  const tenantId = uniq("cfg");
  tenants.add(tenantId);
  return { tenantId, res: put({ tenantId, ...body }) };
}

const getTenant = async (tenantId: string) => ok(await raw(core, `/${tenantId}/recipe/multitenancy/tenant/v2`));

async function expectRefused(coreConfig: Record<string, unknown>, status: number, text: string): Promise<void> {
  const { tenantId, res } = putNew({ coreConfig });
  expectText(await res, status, `${text}\n`);
  // A refused update creates nothing.
  expect(await getTenant(tenantId)).toStrictEqual({ status: "TENANT_NOT_FOUND_ERROR" });
}

const invalid = (message: string) => `Invalid core config: ${message}`;

describe("coreConfig values are read and validated as the Core's config.yaml", () => {
  it("an invalid value is refused with the Core's message", async () => {
    await expectRefused({ email_verification_token_lifetime: -5 }, 400, invalid("'email_verification_token_lifetime' must be >= 0"));
    await expectRefused({ passwordless_code_lifetime: 0 }, 400, invalid("'passwordless_code_lifetime' must be > 0"));
    await expectRefused({ core_config_version: -1 }, 400, invalid("'core_config_version' is not set in the config.yaml file. Please redownload and install SuperTokens"));
    await expectRefused({ bcrypt_log_rounds: 0 }, 400, invalid("'bcrypt_log_rounds' must be >= 1"));
    await expectRefused({ password_hashing_alg: "md5" }, 400, invalid("'password_hashing_alg' must be one of 'ARGON2' or 'BCRYPT'"));
    await expectRefused({ ip_allow_regex: "(" }, 400, invalid("Provided regular expression is invalid for ip_allow_regex config"));
    await expectRefused({ api_keys: "short" }, 400, invalid("One of the API keys is too short. Please use at least 20 characters"));
    await expectRefused({ supertokens_max_cdi_version: "x" }, 400, invalid("supertokens_max_cdi_version is not a valid semantic version"));
    await expectRefused({ supertokens_max_cdi_version: "5.4.0" }, 400, invalid("supertokens_max_cdi_version is not a supported version"));
    await expectRefused({ oauth_provider_public_service_url: "nope" }, 400, invalid("oauth_provider_public_service_url is not a valid URL"));
    await expectRefused(
      { oauth_provider_public_service_url: "http://localhost:4444" },
      400,
      invalid(
        "If any of the following is set, all of them has to be set: oauth_provider_public_service_url, oauth_provider_admin_service_url, oauth_provider_consent_login_base_url",
      ),
    );
  });

  it("values are checked together with the base config: refresh must outlast access", async () => {
    await expectRefused({ refresh_token_validity: 1 }, 400, invalid("'refresh_token_validity' must be strictly greater than 'access_token_validity'."));
  });

  it("an unknown key is refused", async () => {
    await expectRefused({ foo: 1 }, 400, invalid("Invalid config key: foo"));
    // The in-memory Core's storage adds no keys of its own.
    await expectRefused({ postgresql_connection_uri: "x" }, 400, invalid("Invalid config key: postgresql_connection_uri"));
  });

  it("a value of the wrong type is refused, naming the Java type", async () => {
    await expectRefused({ access_token_validity: "abc" }, 400, invalid("'access_token_validity' must be of type long"));
    await expectRefused({ access_token_validity: 3600.5 }, 400, invalid("'access_token_validity' must be of type long"));
    await expectRefused({ passwordless_max_code_input_attempts: 3_000_000_000 }, 400, invalid("'passwordless_max_code_input_attempts' must be of type int"));
    await expectRefused({ refresh_token_validity: "abc" }, 400, invalid("'refresh_token_validity' must be of type double"));
    await expectRefused({ access_token_blacklisting: 1 }, 400, invalid("'access_token_blacklisting' must be of type boolean"));
    await expectRefused({ access_token_blacklisting: "yes" }, 400, invalid("'access_token_blacklisting' must be of type boolean"));
    await expectRefused({ allowedLogLevels: "x" }, 400, invalid("'allowedLogLevels' must be of type Set"));
  });

  it("where the Core's own code fails on a value, it answers 500 with the Java exception", async () => {
    await expectRefused({ access_token_validity: {} }, 500, "java.lang.UnsupportedOperationException: JsonObject");
    await expectRefused({ access_token_validity: [] }, 500, "java.lang.IllegalStateException: Array must have size 1, but has size 0");
    // A null where the Core's check calls a method on the value: a NullPointerException, whose
    // message the JVM drops once that code is hot (OmitStackTraceInFastThrow).
    const { tenantId, res } = putNew({ coreConfig: { password_hashing_alg: null } });
    const npe = await res;
    expect(npe.status).toBe(500);
    expect(npe.text).toMatch(/^java\.lang\.NullPointerException(: Cannot invoke "String\.equalsIgnoreCase\(String\)" because "this\.password_hashing_alg" is null)?\n$/);
    expect(await getTenant(tenantId)).toStrictEqual({ status: "TENANT_NOT_FOUND_ERROR" });
  });

  it("an app-level setting must equal the base config's", async () => {
    await expectRefused({ access_token_validity: 100 }, 400, invalid("You cannot set different values for access_token_validity for the same appId"));
    await expectRefused({ refresh_token_validity: 60.01 }, 400, invalid("You cannot set different values for refresh_token_validity for the same appId"));
    // The comparison is of the exact text: "bcrypt" is a valid algorithm but not "BCRYPT".
    await expectRefused({ password_hashing_alg: "bcrypt" }, 400, invalid("You cannot set different values for password_hashing_alg for the same appId"));
    await expectRefused(
      { api_keys: "another-api-key-0123456789" },
      400,
      invalid("You cannot set different values for api_keys for the same appId"),
    );
    // An alias names the key it stands for.
    await expectRefused(
      { access_token_signing_key_update_interval: 2 },
      400,
      invalid("You cannot set different values for access_token_dynamic_signing_key_update_interval for the same appId"),
    );
    // The same value as the base is fine.
    const { tenantId, res } = putNew({ coreConfig: { access_token_validity: 3600, password_hashing_alg: "BCRYPT" } });
    expect(ok(await res)).toStrictEqual({ status: "OK", createdNew: true });
    expect(await getTenant(tenantId)).toMatchObject({ coreConfig: { access_token_validity: 3600, password_hashing_alg: "BCRYPT" } });
  });

  it("a config.yaml-only key is refused once its value is valid", async () => {
    await expectRefused({ port: 5 }, 400, invalid("port can only be set via the core's base config setting"));
    await expectRefused({ log_level: "info" }, 400, invalid("log_level can only be set via the core's base config setting"));
    await expectRefused({ log_level: "bogus" }, 400, invalid(`'log_level' config must be one of "NONE","DEBUG", "INFO", "WARN" or "ERROR".`));
    // Even a null entry names the key.
    await expectRefused({ info_log_path: null }, 400, invalid("info_log_path can only be set via the core's base config setting"));
  });

  it("which error wins: public, unknown key, type (in entry order), value, app-level, config.yaml-only", async () => {
    expectText(await put({ tenantId: "public", coreConfig: { foo: 1 } }), 400, "Cannot modify base config\n");
    await expectRefused({ access_token_validity: "x", foo: 1 }, 400, invalid("Invalid config key: foo"));
    await expectRefused({ port: "abc", access_token_validity: "x" }, 400, invalid("'port' must be of type int"));
    await expectRefused({ access_token_validity: "x", port: "abc" }, 400, invalid("'access_token_validity' must be of type long"));
    await expectRefused({ totp_max_attempts: 0, passwordless_code_lifetime: 0 }, 400, invalid("'passwordless_code_lifetime' must be > 0"));
    await expectRefused({ access_token_validity: -1, port: 5 }, 400, invalid("'access_token_validity' must be between 1 and 86400000 seconds inclusive."));
    await expectRefused({ log_level: "info", access_token_validity: 5 }, 400, invalid("You cannot set different values for access_token_validity for the same appId"));
    // config.yaml-only keys are named in the Core's declaration order, not the request's.
    await expectRefused({ port: null, info_log_path: null }, 400, invalid("info_log_path can only be set via the core's base config setting"));
  });
});

describe("a config that says it is already valid", () => {
  it("isNormalizedAndValid: true is a key like any other, and skips the value checks (not the others)", async () => {
    const { tenantId, res } = putNew({ coreConfig: { isNormalizedAndValid: true, email_verification_token_lifetime: -5 } });
    expect(ok(await res)).toStrictEqual({ status: "OK", createdNew: true });
    expect((await getTenant(tenantId)).coreConfig).toStrictEqual({ isNormalizedAndValid: true, email_verification_token_lifetime: -5 });
    // The flag stays in the tenant's config: a later invalid value meets the app-level check instead.
    expectText(
      await put({ tenantId, coreConfig: { refresh_token_validity: 1 } }),
      400,
      `${invalid("You cannot set different values for refresh_token_validity for the same appId")}\n`,
    );
    expectText(await put({ tenantId, coreConfig: { foo: 1 } }), 400, `${invalid("Invalid config key: foo")}\n`);
  });
});

describe("what is stored", () => {
  it("public takes no coreConfig entry at all (not even a null); {} is fine", async () => {
    expectText(await put({ tenantId: "public", coreConfig: { access_token_validity: 3600 } }), 400, "Cannot modify base config\n");
    expectText(await put({ tenantId: "public", coreConfig: { x: null } }), 400, "Cannot modify base config\n");
    expect(ok(await put({ tenantId: "public", coreConfig: {} }))).toStrictEqual({ status: "OK", createdNew: false });
    expect(await getTenant("public")).toMatchObject({ coreConfig: {} });
  });

  it("values are stored as given (a number as text, a one-element array) and read as their type", async () => {
    const { tenantId, res } = putNew({ coreConfig: { password_reset_token_lifetime: "5000", passwordless_max_code_input_attempts: [7] } });
    expect(ok(await res)).toStrictEqual({ status: "OK", createdNew: true });
    expect(await getTenant(tenantId)).toMatchObject({
      coreConfig: { password_reset_token_lifetime: "5000", passwordless_max_code_input_attempts: [7] },
    });
  });

  it("null stores a null for a new key and removes an existing one; an updated key keeps its place", async () => {
    const { tenantId, res } = putNew({ coreConfig: { access_token_validity: null, password_reset_token_lifetime: 5000 } });
    expect(ok(await res)).toMatchObject({ status: "OK" });
    expect((await getTenant(tenantId)).coreConfig).toStrictEqual({ access_token_validity: null, password_reset_token_lifetime: 5000 });

    ok(await put({ tenantId, coreConfig: { access_token_validity: 3600, email_verification_token_lifetime: 7000 } }));
    const cfg = (await getTenant(tenantId)).coreConfig as Record<string, unknown>;
    expect(Object.keys(cfg)).toEqual(["access_token_validity", "password_reset_token_lifetime", "email_verification_token_lifetime"]);

    ok(await put({ tenantId, coreConfig: { access_token_validity: null } }));
    expect((await getTenant(tenantId)).coreConfig).toStrictEqual({ password_reset_token_lifetime: 5000, email_verification_token_lifetime: 7000 });
  });

  it("a refused update leaves an existing tenant as it was", async () => {
    const { tenantId, res } = putNew({ firstFactors: ["emailpassword"], coreConfig: { password_reset_token_lifetime: 5000 } });
    ok(await res);
    const before = await getTenant(tenantId);
    expectText(
      await put({ tenantId, firstFactors: ["otp-email"], coreConfig: { password_reset_token_lifetime: 0 } }),
      400,
      `${invalid("'password_reset_token_lifetime' must be >= 0")}\n`,
    );
    expect(await getTenant(tenantId)).toStrictEqual(before);
  });

  it("coreConfig null is not an empty update: 400", async () => {
    const { tenantId, res } = putNew({ coreConfig: null });
    expectText(await res, 400, "Field name 'coreConfig' is invalid in JSON input\n");
    expect(await getTenant(tenantId)).toStrictEqual({ status: "TENANT_NOT_FOUND_ERROR" });
  });

  it("a tenant's lifetime is used as its type reads it (text \"1\" is one millisecond)", async () => {
    const { tenantId, res } = putNew({ coreConfig: { email_verification_token_lifetime: "1" } });
    ok(await res);
    const email = `${uniq("ev")}@example.com`;
    const { token } = ok<{ token: string }>(
      await raw(core, `/${tenantId}/recipe/user/email/verify/token`, { method: "POST", body: { userId: uniq("u"), email } }),
    );
    const created = Date.now();
    await expect.poll(() => Date.now() - created).toBeGreaterThan(5);
    expect(
      ok(await raw(core, `/${tenantId}/recipe/user/email/verify`, { method: "POST", body: { method: "token", token } })),
    ).toStrictEqual({ status: "EMAIL_VERIFICATION_INVALID_TOKEN_ERROR" });
  });
});

describe("factor lists", () => {
  it("firstFactors come back in the Core's own order (a Java HashSet's), required secondary factors as given", async () => {
    const { tenantId, res } = putNew({
      firstFactors: ["thirdparty", "otp-phone", "emailpassword", "otp-email", "link-phone", "link-email", "zz", "a"],
      requiredSecondaryFactors: ["totp", "b", "a"],
    });
    ok(await res);
    const tenant = await getTenant(tenantId);
    expect(tenant.firstFactors).toEqual(["otp-email", "zz", "a", "emailpassword", "link-phone", "link-email", "thirdparty", "otp-phone"]);
    expect(tenant.requiredSecondaryFactors).toEqual(["totp", "b", "a"]);
    const listed = ok<{ tenants: Array<Record<string, unknown>> }>(await raw(core, "/recipe/multitenancy/tenant/list/v2"));
    expect(listed.tenants.find((t) => t.tenantId === tenantId)?.firstFactors).toEqual(tenant.firstFactors);
  });

  it("an empty list of required secondary factors is no list; a factor may hold parentheses or sit in a one-element array", async () => {
    const { tenantId, res } = putNew({ firstFactors: ["a(b)", ["c"]], requiredSecondaryFactors: [] });
    ok(await res);
    const tenant = await getTenant(tenantId);
    expect(tenant.firstFactors).toEqual(["a(b)", "c"]);
    expect(Object.keys(tenant)).not.toContain("requiredSecondaryFactors");
  });

  it("a factor that is not a string is refused", async () => {
    const { res } = putNew({ firstFactors: [1] });
    expectText(await res, 400, "Field name 'firstFactors' is invalid in JSON input\n");
  });
});

describe("the order of listAllTenants", () => {
  it("is the order tenants were last written in: an updated tenant, public included, moves to the end", async () => {
    const listed = async (ids: string[]): Promise<string[]> =>
      ok<{ tenants: Array<{ tenantId: string }> }>(await raw(core, "/recipe/multitenancy/tenant/list/v2"))
        .tenants.map((t) => t.tenantId)
        .filter((t) => ids.includes(t));
    const a = putNew();
    ok(await a.res);
    const b = putNew();
    ok(await b.res);
    const mine = [a.tenantId, b.tenantId, "public"];
    // Writing public with no change at all still rewrites it.
    ok(await put({ tenantId: "public" }));
    expect(await listed(mine)).toEqual([a.tenantId, b.tenantId, "public"]);
    ok(await put({ tenantId: a.tenantId, coreConfig: { password_reset_token_lifetime: 5000 } }));
    expect(await listed(mine)).toEqual([b.tenantId, "public", a.tenantId]);
    // A refused update moves nothing.
    expectText(await put({ tenantId: b.tenantId, coreConfig: { foo: 1 } }), 400, `${invalid("Invalid config key: foo")}\n`);
    expect(await listed(mine)).toEqual([b.tenantId, "public", a.tenantId]);
  });
});

describe("the order of checks of a tenant update", () => {
  it("the target id, then the tenant of the path, then coreConfig, refused keys and factors, then permission", async () => {
    const missing = uniq("nope");
    expectText(await put({ tenantId: "a_b" }, `/${missing}`), 400, "tenantId can only contain letters, numbers and hyphens\n");
    const { tenantId, res } = putNew();
    ok(await res);
    const other = uniq("cfg");
    tenants.add(other);
    expectText(await put({ tenantId: other, coreConfig: 5 }, `/${tenantId}`), 400, "Field name 'coreConfig' is invalid in JSON input\n");
    expectText(
      await put({ tenantId: other, coreConfig: {}, emailPasswordEnabled: true, firstFactors: [1] }, `/${tenantId}`),
      400,
      "emailPasswordEnabled is not a valid input for this API\n",
    );
    expectText(await put({ tenantId: other, firstFactors: ["a b"] }, `/${tenantId}`), 400, "firstFactors should contain only 0-9,a-z,A-Z,_,.,- characters\n");
    expectText(
      await put({ tenantId: other, coreConfig: { foo: 1 } }, `/${tenantId}`),
      403,
      "You must use the public or same tenant to add/update a tenant\n",
    );
  });

  it("a tenant may update public (its config lives in config.yaml, so there is nothing to change)", async () => {
    const { tenantId, res } = putNew();
    ok(await res);
    expect(ok(await put({ tenantId: "public" }, `/${tenantId}`))).toStrictEqual({ status: "OK", createdNew: false });
    expect(ok(await put({}, `/${tenantId}`))).toStrictEqual({ status: "OK", createdNew: false });
  });
});
