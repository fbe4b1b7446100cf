import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

/** A fresh browser-mode session token: 32 random bytes, URL-safe. */
export function createSessionToken(): string {
  return randomBytes(32).toString("base64url");
}

/**
 * Constant-time comparison. Both sides are hashed first so the comparison does not leak the
 * token's length either (timingSafeEqual itself requires equal lengths).
 */
export function tokenMatches(expected: string, presented: string | undefined | null): boolean {
  if (typeof presented !== "string" || presented === "") return false;
  const digest = (value: string) => createHash("sha256").update(value, "utf8").digest();
  return timingSafeEqual(digest(expected), digest(presented));
}

/** The token of an `Authorization: Bearer <token>` header, or undefined. */
export function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer ([^\s]+)$/i.exec(header ?? "");
  return match?.[1];
}
