/**
 * A LegacyProvider for the LegacyAuth HTTP API (examples/legacy-auth/): credentials checked with
 * POST /v1/credentials/verify, users looked up with GET /v1/users/by-email, the roster read with
 * GET /v1/users, all with a bearer token. A template for adapters to other providers' APIs.
 */
import type { JsonObject, LegacyCallOptions, LegacyProvider, LegacyUser } from "./legacy-provider.ts";

/** A user as LegacyAuth's API returns it. */
export interface LegacyAuthUser {
  id: string;
  email: string;
  emailVerified: boolean;
  name: string;
  givenName: string;
  familyName: string;
  locale: string;
  plan: string;
  /** ISO 8601. */
  createdAt: string;
  disabled: boolean;
}

export interface HttpLegacyProviderOptions {
  /** e.g. http://127.0.0.1:4000 */
  url: string;
  /** The bearer token LegacyAuth was started with. */
  token: string;
  /** Recorded with migrated users; default "LegacyAuth". */
  name?: string;
}

export interface LegacyRosterPage {
  users: LegacyAuthUser[];
  /** Pass as `after` for the next page; null on the last one. */
  nextCursor: string | null;
  total: number;
}

export interface HttpLegacyProvider extends LegacyProvider {
  /** The roster, a page at a time (for a console's migration progress). */
  listUsers(page?: { after?: string; limit?: number }, options?: Partial<LegacyCallOptions>): Promise<LegacyRosterPage>;
}

/** What the kit imports into metadata for a LegacyAuth user: the profile, under `profile`. */
export function legacyAuthUserData(user: LegacyAuthUser): JsonObject {
  return {
    profile: {
      name: user.name,
      givenName: user.givenName,
      familyName: user.familyName,
      locale: user.locale,
      plan: user.plan,
      legacyCreatedAt: user.createdAt,
    },
  };
}

function isLegacyAuthUser(value: unknown): value is LegacyAuthUser {
  const u = value as Partial<LegacyAuthUser> | null;
  return typeof u === "object" && u !== null && typeof u.id === "string" && typeof u.email === "string" && typeof u.emailVerified === "boolean";
}

function toLegacyUser(raw: LegacyAuthUser): LegacyUser {
  return { id: raw.id, email: raw.email, emailVerified: raw.emailVerified, disabled: raw.disabled === true, raw };
}

export function httpLegacyProvider(options: HttpLegacyProviderOptions): HttpLegacyProvider {
  const base = new URL(options.url);
  const name = options.name ?? "LegacyAuth";
  const headers = { authorization: `Bearer ${options.token}`, accept: "application/json" };

  async function call(path: string, init: RequestInit, signal: AbortSignal | undefined): Promise<{ status: number; body: Record<string, unknown> }> {
    const res = await fetch(new URL(path, base), { ...init, headers: { ...headers, ...(init.headers as Record<string, string> | undefined) }, ...(signal ? { signal } : {}) });
    const text = await res.text();
    let body: Record<string, unknown> = {};
    try {
      body = text === "" ? {} : (JSON.parse(text) as Record<string, unknown>);
    } catch {
      throw new Error(`${name} answered ${res.status} with a body that is not JSON`);
    }
    // A refused token is the app's configuration, not the person's credentials: fail loudly.
    if (res.status === 401 && body.error === "UNAUTHORIZED") throw new Error(`${name} refused the bearer token (401): check the token the app was given`);
    return { status: res.status, body };
  }

  function userFrom(body: Record<string, unknown>, what: string): LegacyUser {
    if (!isLegacyAuthUser(body.user)) throw new Error(`${name} answered ${what} without a user`);
    return toLegacyUser(body.user);
  }

  const unexpected = (what: string, status: number, body: Record<string, unknown>) =>
    new Error(`${name} answered ${what} with ${status}${typeof body.message === "string" ? `: ${body.message}` : ""}`);

  return {
    name,
    async verifyCredentials(email, password, { signal }) {
      const what = "the credential check";
      const { status, body } = await call("/v1/credentials/verify", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ email, password }) }, signal);
      if (status === 200) return userFrom(body, what);
      if (status === 401 && body.error === "INVALID_CREDENTIALS") return undefined;
      if (status === 403 && body.error === "USER_DISABLED") return undefined;
      throw unexpected(what, status, body);
    },
    async findByEmail(email, { signal }) {
      const what = "the lookup by email";
      const { status, body } = await call(`/v1/users/by-email?email=${encodeURIComponent(email)}`, { method: "GET" }, signal);
      if (status === 200) return userFrom(body, what);
      if (status === 404 && body.error === "USER_NOT_FOUND") return undefined;
      throw unexpected(what, status, body);
    },
    userData(user) {
      return isLegacyAuthUser(user.raw) ? legacyAuthUserData(user.raw) : {};
    },
    async listUsers(page = {}, callOptions = {}) {
      const query = new URLSearchParams({ limit: String(page.limit ?? 100), ...(page.after ? { after: page.after } : {}) });
      const { status, body } = await call(`/v1/users?${query.toString()}`, { method: "GET" }, callOptions.signal);
      if (status !== 200 || !Array.isArray(body.users)) throw unexpected("the roster", status, body);
      return {
        users: body.users.filter(isLegacyAuthUser),
        nextCursor: typeof body.nextCursor === "string" ? body.nextCursor : null,
        total: typeof body.total === "number" ? body.total : 0,
      };
    },
  };
}
