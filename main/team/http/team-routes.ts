/**
 * The team server's own endpoints under /api/team/ (the console's operations stay on /api/invoke,
 * behind authenticate()): sign-in in one or two steps, set-password, the session, sign-out and
 * sign-out everywhere, the second factor. Session tokens travel only in Set-Cookie; answers carry
 * the operator, the CSRF token and expiry times. POST bodies must be JSON (HTML forms cannot send
 * it) and a request with an Origin must come from the server's own.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { BodyTooLargeError, readBody } from "../../server/read-body.ts";
import { sendJson } from "../../server/respond.ts";
import { TeamError } from "../errors.ts";
import type { Team } from "../index.ts";
import { csrfTokenFor } from "../sessions/csrf.ts";
import type { IssuedSession } from "../sessions/sessions.ts";
import { authenticate, type Authenticated } from "./authenticate.ts";
import { clientAddress } from "./client-address.ts";
import { clearCookie, cookieNames, readCookie, setCookie } from "./cookies.ts";

export interface TeamRouteOptions {
  team: Team;
  /** TLS in front of the browser (directly or at a trusted proxy): cookies get Secure and __Host-. */
  secure: boolean;
  /** The server's origin as browsers see it, e.g. https://gatehouse.example.com. */
  origin: string;
  trustedProxies?: readonly string[];
  maxBodyBytes?: number;
}

type Json = Record<string, unknown>;

interface Exchange {
  req: IncomingMessage;
  res: ServerResponse;
  address: string;
  body: () => Promise<Json>;
  auth: () => Promise<Authenticated>;
}

type Handler = (x: Exchange) => Promise<unknown>;

/** Answers a request under /api/team/; false when the path is not one of these routes. */
export async function handleTeamRoute(req: IncomingMessage, res: ServerResponse, url: URL, options: TeamRouteOptions): Promise<boolean> {
  const route = ROUTES[`${req.method ?? "GET"} ${url.pathname}`];
  if (!route) return false;
  res.setHeader("Cache-Control", "no-store");
  const address = clientAddress(req, options.trustedProxies);
  const x: Exchange = {
    req,
    res,
    address,
    body: () => jsonBody(req, options.maxBodyBytes ?? 64 * 1024),
    auth: () => authenticate(req, options.team.sessions, { secure: options.secure, address }),
  };
  try {
    if (req.headers.origin !== undefined && req.headers.origin !== options.origin) throw new TeamError("FORBIDDEN", "This request comes from another site.");
    sendJson(res, 200, { ok: true, value: await route(options)(x) });
  } catch (err) {
    if (!(err instanceof TeamError)) options.team.log(`team: ${req.method ?? "?"} ${url.pathname} failed: ${err instanceof Error ? err.message : String(err)}`);
    const error = err instanceof TeamError ? err : new TeamError("INTERNAL", "Something went wrong on the server; try again.");
    if (error.retryAfterSec !== undefined) res.setHeader("Retry-After", String(error.retryAfterSec));
    if (error.code === "UNAUTHENTICATED") res.appendHeader("Set-Cookie", clearCookie(cookieNames(options.secure).session, options.secure));
    sendJson(res, error.status, { ok: false, error: error.toBody() });
  }
  return true;
}

const ROUTES: Record<string, (o: TeamRouteOptions) => Handler> = {
  "POST /api/team/sign-in": (o) => async (x) => {
    const step = await o.team.signIn.withPassword(await x.body(), x.address);
    if (step.kind === "session") return opened(o, x.res, step.session);
    x.res.appendHeader("Set-Cookie", setCookie(cookieNames(o.secure).challenge, step.challenge, { secure: o.secure, maxAgeSec: (step.expiresAt - o.team.now()) / 1000 }));
    return { step: "second-factor", expiresAt: step.expiresAt };
  },
  "POST /api/team/sign-in/code": (o) => async (x) => {
    const names = cookieNames(o.secure);
    const { code } = await x.body();
    const session = await o.team.signIn.withCode({ challenge: readCookie(x.req.headers.cookie, names.challenge), code }, x.address);
    x.res.appendHeader("Set-Cookie", clearCookie(names.challenge, o.secure));
    return opened(o, x.res, session);
  },
  "POST /api/team/set-password": (o) => async (x) => o.team.setPassword(await x.body(), x.address),
  "GET /api/team/session": (o) => async (x) => {
    const { caller, token } = await x.auth();
    return { operator: await publicOperator(o.team, caller), csrfToken: csrfTokenFor(token), expiresAt: caller.expiresAt };
  },
  "POST /api/team/sign-out": (o) => async (x) => {
    const { caller, token } = await x.auth();
    await o.team.self.signOut(caller, token);
    x.res.appendHeader("Set-Cookie", clearCookie(cookieNames(o.secure).session, o.secure));
    return { signedOut: true };
  },
  "POST /api/team/sign-out-everywhere": (o) => async (x) => {
    const { caller } = await x.auth();
    const result = await o.team.self.signOutEverywhere(caller);
    x.res.appendHeader("Set-Cookie", clearCookie(cookieNames(o.secure).session, o.secure));
    return result;
  },
  "POST /api/team/second-factor/enrol": (o) => async (x) => o.team.self.enrolSecondFactor((await x.auth()).caller),
  "POST /api/team/second-factor/confirm": (o) => async (x) => {
    const { caller } = await x.auth();
    return o.team.self.confirmSecondFactor(caller, await x.body());
  },
  "POST /api/team/second-factor/off": (o) => async (x) => {
    const { caller } = await x.auth();
    return o.team.self.turnOffSecondFactor(caller, await x.body());
  },
};

async function opened(o: TeamRouteOptions, res: ServerResponse, session: IssuedSession): Promise<Json> {
  const maxAgeSec = (session.caller.expiresAt - o.team.now()) / 1000;
  res.appendHeader("Set-Cookie", setCookie(cookieNames(o.secure).session, session.token, { secure: o.secure, maxAgeSec }));
  return { step: "signed-in", operator: await publicOperator(o.team, session.caller), csrfToken: session.csrfToken, expiresAt: session.caller.expiresAt };
}

/** Who is signed in, as the page shows it (with whether two-step sign-in is on, for the account menu). */
const publicOperator = async (team: Team, c: IssuedSession["caller"]) => ({
  userId: c.userId,
  email: c.email,
  role: c.role,
  sessionId: c.sessionId,
  secondFactor: await team.secondFactor.isOn(c.userId),
});

async function jsonBody(req: IncomingMessage, limit: number): Promise<Json> {
  if (!/^application\/json\b/i.test(req.headers["content-type"] ?? "")) throw new TeamError("VALIDATION", "Send the request as application/json.");
  let text: string;
  try {
    text = await readBody(req, limit);
  } catch (err) {
    if (err instanceof BodyTooLargeError) throw new TeamError("VALIDATION", err.message);
    throw err;
  }
  try {
    const body: unknown = JSON.parse(text);
    if (typeof body === "object" && body !== null && !Array.isArray(body)) return body as Json;
  } catch {
    // answered below
  }
  throw new TeamError("VALIDATION", "The request body must be a JSON object.");
}
