/**
 * The Gatehouse team server's own endpoints (/api/team/*) as the page sees them: the session
 * check, sign-in in one or two steps, set-password, sign-out, the second factor. The session lives
 * in an httpOnly cookie the page never reads; what the page keeps is the CSRF token from the
 * answers, sent back in X-CSRF-Token on every POST that needs a session.
 */
import type { OperatorRole } from "../../../shared/contract/permissions.ts";

/** The parts of the browser the team API uses; tests pass their own (a cookie-keeping fetch). */
export interface TeamHttp {
  /** The server's origin, e.g. https://gatehouse.example.com. */
  origin: string;
  fetch: (url: string, init: RequestInit) => Promise<Response>;
  /** Absent where there is none (component tests): the console then gets no live events. */
  EventSource?: new (url: string) => Pick<EventSource, "addEventListener" | "close" | "readyState">;
}

export interface TeamOperator {
  userId: string;
  email: string;
  role: OperatorRole;
  sessionId: string;
  /** Whether two-step sign-in is on, when the server says (older servers do not). */
  secondFactor?: boolean;
}

export interface TeamSession {
  operator: TeamOperator;
  csrfToken: string;
  expiresAt: number;
}

export type SignInStep = { step: "signed-in"; session: TeamSession } | { step: "second-factor"; expiresAt: number };

export interface Enrolment {
  /** For an authenticator app: otpauth://totp/… */
  otpauthUri: string;
  /** The same secret in base32, to type into an app by hand. */
  secret: string;
}

export type Probe = { status: "signed-in"; session: TeamSession } | { status: "signed-out" } | { status: "not-team" } | { status: "unavailable"; error: TeamApiError };

/** A refusal from the team server, with its code (SIGN_IN_FAILED, RATE_LIMITED, VALIDATION, LINK_INVALID, …). */
export class TeamApiError extends Error {
  readonly code: string;
  readonly status: number;
  readonly field: string | undefined;
  /** For RATE_LIMITED: seconds until the next attempt may be made. */
  readonly retryAfterSec: number | undefined;

  constructor(code: string, message: string, status: number, extra: { field?: string | undefined; retryAfterSec?: number | undefined } = {}) {
    super(message);
    this.name = "TeamApiError";
    this.code = code;
    this.status = status;
    this.field = extra.field;
    this.retryAfterSec = extra.retryAfterSec;
  }
}

export const UNREACHABLE = "UNREACHABLE";

export interface TeamApi {
  readonly http: TeamHttp;
  /** The CSRF token of the current session, or null when signed out. */
  csrfToken(): string | null;
  /** The signed-in operator's user id, or null when signed out. */
  userId(): string | null;
  probe(): Promise<Probe>;
  signIn(email: string, password: string): Promise<SignInStep>;
  signInCode(code: string): Promise<TeamSession>;
  setPassword(token: string, password: string): Promise<{ email: string }>;
  signOut(): Promise<void>;
  signOutEverywhere(): Promise<{ endedSessions: number }>;
  enrolSecondFactor(): Promise<Enrolment>;
  confirmSecondFactor(code: string): Promise<void>;
  turnOffSecondFactor(code: string): Promise<void>;
  /** Forgets the CSRF token (the session ended). */
  forget(): void;
}

type Json = Record<string, unknown>;

export function createTeamApi(http: TeamHttp): TeamApi {
  let csrf: string | null = null;
  let userId: string | null = null;

  const request = async (method: "GET" | "POST", path: string, body?: Json, withCsrf = false): Promise<{ status: number; json: Json | null; headers: Headers }> => {
    const headers: Record<string, string> = {};
    if (method === "POST") headers["content-type"] = "application/json";
    if (withCsrf && csrf) headers["x-csrf-token"] = csrf;
    let response: Response;
    try {
      response = await http.fetch(`${http.origin}${path}`, { method, credentials: "same-origin", headers, ...(body ? { body: JSON.stringify(body) } : {}) });
    } catch {
      throw new TeamApiError(UNREACHABLE, "The Gatehouse server did not answer. Check your network connection and try again.", 0);
    }
    let json: Json | null = null;
    try {
      json = (await response.json()) as Json;
    } catch {
      // A proxy's HTML error page, or an empty body: judged by the status alone.
    }
    return { status: response.status, json, headers: response.headers };
  };

  /** The answer's value, or the server's refusal as a TeamApiError. */
  const call = async <T>(path: string, body: Json = {}, withCsrf = true): Promise<T> => {
    const { status, json, headers } = await request("POST", path, body, withCsrf);
    if (json?.ok === true) return json.value as T;
    throw refusal(status, json, headers);
  };

  const opened = (value: { operator: TeamOperator; csrfToken: string; expiresAt: number }): TeamSession => {
    csrf = value.csrfToken;
    userId = value.operator.userId;
    return { operator: value.operator, csrfToken: value.csrfToken, expiresAt: value.expiresAt };
  };

  return {
    http,
    csrfToken: () => csrf,
    userId: () => userId,
    async probe() {
      let answer: Awaited<ReturnType<typeof request>>;
      try {
        answer = await request("GET", "/api/team/session");
      } catch (err) {
        return { status: "unavailable", error: err as TeamApiError };
      }
      const { status, json, headers } = answer;
      if (status === 200 && json?.ok === true) return { status: "signed-in", session: opened(json.value as TeamSession) };
      if (status === 401) {
        csrf = null;
        userId = null;
        return { status: "signed-out" };
      }
      // The desktop's browser mode (and any server without team routes) has no such endpoint.
      if (status === 404) return { status: "not-team" };
      return { status: "unavailable", error: refusal(status, json, headers) };
    },
    async signIn(email, password) {
      const value = await call<{ step: "signed-in"; operator: TeamOperator; csrfToken: string; expiresAt: number } | { step: "second-factor"; expiresAt: number }>(
        "/api/team/sign-in",
        { email, password },
        false,
      );
      return value.step === "signed-in" ? { step: "signed-in", session: opened(value) } : { step: "second-factor", expiresAt: value.expiresAt };
    },
    async signInCode(code) {
      return opened(await call("/api/team/sign-in/code", { code }, false));
    },
    setPassword: (token, password) => call("/api/team/set-password", { token, password }, false),
    async signOut() {
      try {
        await call("/api/team/sign-out");
      } finally {
        csrf = null;
        userId = null;
      }
    },
    async signOutEverywhere() {
      const result = await call<{ endedSessions: number }>("/api/team/sign-out-everywhere");
      csrf = null;
      userId = null;
      return result;
    },
    enrolSecondFactor: () => call("/api/team/second-factor/enrol"),
    async confirmSecondFactor(code) {
      await call("/api/team/second-factor/confirm", { code });
    },
    async turnOffSecondFactor(code) {
      await call("/api/team/second-factor/off", { code });
    },
    forget() {
      csrf = null;
      userId = null;
    },
  };
}

/** The server's error body as a TeamApiError; a body that is not one still gets a sentence. */
export function refusal(status: number, json: Json | null, headers?: Headers): TeamApiError {
  const error = json?.error as { code?: unknown; message?: unknown; field?: unknown; retryAfterSec?: unknown } | undefined;
  const header = Number(headers?.get("retry-after") ?? NaN);
  const retryAfterSec = typeof error?.retryAfterSec === "number" ? error.retryAfterSec : Number.isFinite(header) ? header : undefined;
  if (error && typeof error.code === "string" && typeof error.message === "string") {
    return new TeamApiError(error.code, error.message, status, { field: typeof error.field === "string" ? error.field : undefined, retryAfterSec });
  }
  return new TeamApiError(status === 401 ? "UNAUTHENTICATED" : "INTERNAL", `The Gatehouse server answered ${status} without saying why. Try again; if it keeps happening, tell the server's admin.`, status, {
    retryAfterSec,
  });
}
