/**
 * EmailPassword: sign up, sign in, password reset tokens, and email/password updates. Reset
 * tokens belong to the app, not to the tenant they were made through (any tenant consumes them).
 * Input is checked before the tenant in the path (see Route.checksInHandler).
 */
import { randomBytes } from "node:crypto";
import type { Accounts, UserRow } from "../accounts/accounts.ts";
import { normaliseEmail } from "../accounts/normalize.ts";
import { recipesUsingId } from "../accounts/user-data.ts";
import type { CoreDeps, Route } from "../context.ts";
import { verifyStoredPassword } from "../accounts/password-hashes.ts";
import { hashPassword, sha256Hex } from "../crypto.ts";
import { badRequest } from "../http/errors.ts";
import type { Body } from "../http/input.ts";
import { markEmailVerified } from "./emailverification.ts";
import type { Tenants } from "./multitenancy.ts";

/** Sign-ups with these placeholder addresses are verified at once, as in the Core. */
const FAKE_EMAIL = /(@stfakeemail\.supertokens\.com|\.fakeemail\.com)$/;

/** The Core's reset-token shape: base64 of 96 hex characters, with "=", "/" and "+" dropped. */
const resetToken = (): string => Buffer.from(randomBytes(48).toString("hex")).toString("base64").replace(/[=/+]/g, "");

export function emailPasswordRoutes(deps: CoreDeps, accounts: Accounts, tenants: Tenants): Route[] {
  const { db } = deps;

  const signedIn = (row: UserRow) => {
    const user = accounts.toCoreUser(row);
    return { status: "OK", user, recipeUserId: user.id };
  };

  return [
    {
      method: "POST",
      path: "/recipe/signup",
      scope: "tenant",
      checksInHandler: true,
      handler: ({ tenantId, body, tenant }) => {
        const email = normaliseEmail(body.string("email"));
        const password = body.string("password");
        if (password === "") throw badRequest("Password cannot be an empty string");
        tenant();
        if (accounts.findInTenant(tenantId, "emailpassword", { email })) return { status: "EMAIL_ALREADY_EXISTS_ERROR" };
        const row = accounts.create(tenantId, "emailpassword", { email, passwordHash: hashPassword(password) });
        if (FAKE_EMAIL.test(email)) markEmailVerified(deps, row.user_id, email);
        return signedIn(row);
      },
    },
    {
      method: "POST",
      path: "/recipe/signin",
      scope: "tenant",
      checksInHandler: true,
      handler: ({ tenantId, body, tenant }) => {
        const email = normaliseEmail(body.string("email"));
        const password = body.string("password");
        tenant();
        const row = accounts.findInTenant(tenantId, "emailpassword", { email });
        if (!row || row.password_hash === null || !verifyStoredPassword(password, row.password_hash, deps.settings.firebasePasswordHashingSignerKey)) {
          return { status: "WRONG_CREDENTIALS_ERROR" };
        }
        return signedIn(row);
      },
    },
    {
      method: "POST",
      path: "/recipe/user/password/reset/token",
      scope: "tenant",
      checksInHandler: true,
      handler: ({ tenantId, body, tenant }) => {
        const userId = body.string("userId");
        tenant();
        // The Core first finds the id's storage: an id with neither a user nor data of another
        // recipe is unknown at once; an id with only such data goes on to the email (so a bad email
        // is a 400 there) and is unknown after. It checks neither the user's recipe nor that the
        // email is its own, keeps the email as given (not normalized), and the token returns it so.
        const found = accounts.resolve(userId);
        if (!found && recipesUsingId(db, userId, deps.now()).length === 0) return { status: "UNKNOWN_USER_ID_ERROR" };
        const email = body.string("email");
        if (!found) return { status: "UNKNOWN_USER_ID_ERROR" };
        const token = resetToken();
        db.prepare("INSERT INTO password_reset_tokens (token_hash, tenant_id, user_id, email, expires_at) VALUES (?, ?, ?, ?, ?)").run(
          sha256Hex(token),
          tenantId,
          found.row.user_id,
          email,
          deps.now() + tenants.settings(tenantId).passwordResetTokenLifetimeMs,
        );
        return { status: "OK", token };
      },
    },
    {
      method: "POST",
      path: "/recipe/user/password/reset/token/consume",
      scope: "tenant",
      checksInHandler: true,
      handler: ({ body, tenant }) => {
        const token = body.string("token");
        tenant();
        // The token's lifetime came from the tenant it was made through; any tenant may consume it.
        const row = db
          .prepare("SELECT user_id, email, expires_at FROM password_reset_tokens WHERE token_hash = ?")
          .get(sha256Hex(token)) as { user_id: string; email: string | null; expires_at: number } | undefined;
        if (!row) return { status: "RESET_PASSWORD_INVALID_TOKEN_ERROR" };
        // Using a token ends every token of that user, even when it turns out to be expired.
        db.prepare("DELETE FROM password_reset_tokens WHERE user_id = ?").run(row.user_id);
        if (row.expires_at < deps.now()) return { status: "RESET_PASSWORD_INVALID_TOKEN_ERROR" };
        const userId = accounts.externalIdOf(row.user_id) ?? row.user_id;
        return { status: "OK", userId, email: row.email ?? accounts.row(row.user_id)?.email ?? "" };
      },
    },
  ];
}

/** PUT /recipe/user for EmailPassword: change email and/or password (the SDK applies the password policy). */
export function updateEmailPasswordUser(accounts: Accounts, row: UserRow | undefined, body: Body): { status: string } {
  const emailRaw = body.optString("email");
  const password = body.optString("password");
  if (emailRaw === undefined && password === undefined) throw badRequest("You have to provide either email or password.");
  if (!row || row.recipe_id !== "emailpassword") return { status: "UNKNOWN_USER_ID_ERROR" };
  if (emailRaw !== undefined) {
    const email = normaliseEmail(emailRaw);
    if (accounts.takenInTenants(accounts.tenantsOf(row.user_id), "emailpassword", { email }, row.user_id)) {
      return { status: "EMAIL_ALREADY_EXISTS_ERROR" };
    }
    accounts.setAccountInfo(row.user_id, { email, phoneNumber: row.phone_number });
  }
  if (password !== undefined) accounts.setPasswordHash(row.user_id, hashPassword(password));
  return { status: "OK" };
}
