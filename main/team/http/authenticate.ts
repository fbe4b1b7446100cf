/**
 * The door of every API request on the team server: the session cookie must name a live session,
 * and a request that may change something (any method but GET, HEAD, OPTIONS — /api/invoke is
 * POST, reads included) must carry that session's CSRF token in X-CSRF-Token.
 */
import type { IncomingMessage } from "node:http";
import type { Sessions } from "../sessions/sessions.ts";
import { CSRF_HEADER, checkCsrf } from "../sessions/csrf.ts";
import { TeamError } from "../errors.ts";
import type { Caller } from "../types.ts";
import { cookieNames, readCookie } from "./cookies.ts";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

export interface Authenticated {
  caller: Caller;
  /** The session token from the cookie (for sign-out): never put in an answer or a log. */
  token: string;
}

export async function authenticate(req: IncomingMessage, sessions: Sessions, options: { secure: boolean; address: string }): Promise<Authenticated> {
  const token = readCookie(req.headers.cookie, cookieNames(options.secure).session);
  if (token === undefined || token === "") throw new TeamError("UNAUTHENTICATED", "Sign in to continue.");
  if (!SAFE_METHODS.has((req.method ?? "GET").toUpperCase())) checkCsrf(token, req.headers[CSRF_HEADER]);
  return { caller: await sessions.verify(token, options.address), token };
}
