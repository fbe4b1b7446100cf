/**
 * "LegacyAuth": a stand-in for the auth provider a team migrates away from (seed 04), with its own
 * user store and bcrypt hashes, serving what a just-in-time migration needs on 127.0.0.1:
 *
 *   GET  /health                          no token: { status, users, hashed, cost }
 *   POST /v1/credentials/verify           { email, password } → 200 { user } | 401 INVALID_CREDENTIALS | 403 USER_DISABLED
 *   GET  /v1/users/by-email?email=…       200 { user } | 404 USER_NOT_FOUND
 *   GET  /v1/users?limit=100&after=<id>   the roster in pages: { users, nextCursor, total }
 *
 * Every /v1 route needs `Authorization: Bearer <token>` (401 UNAUTHORIZED otherwise). Errors are
 * `{ error, message }`; bad input names the field.
 */
import { timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { DEFAULT_LEGACY_SEED, DEFAULT_LEGACY_USERS, LEGACY_FIRST_NUMBER } from "../../main/embedded-core/demo/legacy-roster.ts";
import { DEFAULT_LEGACY_TOKEN } from "./defaults.ts";
import { DEFAULT_COST, LegacyPasswords } from "./passwords.ts";
import { LegacyStore, type LegacyUserRow } from "./store.ts";

export { DEFAULT_LEGACY_TOKEN };
const MAX_BODY = 16 * 1024;
const MAX_PAGE = 500;

export interface LegacyAuthOptions {
  /** Port on 127.0.0.1; 0 (default) picks a free one. */
  port?: number;
  /** SQLite file; omitted means in memory. */
  dbFile?: string;
  users?: number;
  seed?: number;
  /** bcrypt cost (default 10, as real providers use; 4 is fine for tests and benchmarks). */
  cost?: number;
  /** The bearer token every /v1 route demands. */
  token?: string;
  /** Start hashing every user's password in the background (default true). */
  fillHashes?: boolean;
  onHashProgress?: (hashed: number, total: number) => void;
}

export interface RunningLegacyAuth {
  url: string;
  token: string;
  users: number;
  /** Resolves once every user has a password hash (see passwords.ts). */
  hashesReady: Promise<void>;
  close(): Promise<void>;
}

/** What LegacyAuth says about a user (never the hash). */
export interface LegacyUserJson {
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

export function userJson(u: LegacyUserRow): LegacyUserJson {
  return {
    id: u.id,
    email: u.email,
    emailVerified: u.emailVerified,
    name: `${u.givenName} ${u.familyName}`,
    givenName: u.givenName,
    familyName: u.familyName,
    locale: u.locale,
    plan: u.plan,
    createdAt: new Date(u.createdAt).toISOString(),
    disabled: u.disabled,
  };
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const badRequest = (message: string) => new HttpError(400, "BAD_REQUEST", message);

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "cache-control": "no-store", ...headers });
  res.end(text);
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  if (!/^application\/json\b/i.test(req.headers["content-type"] ?? "")) throw badRequest("the body must be JSON (content-type: application/json)");
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY) throw new HttpError(413, "BODY_TOO_LARGE", `the body must be at most ${MAX_BODY} bytes`);
    chunks.push(chunk);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.concat(chunks).toString("utf8"));
  } catch {
    throw badRequest("the body is not valid JSON");
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw badRequest("the body must be a JSON object");
  return parsed as Record<string, unknown>;
}

function stringField(body: Record<string, unknown>, name: string): string {
  const value = body[name];
  if (typeof value !== "string" || value === "") throw badRequest(`${name}: a non-empty string is required`);
  return value;
}

export async function startLegacyAuth(options: LegacyAuthOptions = {}): Promise<RunningLegacyAuth> {
  const users = options.users ?? DEFAULT_LEGACY_USERS;
  if (!Number.isInteger(users) || users < 1 || users > 1_000_000) throw new Error(`users must be 1-1000000, not ${users}`);
  const token = options.token ?? DEFAULT_LEGACY_TOKEN;
  if (token.length < 8) throw new Error("the bearer token must be at least 8 characters");
  const store = new LegacyStore({ seed: options.seed ?? DEFAULT_LEGACY_SEED, users, ...(options.dbFile ? { file: options.dbFile } : {}) });
  let passwords: LegacyPasswords;
  try {
    passwords = new LegacyPasswords(store, options.cost ?? DEFAULT_COST);
  } catch (err) {
    store.close();
    throw err;
  }
  const expected = Buffer.from(`Bearer ${token}`);

  const authorised = (req: IncomingMessage): boolean => {
    const given = Buffer.from(req.headers.authorization ?? "");
    return given.length === expected.length && timingSafeEqual(given, expected);
  };

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://legacy.invalid");
    const method = req.method ?? "GET";
    if (url.pathname === "/health" && method === "GET") {
      return send(res, 200, { status: "ok", users: store.count(), hashed: store.countHashed(), cost: passwords.cost });
    }
    if (!url.pathname.startsWith("/v1/")) throw new HttpError(404, "NOT_FOUND", `no route ${method} ${url.pathname}`);
    if (!authorised(req)) throw new HttpError(401, "UNAUTHORIZED", "a valid bearer token is required (Authorization: Bearer <token>)");

    if (url.pathname === "/v1/credentials/verify" && method === "POST") {
      const body = await readJson(req);
      const email = stringField(body, "email");
      const password = stringField(body, "password");
      const user = store.findByEmail(email);
      if (!(await passwords.check(user, password)) || !user) {
        return send(res, 401, { error: "INVALID_CREDENTIALS", message: "Wrong email or password." });
      }
      // The password is checked first, so a wrong guess never learns that an account is disabled.
      if (user.disabled) return send(res, 403, { error: "USER_DISABLED", message: "This account is disabled." });
      return send(res, 200, { user: userJson(user) });
    }
    if (url.pathname === "/v1/users/by-email" && method === "GET") {
      const email = url.searchParams.get("email");
      if (!email) throw badRequest("email: the query parameter is required");
      const user = store.findByEmail(email);
      if (!user) return send(res, 404, { error: "USER_NOT_FOUND", message: `no user with the email ${email}` });
      return send(res, 200, { user: userJson(user) });
    }
    if (url.pathname === "/v1/users" && method === "GET") {
      const limitText = url.searchParams.get("limit") ?? "100";
      const limit = Number(limitText);
      if (!/^\d+$/.test(limitText) || limit < 1 || limit > MAX_PAGE) throw badRequest(`limit: a whole number 1-${MAX_PAGE} is required, not ${limitText}`);
      const after = url.searchParams.get("after");
      let afterNumber = LEGACY_FIRST_NUMBER - 1;
      if (after !== null) {
        const m = /^legacy-(\d+)$/.exec(after);
        if (!m) throw badRequest(`after: a legacy id like legacy-100042 is required, not ${after}`);
        afterNumber = Number(m[1]);
      }
      const page = store.list(afterNumber, limit);
      const last = page.at(-1);
      const more = last !== undefined && store.list(last.number, 1).length > 0;
      return send(res, 200, { users: page.map(userJson), nextCursor: more ? last.id : null, total: store.count() });
    }
    if (["/v1/credentials/verify", "/v1/users/by-email", "/v1/users"].includes(url.pathname)) {
      throw new HttpError(405, "METHOD_NOT_ALLOWED", `${method} is not allowed on ${url.pathname}`);
    }
    throw new HttpError(404, "NOT_FOUND", `no route ${method} ${url.pathname}`);
  }

  const server: Server = createServer((req, res) => {
    route(req, res).catch((err: unknown) => {
      if (res.headersSent) return res.destroy();
      if (err instanceof HttpError) {
        const headers: Record<string, string> = err.status === 401 ? { "www-authenticate": 'Bearer realm="legacy-auth"' } : {};
        return send(res, err.status, { error: err.code, message: err.message }, headers);
      }
      console.error("legacy-auth:", err);
      send(res, 500, { error: "INTERNAL", message: "LegacyAuth failed to answer" });
    });
  });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(options.port ?? 0, "127.0.0.1", () => resolve());
    });
  } catch (err) {
    await passwords.stop();
    store.close();
    throw err;
  }
  const hashesReady = options.fillHashes === false ? Promise.resolve() : passwords.fillInBackground(options.onHashProgress);
  let closed: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    token,
    users,
    hashesReady,
    close() {
      closed ??= (async () => {
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
        await passwords.stop();
        store.close();
      })();
      return closed;
    },
  };
}
