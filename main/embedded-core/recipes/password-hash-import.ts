/**
 * POST /recipe/user/passwordhash/import (Core 11.4.7's ImportUserWithPasswordHashAPI): an
 * EmailPassword user with a password hash from elsewhere (bcrypt, argon2 or Firebase scrypt),
 * so a migrated user keeps the old password. A user of that email in the tenant gets the new
 * hash instead (didUserAlreadyExist). Tenant-scoped; input is checked before the tenant.
 */
import type { Accounts } from "../accounts/accounts.ts";
import { normaliseEmail } from "../accounts/normalize.ts";
import { UnsupportedHashFormat, assertSupportedHashFormat } from "../accounts/password-hashes.ts";
import type { CoreDeps, Route } from "../context.ts";
import { badRequest } from "../http/errors.ts";

const ALGORITHMS = ["BCRYPT", "ARGON2", "FIREBASE_SCRYPT"];

export function passwordHashImportRoute(deps: CoreDeps, accounts: Accounts): Route {
  return {
    method: "POST",
    path: "/recipe/user/passwordhash/import",
    scope: "tenant",
    checksInHandler: true,
    handler: ({ tenantId, body, tenant }) => {
      const email = normaliseEmail(body.string("email"));
      const passwordHash = body.string("passwordHash").trim();
      const rawAlgorithm = body.optString("hashingAlgorithm");
      if (passwordHash === "") throw badRequest("Password hash cannot be an empty string");
      let algorithm: string | undefined;
      if (rawAlgorithm !== undefined) {
        algorithm = rawAlgorithm.trim().toUpperCase();
        if (algorithm === "") throw badRequest("Hashing Algorithm cannot be an empty string");
        if (!ALGORITHMS.includes(algorithm)) throw badRequest("Unsupported password hashing algorithm");
      }
      tenant();
      try {
        assertSupportedHashFormat(passwordHash, algorithm, deps.settings.firebasePasswordHashingSignerKey);
      } catch (err) {
        if (err instanceof UnsupportedHashFormat) throw badRequest(err.message);
        throw err;
      }
      const existing = accounts.findInTenant(tenantId, "emailpassword", { email });
      if (existing) {
        accounts.setPasswordHash(existing.user_id, passwordHash);
        return { status: "OK", user: accounts.toCoreUser(existing), didUserAlreadyExist: true };
      }
      const row = accounts.create(tenantId, "emailpassword", { email, passwordHash });
      return { status: "OK", user: accounts.toCoreUser(row), didUserAlreadyExist: false };
    },
  };
}
