/**
 * Every key a tenant's `coreConfig` may name on Core 11.4.7, as its CoreConfig class declares
 * them (in declaration order, which decides which error the Core reports first), with the Java
 * type the value is read as, the default, and how far the key reaches:
 * - "tenant": may differ per tenant (e.g. token lifetimes);
 * - "app": must be the same for every tenant of the app (@NotConflictingInApp);
 * - "yaml": only config.yaml may set it (@ConfigYamlOnly), though its value is still validated.
 * Internal members (logDefault, allowedLogLevels, isNormalizedAndValid) are keys too, because the
 * Core lists valid keys by serializing the whole class. The in-memory storage adds no keys.
 */
import { availableParallelism } from "node:os";

export type JavaType = "int" | "long" | "double" | "boolean" | "String" | "Set";
export type Reach = "tenant" | "app" | "yaml";
export type ConfigValue = number | boolean | string | null;

export interface ConfigKey {
  name: string;
  type: JavaType;
  reach: Reach;
  default: ConfigValue;
}

const key = (name: string, type: JavaType, reach: Reach, value: ConfigValue): ConfigKey => ({ name, type, reach, default: value });

export const CORE_CONFIG_KEYS: readonly ConfigKey[] = [
  key("core_config_version", "int", "tenant", -1),
  key("access_token_validity", "long", "app", 3600),
  key("access_token_blacklisting", "boolean", "app", false),
  key("refresh_token_validity", "double", "app", 60 * 2400),
  key("password_reset_token_lifetime", "long", "tenant", 3_600_000),
  key("email_verification_token_lifetime", "long", "tenant", 24 * 3600 * 1000),
  key("passwordless_max_code_input_attempts", "int", "tenant", 5),
  key("passwordless_code_lifetime", "long", "tenant", 900_000),
  key("totp_max_attempts", "int", "tenant", 5),
  key("totp_rate_limit_cooldown_sec", "int", "tenant", 900),
  key("logDefault", "String", "tenant", "asdkfahbdfk3kjHS"),
  key("info_log_path", "String", "yaml", "asdkfahbdfk3kjHS"),
  key("error_log_path", "String", "yaml", "asdkfahbdfk3kjHS"),
  key("access_token_signing_key_dynamic", "boolean", "app", true),
  key("access_token_dynamic_signing_key_update_interval", "double", "app", 168),
  key("port", "int", "yaml", 3567),
  key("host", "String", "yaml", "localhost"),
  key("max_server_pool_size", "int", "yaml", 10),
  key("api_keys", "String", "app", null),
  key("disable_telemetry", "boolean", "app", false),
  key("password_hashing_alg", "String", "app", "BCRYPT"),
  key("argon2_iterations", "int", "yaml", 1),
  key("argon2_memory_kb", "int", "yaml", 87795),
  key("argon2_parallelism", "int", "yaml", 2),
  key("argon2_hashing_pool_size", "int", "yaml", 1),
  key("firebase_password_hashing_pool_size", "int", "yaml", 1),
  key("bcrypt_log_rounds", "int", "yaml", 11),
  key("webserver_https_enabled", "boolean", "yaml", false),
  key("base_path", "String", "yaml", ""),
  key("log_level", "String", "yaml", "INFO"),
  key("firebase_password_hashing_signer_key", "String", "app", null),
  key("ip_allow_regex", "String", "tenant", null),
  key("ip_deny_regex", "String", "tenant", null),
  key("oauth_provider_public_service_url", "String", "app", null),
  key("oauth_provider_admin_service_url", "String", "app", null),
  key("oauth_provider_consent_login_base_url", "String", "app", null),
  key("oauth_provider_url_configured_in_oauth_provider", "String", "app", null),
  key("oauth_client_secret_encryption_key", "String", "yaml", null),
  key("supertokens_saas_secret", "String", "yaml", null),
  key("supertokens_max_cdi_version", "String", "app", null),
  key("supertokens_saas_load_only_cud", "String", "yaml", null),
  key("saml_legacy_acs_url", "String", "app", null),
  key("saml_sp_entity_id", "String", "tenant", null),
  key("saml_claims_validity", "long", "tenant", 300_000),
  key("saml_relay_state_validity", "long", "tenant", 300_000),
  key("allowedLogLevels", "Set", "tenant", null),
  key("isNormalizedAndValid", "boolean", "tenant", false),
  // The Core's default is the number of processors of the machine it runs on.
  key("bulk_migration_parallelism", "int", "app", availableParallelism()),
  key("bulk_migration_batch_size", "int", "app", 8000),
  key("webauthn_recover_account_token_lifetime", "long", "app", 3_600_000),
  key("otel_collector_connection_uri", "String", "yaml", null),
  key("deadlock_logger_enable", "boolean", "yaml", false),
];

/** Other names a key may be given by (the Core's @JsonAlias). */
export const CORE_CONFIG_ALIASES: ReadonlyMap<string, string> = new Map([
  ["access_token_signing_key_update_interval", "access_token_dynamic_signing_key_update_interval"],
]);

const BY_NAME = new Map(CORE_CONFIG_KEYS.map((k) => [k.name, k]));

/** The key a coreConfig entry sets, through its name or an alias; undefined for an unknown key. */
export function configKey(name: string): ConfigKey | undefined {
  return BY_NAME.get(CORE_CONFIG_ALIASES.get(name) ?? name);
}
