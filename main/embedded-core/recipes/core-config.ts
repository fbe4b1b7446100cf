/**
 * A tenant's `coreConfig` as Core 11.4.7 reads and checks it before storing it: the tenant's
 * entries come first and the base config (config.yaml; here the embedded core's own options)
 * fills in the rest; each value is read as its key's Java type, the result is validated like the
 * Core's config.yaml, app-level keys must equal the base, and config.yaml-only keys are refused.
 * The keys themselves are listed in core-config-keys.ts.
 */
import { CoreHttpError, badRequest } from "../http/errors.ts";
import type { JsonObject } from "../http/input.ts";
import { CDI_VERSIONS } from "../version.ts";
import { CORE_CONFIG_KEYS, configKey, type ConfigKey, type ConfigValue } from "./core-config-keys.ts";

export type ConfigValues = Record<string, ConfigValue>;

/** The Core's InvalidConfigException: the API answers 400 "Invalid core config: <message>". */
class InvalidConfig extends Error {}

/** A Java runtime exception the Core does not catch: 500 with the exception's text. */
const javaFailure = (text: string): CoreHttpError => new CoreHttpError(500, text);

/** Gson reads a one-element array as its element; any other array or an object fails. */
function single(v: unknown): unknown {
  if (Array.isArray(v)) {
    if (v.length !== 1) throw javaFailure(`java.lang.IllegalStateException: Array must have size 1, but has size ${v.length}`);
    return single(v[0]);
  }
  if (v === null) throw javaFailure("java.lang.UnsupportedOperationException: JsonNull");
  if (typeof v === "object") throw javaFailure("java.lang.UnsupportedOperationException: JsonObject");
  return v;
}

/** Java's String.trim: drops characters up to U+0020 at both ends. */
function javaTrim(s: string): string {
  let start = 0;
  let end = s.length;
  while (start < end && s.charCodeAt(start) <= 0x20) start++;
  while (end > start && s.charCodeAt(end - 1) <= 0x20) end--;
  return s.slice(start, end);
}

/** Java's Double.parseDouble (without hexadecimal floats). */
function parseJavaDouble(text: string): number | undefined {
  const s = javaTrim(text);
  const m = /^([+-]?(?:NaN|Infinity|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?))[fFdD]?$/.exec(s);
  return m?.[1] !== undefined ? Number(m[1]) : undefined;
}

const asDouble = (v: unknown): number | undefined =>
  typeof v === "number" ? v : typeof v === "string" ? parseJavaDouble(v) : undefined;

/** A whole number as Java's int or long reads it (Integer.parseInt for text), or undefined. */
function asWhole(v: unknown, bits: 32 | 64): number | undefined {
  const limit = 2n ** BigInt(bits - 1);
  if (typeof v === "number") {
    if (!Number.isInteger(v)) return undefined;
    const big = BigInt(v);
    return big >= -limit && big < limit ? v + 0 : undefined;
  }
  if (typeof v === "string" && /^[+-]?\d+$/.test(v)) {
    const big = BigInt(v);
    return big >= -limit && big < limit ? Number(big) : undefined;
  }
  return undefined;
}

/** One value read as its key's type (the Core's ConfigMapper); undefined keeps the default. */
function readValue(key: ConfigKey, raw: unknown): ConfigValue | undefined {
  if (raw === null) return key.type === "String" || key.type === "Set" ? null : undefined;
  const wrong = new InvalidConfig(`'${key.name}' must be of type ${key.type}`);
  switch (key.type) {
    case "boolean": {
      if (typeof raw === "boolean") return raw;
      const s = typeof raw === "string" ? raw.toLowerCase() : undefined;
      if (s === "true" || s === "false") return s === "true";
      throw wrong;
    }
    case "Set":
      throw wrong;
    case "String": {
      const v = single(raw);
      return typeof v === "string" ? v : String(v);
    }
    case "double": {
      const d = asDouble(single(raw));
      if (d === undefined) throw wrong;
      return d;
    }
    case "int":
    case "long": {
      const v = single(raw);
      const d = asDouble(v);
      const n = asWhole(v, key.type === "int" ? 32 : 64);
      if (d === undefined || n === undefined || n !== d) throw wrong;
      return n;
    }
  }
}

/**
 * A config's entries read over the defaults, in the order given (a later entry wins). Leniently,
 * an entry that does not read keeps the value before it instead of failing.
 */
export function readConfig(json: JsonObject, lenient = false): ConfigValues {
  const values: ConfigValues = Object.fromEntries(CORE_CONFIG_KEYS.map((k) => [k.name, k.default]));
  for (const [name, raw] of Object.entries(json)) {
    const key = configKey(name);
    if (!key) continue;
    try {
      const value = readValue(key, raw);
      if (value !== undefined) values[key.name] = value;
    } catch (err) {
      if (!lenient) throw err;
    }
  }
  return values;
}

const num = (v: ConfigValues, name: string): number => v[name] as number;
const str = (v: ConfigValues, name: string): string | null => v[name] as string | null;

const npe = (field: string): CoreHttpError =>
  javaFailure(`java.lang.NullPointerException: Cannot invoke "String.equalsIgnoreCase(String)" because "this.${field}" is null`);

/** Java's String.split(","): trailing empty strings are dropped (but "" gives [""]). */
function javaSplitComma(s: string): string[] {
  const parts = s.split(",");
  if (s === "") return parts;
  while (parts.length > 0 && parts[parts.length - 1] === "") parts.pop();
  return parts;
}

const KEY_CHARS = /^[=\-0-9a-zA-Z]*$/;
const LOG_LEVELS = ["info", "none", "error", "warn", "debug"];

/** Escapes Java's regex syntax knows; any other letter after a backslash is an error there. */
const JAVA_ESCAPE_LETTERS = new Set("tnrfaecxudDsSwWbBAGZzQEhHvVRXNpPk".split(""));

/**
 * Whether Java's Pattern.compile takes the regex. JavaScript's parser is the base; on top, Java
 * refuses a "{" that starts no quantifier and an unknown letter escape, which JavaScript reads
 * literally. (Java-only syntax such as possessive quantifiers is not modelled.)
 */
function compilesAsJavaRegex(pattern: string): boolean {
  try {
    new RegExp(pattern);
  } catch {
    return false;
  }
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === "\\") {
      const next = pattern[i + 1] ?? "";
      if (/[a-zA-Z]/.test(next) && !JAVA_ESCAPE_LETTERS.has(next)) return false;
      i++;
    } else if (c === "[") inClass = true;
    else if (c === "]") inClass = false;
    else if (c === "{" && !inClass && !/^\{\d+(,\d*)?\}/.test(pattern.slice(i))) return false;
  }
  return true;
}

/** Whether java.net.URL takes the text (the protocols a JDK has handlers for). */
function isJavaUrl(text: string): boolean {
  const spec = javaTrim(text).replace(/^url:/i, "");
  const protocol = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(spec)?.[1]?.toLowerCase();
  if (protocol === "jar") return spec.includes("!/");
  return protocol !== undefined && ["http", "https", "ftp", "file", "mailto", "jrt"].includes(protocol);
}

/** The Core's check of a connection URI domain (a host name or IPv4 address, with an optional port). */
function isConnectionUriDomain(text: string): boolean {
  const s = javaTrim(text).toLowerCase();
  const octet = "([0-9]|[1-9][0-9]|1[0-9]{2}|2[0-4][0-9]|25[0-5])";
  return s !== "" && (/^[a-z0-9-]+(\.[a-z0-9-]+)*(:[0-9]+)?$/.test(s) || new RegExp(`^(${octet}\\.){3}${octet}(:[0-9]+)?$`).test(s));
}

/** The Core's CoreConfig.normalizeAndValidate (for a Core not running its own unit tests), in its order. */
function normalizeAndValidate(input: ConfigValues): ConfigValues {
  const v = { ...input };
  const fail = (message: string): never => {
    throw new InvalidConfig(message);
  };
  if (num(v, "core_config_version") === -1) {
    fail("'core_config_version' is not set in the config.yaml file. Please redownload and install SuperTokens");
  }
  const access = num(v, "access_token_validity");
  if (access < 1 || access > 86_400_000) fail("'access_token_validity' must be between 1 and 86400000 seconds inclusive.");
  if (num(v, "refresh_token_validity") * 60 <= access) fail("'refresh_token_validity' must be strictly greater than 'access_token_validity'.");
  if (num(v, "access_token_dynamic_signing_key_update_interval") < 1) {
    fail("'access_token_dynamic_signing_key_update_interval' must be greater than, equal to 1 hour.");
  }
  if (num(v, "password_reset_token_lifetime") <= 0) fail("'password_reset_token_lifetime' must be >= 0");
  if (num(v, "email_verification_token_lifetime") <= 0) fail("'email_verification_token_lifetime' must be >= 0");
  if (num(v, "passwordless_code_lifetime") <= 0) fail("'passwordless_code_lifetime' must be > 0");
  if (num(v, "passwordless_max_code_input_attempts") <= 0) fail("'passwordless_max_code_input_attempts' must be > 0");
  if (num(v, "totp_max_attempts") <= 0) fail("'totp_max_attempts' must be > 0");
  if (num(v, "totp_rate_limit_cooldown_sec") <= 0) fail("'totp_rate_limit_cooldown_sec' must be > 0");
  if (num(v, "max_server_pool_size") <= 0) fail("'max_server_pool_size' must be >= 1.");

  const apiKeys = str(v, "api_keys");
  if (apiKeys !== null) {
    for (const k of javaSplitComma(apiKeys).map(javaTrim)) {
      if (k.length < 20) fail("One of the API keys is too short. Please use at least 20 characters");
      if (!KEY_CHARS.test(k)) fail("Invalid characters in API key. Please only use '=', '-' and alpha-numeric (including capitals)");
    }
  }
  const saasSecret = str(v, "supertokens_saas_secret");
  if (saasSecret !== null) {
    if (apiKeys === null) fail("supertokens_saas_secret can only be used when api_key is also defined");
    if (saasSecret.length < 40) fail("supertokens_saas_secret is too short. Please use at least 40 characters");
    if (!KEY_CHARS.test(saasSecret)) {
      fail("Invalid characters in supertokens_saas_secret key. Please only use '=', '-' and alpha-numeric (including capitals)");
    }
  }

  const alg = str(v, "password_hashing_alg");
  if (alg === null) throw npe("password_hashing_alg");
  if (!["argon2", "bcrypt"].includes(alg.toLowerCase())) fail("'password_hashing_alg' must be one of 'ARGON2' or 'BCRYPT'");
  if (alg.toLowerCase() === "argon2") {
    for (const name of ["argon2_iterations", "argon2_parallelism", "argon2_memory_kb", "argon2_hashing_pool_size"]) {
      if (num(v, name) <= 0) fail(`'${name}' must be >= 1`);
    }
    if (num(v, "argon2_hashing_pool_size") > num(v, "max_server_pool_size")) {
      fail("'argon2_hashing_pool_size' must be <= 'max_server_pool_size'");
    }
  } else if (num(v, "bcrypt_log_rounds") <= 0) {
    fail("'bcrypt_log_rounds' must be >= 1");
  }

  const basePath = str(v, "base_path");
  if (basePath !== null && basePath !== "" && basePath !== "/" && basePath.includes(" ")) fail("Invalid characters in base_path config");
  const logLevel = str(v, "log_level");
  if (logLevel === null) throw npe("log_level");
  if (!LOG_LEVELS.includes(logLevel.toLowerCase())) {
    fail(`'log_level' config must be one of "NONE","DEBUG", "INFO", "WARN" or "ERROR".`);
  }
  for (const name of ["ip_allow_regex", "ip_deny_regex"]) {
    const regex = str(v, name);
    if (regex && !compilesAsJavaRegex(regex)) fail(`Provided regular expression is invalid for ${name} config`);
  }
  const maxCdi = str(v, "supertokens_max_cdi_version");
  if (maxCdi !== null) {
    if (!/^[0-9]+(\.[0-9]+)*$/.test(maxCdi)) fail("supertokens_max_cdi_version is not a valid semantic version");
    if (!CDI_VERSIONS.includes(maxCdi)) fail("supertokens_max_cdi_version is not a supported version");
  }
  if (num(v, "bulk_migration_parallelism") < 1) fail("Provided bulk_migration_parallelism must be >= 1");
  if (num(v, "bulk_migration_batch_size") < 1) fail("Provided bulk_migration_batch_size must be >= 1");
  if (num(v, "webauthn_recover_account_token_lifetime") <= 0) fail("Provided webauthn_recover_account_token_lifetime must be > 0");

  // What the Core normalizes before comparing tenants of an app.
  v.saml_sp_entity_id ??= "https://saml.supertokens.com";
  for (const name of ["ip_allow_regex", "ip_deny_regex"]) {
    const regex = str(v, name);
    if (regex !== null) v[name] = javaTrim(regex) === "" ? null : javaTrim(regex);
  }
  v.log_level = javaTrim(logLevel).toUpperCase();
  if (apiKeys !== null) v.api_keys = javaSplitComma(javaTrim(apiKeys).replace(/\s/g, "")).sort().join(",");
  if (saasSecret !== null) v.supertokens_saas_secret = javaTrim(saasSecret);
  const cud = str(v, "supertokens_saas_load_only_cud");
  if (cud !== null && !isConnectionUriDomain(cud)) fail("supertokens_saas_load_only_cud is invalid");
  for (const name of ["oauth_provider_public_service_url", "oauth_provider_admin_service_url", "oauth_provider_consent_login_base_url"]) {
    const url = str(v, name);
    if (url !== null && !isJavaUrl(url)) fail(`${name} is not a valid URL`);
  }
  const configuredUrl = str(v, "oauth_provider_url_configured_in_oauth_provider");
  if (configuredUrl === null) v.oauth_provider_url_configured_in_oauth_provider = v.oauth_provider_public_service_url ?? null;
  else if (!isJavaUrl(configuredUrl)) fail("oauth_provider_url_configured_in_oauth_provider is not a valid URL");
  const together = ["oauth_provider_public_service_url", "oauth_provider_admin_service_url", "oauth_provider_consent_login_base_url"];
  const set = together.filter((name) => v[name] !== null).length;
  if (set > 0 && set < together.length) {
    fail(`If any of the following is set, all of them has to be set: ${together.join(", ")}`);
  }
  return v;
}

/** Read and checked as the Core does for one tenant (or config.yaml); skipped when the config says it already was. */
function readAndValidate(json: JsonObject): ConfigValues {
  const values = readConfig(json);
  return values.isNormalizedAndValid === true ? values : normalizeAndValidate(values);
}

/** Java's Objects.equals on the boxed values (Double.equals: NaN equals NaN, 0.0 is not -0.0). */
const sameValue = (a: ConfigValue, b: ConfigValue): boolean => Object.is(a, b);

/** The base config (config.yaml), read and validated once. */
export class BaseConfig {
  readonly values: ConfigValues;

  constructor(readonly json: JsonObject) {
    this.values = readAndValidate(json);
  }

  /** A tenant's config over the base: the tenant's entries first, then the base's others. */
  merged(tenantConfig: JsonObject): JsonObject {
    const entries = new Map(Object.entries(tenantConfig));
    for (const [name, value] of Object.entries(this.json)) if (!entries.has(name)) entries.set(name, value);
    return Object.fromEntries(entries);
  }

  /**
   * The values a tenant works with. Its stored config was checked when it was saved, except in a
   * database written before the embedded core checked configs: there, what does not read is skipped.
   */
  tenantValues(tenantConfig: JsonObject): ConfigValues {
    return readConfig(this.merged(tenantConfig), true);
  }

  /**
   * Throws the Core's answer to storing this coreConfig (already merged with the tenant's
   * previous one) for the tenant: 400 "Cannot modify base config" for any entry on public,
   * 400 "Invalid core config: …" for an unknown key, a value of the wrong type, an invalid value,
   * an app-level value that differs from the base, or a config.yaml-only key; 500 where the
   * Core's own code fails on the value.
   */
  check(tenantId: string, coreConfig: JsonObject): void {
    if (tenantId === "public") {
      if (Object.keys(coreConfig).length > 0) throw badRequest("Cannot modify base config");
      return;
    }
    try {
      for (const name of Object.keys(coreConfig)) if (!configKey(name)) throw new InvalidConfig(`Invalid config key: ${name}`);
      const values = readAndValidate(this.merged(coreConfig));
      for (const key of CORE_CONFIG_KEYS) {
        if (key.reach === "app" && !sameValue(values[key.name] ?? null, this.values[key.name] ?? null)) {
          throw new InvalidConfig(`You cannot set different values for ${key.name} for the same appId`);
        }
      }
      for (const key of CORE_CONFIG_KEYS) {
        if (key.reach === "yaml" && Object.hasOwn(coreConfig, key.name)) {
          throw new InvalidConfig(`${key.name} can only be set via the core's base config setting`);
        }
      }
    } catch (err) {
      if (err instanceof InvalidConfig) throw badRequest(`Invalid core config: ${err.message}`);
      throw err;
    }
  }
}

/**
 * A coreConfig update applied over the stored one, as the Core merges them: a key keeps its
 * place when its value changes, a new key goes last, null removes a key that is there and is
 * stored as null when it is not.
 */
export function mergeCoreConfig(stored: JsonObject, update: JsonObject): JsonObject {
  const entries = new Map(Object.entries(stored));
  for (const [name, value] of Object.entries(update)) {
    if (value === null && entries.has(name)) entries.delete(name);
    else entries.set(name, value);
  }
  return Object.fromEntries(entries);
}
