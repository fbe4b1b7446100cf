/**
 * Every request to the team server: security headers on all of them; /api/team/* (sign-in,
 * session, second factor: team-routes.ts); /api/invoke and /api/events for a signed-in operator
 * (session cookie, plus the CSRF token on POST, from the server's own origin); anything else is
 * the renderer's built files, with the same CSP as browser mode.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Dispatcher } from "../dispatch.ts";
import { handleInvoke, Refusal } from "../server/invoke-route.ts";
import { sendJson } from "../server/respond.ts";
import { applySecurityHeaders } from "../server/security-headers.ts";
import { handleStatic } from "../server/static-route.ts";
import { TeamError } from "../team/errors.ts";
import { authenticate, type Authenticated } from "../team/http/authenticate.ts";
import { clientAddress } from "../team/http/client-address.ts";
import { clearCookie, cookieNames } from "../team/http/cookies.ts";
import { handleTeamRoute } from "../team/http/team-routes.ts";
import type { Team } from "../team/index.ts";
import type { Caller } from "../../shared/contract/caller.ts";
import type { SessionEventStreams } from "./event-stream.ts";

export interface TeamServerRoutes {
  team: Team;
  dispatcher: Pick<Dispatcher, "invoke">;
  streams: SessionEventStreams;
  rendererDir: string;
  /** The origin browsers use (publicUrl). */
  origin: string;
  /** Browsers reach the server over TLS (here or at the proxy): Secure, __Host- cookies. */
  secure: boolean;
  trustedProxies: readonly string[];
  maxBodyBytes: number;
}

export function teamServerHandler(o: TeamServerRoutes): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  return async (req, res) => {
    applySecurityHeaders(res);
    if (o.secure) res.setHeader("Strict-Transport-Security", "max-age=31536000");
    const url = new URL(req.url ?? "/", o.origin);
    if (!url.pathname.startsWith("/api/")) return handleStatic(req, res, url, o.rendererDir);
    res.setHeader("Cache-Control", "no-store");
    if (url.pathname.startsWith("/api/team/")) {
      if (await handleTeamRoute(req, res, url, { team: o.team, secure: o.secure, origin: o.origin, trustedProxies: o.trustedProxies })) return;
    } else if (url.pathname === "/api/invoke") {
      return handleInvoke(req, res, { dispatcher: o.dispatcher, maxBodyBytes: o.maxBodyBytes, authorize: () => signedIn(o, req, res).then(({ caller }) => caller) });
    } else if (url.pathname === "/api/events") {
      return events(o, req, res);
    }
    sendJson(res, 404, { ok: false, error: { code: "NOT_FOUND", message: `There is no API endpoint ${url.pathname}.` } });
  };
}

/** The signed-in operator as the dispatcher takes them; a Refusal (401/403) otherwise. */
async function signedIn(o: TeamServerRoutes, req: IncomingMessage, res: ServerResponse): Promise<{ caller: Caller; auth: Authenticated }> {
  try {
    if (req.headers.origin !== undefined && req.headers.origin !== o.origin) throw new TeamError("FORBIDDEN", "This request comes from another site.");
    const address = clientAddress(req, o.trustedProxies);
    const auth = await authenticate(req, o.team.sessions, { secure: o.secure, address });
    const { email, role, sessionId } = auth.caller;
    return { caller: { operator: email, role, address, sessionId }, auth };
  } catch (err) {
    if (!(err instanceof TeamError)) throw err;
    if (err.code === "UNAUTHENTICATED") res.appendHeader("Set-Cookie", clearCookie(cookieNames(o.secure).session, o.secure));
    throw new Refusal(err.status, err.toBody());
  }
}

async function events(o: TeamServerRoutes, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (req.method !== "GET") {
    res.setHeader("Allow", "GET");
    return sendJson(res, 405, { ok: false, error: { code: "VALIDATION", message: "Use GET for /api/events." } });
  }
  let auth: Authenticated;
  try {
    ({ auth } = await signedIn(o, req, res));
  } catch (err) {
    if (err instanceof Refusal) return sendJson(res, err.status, { ok: false, error: err.body });
    throw err;
  }
  o.streams.stream(res, () => o.team.sessions.isLive(auth.token));
}
