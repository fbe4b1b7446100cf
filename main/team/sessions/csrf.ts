/**
 * The CSRF token of a session: an HMAC of the session token, so it is bound to that one session
 * and needs no storage (a synchronizer token derived, not kept). The page gets it in the answer to
 * sign-in and to GET /api/team/session and sends it back in the X-CSRF-Token header; a page on
 * another origin can read neither, and the httpOnly cookie alone is refused.
 */
import { createHmac } from "node:crypto";
import { TeamError } from "../errors.ts";
import { sameSecret } from "../tokens.ts";

export const CSRF_HEADER = "x-csrf-token";

export function csrfTokenFor(sessionToken: string): string {
  return createHmac("sha256", sessionToken).update("gatehouse csrf v1").digest("base64url");
}

export function checkCsrf(sessionToken: string, presented: unknown): void {
  if (typeof presented !== "string" || presented === "") {
    throw new TeamError("CSRF", "This request has no CSRF token (X-CSRF-Token). Reload the page and try again.");
  }
  if (!sameSecret(csrfTokenFor(sessionToken), presented)) {
    throw new TeamError("CSRF", "This request's CSRF token does not belong to your session. Reload the page and try again.");
  }
}
