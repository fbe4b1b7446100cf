/**
 * EmailVerification: whether a (user id, email) pair is verified, and tokens that verify it.
 * Ids are kept as given and any string works, as in the Core (the SDK sends the external id of
 * a mapped user). Tokens are per tenant (one tried in another tenant is refused there and
 * stays usable in its own); the verified flag is app-wide. Input is checked before the tenant in
 * the path (see Route.checksInHandler).
 */
import { randomBytes } from "node:crypto";
import { normaliseEmail } from "../accounts/normalize.ts";
import type { CoreDeps, Route } from "../context.ts";
import { sha256Hex } from "../crypto.ts";
import { badRequest } from "../http/errors.ts";
import type { Tenants } from "./multitenancy.ts";

/** Marks an email verified for a user id (also used by Passwordless sign-in and fake-email sign-ups). */
export function markEmailVerified(deps: CoreDeps, userId: string, email: string): void {
  deps.db.prepare("INSERT OR IGNORE INTO email_verified (user_id, email) VALUES (?, ?)").run(userId, email);
}

export function emailVerificationRoutes(deps: CoreDeps, tenants: Tenants): Route[] {
  const { db } = deps;
  const isVerified = (userId: string, email: string): boolean =>
    !!db.prepare("SELECT 1 FROM email_verified WHERE user_id = ? AND email = ?").get(userId, email);

  return [
    {
      method: "POST",
      path: "/recipe/user/email/verify/token",
      scope: "tenant",
      checksInHandler: true,
      handler: ({ tenantId, body, tenant }) => {
        const userId = body.string("userId");
        const email = normaliseEmail(body.string("email"));
        tenant();
        if (isVerified(userId, email)) return { status: "EMAIL_ALREADY_VERIFIED_ERROR" };
        // The Core's format: base64url of the hex of 48 random bytes (128 characters, no padding needed).
        const token = Buffer.from(randomBytes(48).toString("hex")).toString("base64url");
        db.prepare(
          "INSERT INTO email_verification_tokens (token_hash, tenant_id, user_id, email, expires_at) VALUES (?, ?, ?, ?, ?)",
        ).run(sha256Hex(token), tenantId, userId, email, deps.now() + tenants.settings(tenantId).emailVerificationTokenLifetimeMs);
        return { status: "OK", token };
      },
    },
    {
      method: "POST",
      path: "/recipe/user/email/verify",
      scope: "tenant",
      checksInHandler: true,
      handler: ({ tenantId, body, tenant }) => {
        const method = body.string("method");
        const token = body.string("token");
        if (method !== "token") throw badRequest("Unsupported method for email verification");
        tenant();
        const row = db
          .prepare("SELECT user_id, email, expires_at FROM email_verification_tokens WHERE token_hash = ? AND tenant_id = ?")
          .get(sha256Hex(token), tenantId) as { user_id: string; email: string; expires_at: number } | undefined;
        if (!row) return { status: "EMAIL_VERIFICATION_INVALID_TOKEN_ERROR" };
        db.prepare("DELETE FROM email_verification_tokens WHERE tenant_id = ? AND user_id = ? AND email = ?").run(
          tenantId,
          row.user_id,
          row.email,
        );
        if (row.expires_at < deps.now()) return { status: "EMAIL_VERIFICATION_INVALID_TOKEN_ERROR" };
        markEmailVerified(deps, row.user_id, row.email);
        return { status: "OK", userId: row.user_id, email: row.email };
      },
    },
    {
      method: "GET",
      path: "/recipe/user/email/verify",
      scope: "app",
      checksInHandler: true,
      handler: ({ query, app, appStorages }) => {
        // The Core does not normalise the email here (an upper-case address reads as unverified).
        const userId = query.string("userId");
        const email = query.string("email");
        app();
        appStorages();
        return { status: "OK", isVerified: isVerified(userId, email) };
      },
    },
    {
      method: "POST",
      path: "/recipe/user/email/verify/remove",
      scope: "app",
      checksInHandler: true,
      handler: ({ body, app, appStorages }) => {
        const userId = body.string("userId");
        const email = normaliseEmail(body.string("email"));
        app();
        appStorages();
        db.prepare("DELETE FROM email_verified WHERE user_id = ? AND email = ?").run(userId, email);
        return { status: "OK" };
      },
    },
    {
      method: "POST",
      path: "/recipe/user/email/verify/token/remove",
      scope: "tenant",
      checksInHandler: true,
      handler: ({ tenantId, body, tenant }) => {
        const userId = body.string("userId");
        const email = normaliseEmail(body.string("email"));
        tenant();
        db.prepare("DELETE FROM email_verification_tokens WHERE tenant_id = ? AND user_id = ? AND email = ?").run(tenantId, userId, email);
        return { status: "OK" };
      },
    },
  ];
}
