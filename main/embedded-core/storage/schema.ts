/**
 * The embedded core's SQLite schema, step 1 (later steps: migrations.ts). One table per Core
 * concept; ids are stored as the Core stores them (SuperTokens user ids for auth data, the id the
 * caller used for metadata, roles and sessions, which is the external id once a user-id mapping
 * exists).
 */

export const SCHEMA = `
CREATE TABLE IF NOT EXISTS core_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);

CREATE TABLE IF NOT EXISTS tenants (
  tenant_id TEXT PRIMARY KEY,
  config TEXT NOT NULL,
  created_at INTEGER NOT NULL
);

-- One row per (SuperTokens) user: the embedded core keeps one login method per user (no account linking).
CREATE TABLE IF NOT EXISTS users (
  user_id TEXT PRIMARY KEY,
  recipe_id TEXT NOT NULL,
  time_joined INTEGER NOT NULL,
  email TEXT,
  phone_number TEXT,
  password_hash TEXT
);

-- Tenant membership, with the account info denormalized so listing, search and uniqueness
-- checks are index look-ups per tenant.
CREATE TABLE IF NOT EXISTS user_tenants (
  tenant_id TEXT NOT NULL,
  user_id TEXT NOT NULL REFERENCES users(user_id) ON DELETE CASCADE,
  recipe_id TEXT NOT NULL,
  time_joined INTEGER NOT NULL,
  email TEXT,
  -- what follows the "@", so a domain search ("gmail") is an index range scan too
  email_domain TEXT,
  phone_number TEXT,
  PRIMARY KEY (tenant_id, user_id)
);
-- Listing orders by time_joined and breaks ties by user id descending in both directions (as the
-- Core does): one index per direction lets either order read pages straight off an index.
CREATE INDEX IF NOT EXISTS user_tenants_by_time ON user_tenants (tenant_id, time_joined, user_id);
CREATE INDEX IF NOT EXISTS user_tenants_by_time_asc ON user_tenants (tenant_id, time_joined, user_id DESC);
CREATE INDEX IF NOT EXISTS user_tenants_by_email ON user_tenants (tenant_id, email);
CREATE INDEX IF NOT EXISTS user_tenants_by_email_domain ON user_tenants (tenant_id, email_domain);
CREATE INDEX IF NOT EXISTS user_tenants_by_phone ON user_tenants (tenant_id, phone_number);
CREATE INDEX IF NOT EXISTS user_tenants_by_user ON user_tenants (user_id);
CREATE INDEX IF NOT EXISTS users_by_time ON users (time_joined, user_id);

CREATE TABLE IF NOT EXISTS userid_mapping (
  supertokens_user_id TEXT NOT NULL UNIQUE REFERENCES users(user_id) ON DELETE CASCADE,
  external_user_id TEXT NOT NULL UNIQUE,
  external_user_id_info TEXT
);

CREATE TABLE IF NOT EXISTS user_metadata (
  user_id TEXT PRIMARY KEY,
  metadata TEXT NOT NULL,
  updated_at INTEGER NOT NULL
);

CREATE TABLE IF NOT EXISTS roles (role TEXT PRIMARY KEY);
CREATE TABLE IF NOT EXISTS role_permissions (
  role TEXT NOT NULL REFERENCES roles(role) ON DELETE CASCADE,
  permission TEXT NOT NULL,
  PRIMARY KEY (role, permission)
);
CREATE INDEX IF NOT EXISTS role_permissions_by_permission ON role_permissions (permission);
CREATE TABLE IF NOT EXISTS user_roles (
  tenant_id TEXT NOT NULL,
  user_id TEXT NOT NULL,
  role TEXT NOT NULL REFERENCES roles(role) ON DELETE CASCADE,
  PRIMARY KEY (tenant_id, user_id, role)
);
CREATE INDEX IF NOT EXISTS user_roles_by_role ON user_roles (tenant_id, role);
CREATE INDEX IF NOT EXISTS user_roles_by_user ON user_roles (user_id);

CREATE TABLE IF NOT EXISTS email_verified (
  user_id TEXT NOT NULL,
  email TEXT NOT NULL,
  PRIMARY KEY (user_id, email)
);
CREATE TABLE IF NOT EXISTS email_verification_tokens (
  token_hash TEXT PRIMARY KEY,
  tenant_id TEXT NOT NULL,
  user_id TEXT NOT NULL,
  email TEXT NOT NULL,
  expires_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS ev_tokens_by_user ON email_verification_tokens (user_id, email);

CREATE TABLE IF NOT EXISTS password_reset_tokens (
  token_hash TEXT PRIMARY KEY,
  tenant_id TEXT NOT NULL,
  user_id TEXT NOT NULL REFERENCES users(user_id) ON DELETE CASCADE,
  email TEXT,
  expires_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS pw_tokens_by_user ON password_reset_tokens (user_id);

CREATE TABLE IF NOT EXISTS passwordless_devices (
  device_id_hash TEXT PRIMARY KEY,
  tenant_id TEXT NOT NULL,
  email TEXT,
  phone_number TEXT,
  link_code_salt TEXT NOT NULL,
  failed_attempts INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS pless_devices_by_email ON passwordless_devices (tenant_id, email);
CREATE INDEX IF NOT EXISTS pless_devices_by_phone ON passwordless_devices (tenant_id, phone_number);
CREATE TABLE IF NOT EXISTS passwordless_codes (
  code_id TEXT PRIMARY KEY,
  device_id_hash TEXT NOT NULL REFERENCES passwordless_devices(device_id_hash) ON DELETE CASCADE,
  link_code_hash TEXT NOT NULL UNIQUE,
  user_input_code TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  UNIQUE (device_id_hash, user_input_code)
);

CREATE TABLE IF NOT EXISTS sessions (
  handle TEXT PRIMARY KEY,
  tenant_id TEXT NOT NULL,
  user_id TEXT NOT NULL,
  recipe_user_id TEXT NOT NULL,
  refresh_token_hash2 TEXT NOT NULL,
  session_data TEXT NOT NULL,
  jwt_payload TEXT NOT NULL,
  anti_csrf_token TEXT,
  use_static_key INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS sessions_by_user ON sessions (user_id);

-- Refresh tokens handed out, so a presented token can be traced to its session and parent
-- (the real Core encrypts this information into the token itself).
CREATE TABLE IF NOT EXISTS refresh_tokens (
  token_hash1 TEXT PRIMARY KEY,
  session_handle TEXT NOT NULL REFERENCES sessions(handle) ON DELETE CASCADE,
  parent_token_hash1 TEXT
);
CREATE INDEX IF NOT EXISTS refresh_tokens_by_session ON refresh_tokens (session_handle);

CREATE TABLE IF NOT EXISTS signing_keys (
  kid TEXT PRIMARY KEY,
  kind TEXT NOT NULL,
  private_pem TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
`;
