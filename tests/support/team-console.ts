/**
 * A team server for the renderer's component tests: the real team routes (sign-in, set-password,
 * sessions, second factor, CSRF) on the real team module (embedded core as the operator directory,
 * SQLite store), and /api/invoke behind the real authenticate(): operators.* go to the team's
 * OperatorAdmin, session.whoami answers the signed-in operator, every other operation answers from
 * the test's handlers (as the renderer tests' fake transport does) after the role's permission
 * check. `browser` is what the page's fetch is in a browser: cookies kept from Set-Cookie and sent
 * back, Origin on POSTs.
 *
 * Loaded by tests/renderer/*.test.tsx with a dynamic import (their tsconfig has no Node types).
 */
import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { readBody } from "../../main/server/read-body.ts";
import { sendJson } from "../../main/server/respond.ts";
import { TeamError } from "../../main/team/errors.ts";
import { authenticate } from "../../main/team/http/authenticate.ts";
import { clientAddress } from "../../main/team/http/client-address.ts";
import { handleTeamRoute } from "../../main/team/http/team-routes.ts";
import { base32Decode } from "../../main/team/totp/base32.ts";
import { totpAt } from "../../main/team/totp/totp.ts";
import type { Caller } from "../../main/team/types.ts";
import { teamPermissions } from "../../main/team-server/permissions.ts";
import { allowedOperations, effectivePermissions, permissionFor } from "../../shared/contract/allowances.ts";
import { isOperationName } from "../../shared/contract/index.ts";
import { can, type OperatorRole } from "../../shared/contract/permissions.ts";
import type { ThrottlePolicy } from "../../main/team/sign-in/throttle.ts";
import { startTeamFixture, tokenOf, type TeamFixture } from "../team/support/team-fixture.ts";

export type Handlers = Record<string, (input: never) => unknown>;

export interface TeamConsoleOptions {
  /** The console's other operations for an operator of `role`. */
  handlers: (role: OperatorRole) => Handlers;
  /** false: a server without team routes (the desktop's browser mode answers 404 there). */
  team?: boolean;
  throttle?: { account?: ThrottlePolicy; address?: ThrottlePolicy };
}

export type BrowserFetch = (url: string, init: RequestInit) => Promise<Response>;

export interface TeamConsole {
  origin: string;
  fixture: TeamFixture;
  /** Every /api/invoke call, as "email op". */
  invoked: string[];
  /** Every request, as "METHOD /path". */
  requests: string[];
  /** A new browser (its own cookies). */
  browser(): BrowserFetch;
  /** An operator with a password set (as after the command line's link). */
  operator(email: string, role: OperatorRole): Promise<{ userId: string; password: string }>;
  /** An operator added without a password: the token of their set-password link. */
  invited(email: string, role: OperatorRole): Promise<{ userId: string; token: string }>;
  /** Turns two-step sign-in on for the operator; `code()` is the current code (the step after the last one given). */
  secondFactor(userId: string, email: string): Promise<{ code(): string }>;
  /** The code an authenticator app holding this base32 secret shows now (on the team's clock). */
  totp(secret: string): string;
  close(): Promise<void>;
}

export async function startTeamConsole(options: TeamConsoleOptions): Promise<TeamConsole> {
  const fixture = await startTeamFixture(options.throttle ? { throttle: options.throttle } : {});
  const { team } = fixture;
  const invoked: string[] = [];
  const requests: string[] = [];
  let origin = "";

  const invoke = async (caller: Caller, op: string, input: unknown): Promise<unknown> => {
    invoked.push(`${caller.email} ${op}`);
    if (!isOperationName(op)) throw new TeamError("NOT_FOUND", `There is no operation ${op}.`);
    if (!can(caller.role, permissionFor(op, teamPermissions))) throw new TeamError("FORBIDDEN", `Your role (${caller.role}) does not allow ${op}.`);
    const i = (input ?? {}) as Record<string, unknown>;
    switch (op) {
      case "session.whoami": {
        const desktop = options.handlers(caller.role)["session.whoami"]?.({} as never) as Record<string, unknown> | undefined;
        return { operator: caller.email, role: caller.role, permissions: effectivePermissions(caller.role, teamPermissions), operations: allowedOperations(caller.role, teamPermissions), profile: desktop?.profile ?? null, mode: "team" };
      }
      case "operators.list":
        return { operators: await team.admin.list(caller) };
      case "operators.invite":
        return team.admin.invite(caller, i);
      case "operators.setRole":
        return team.admin.setRole(caller, i);
      case "operators.remove":
        return team.admin.remove(caller, i);
      case "operators.resetSecondFactor":
        return team.admin.resetSecondFactor(caller, i);
    }
    const handler = options.handlers(caller.role)[op];
    if (!handler) throw new TeamError("INTERNAL", `the test server has no handler for ${op}`);
    return handler(i as never);
  };

  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", origin);
    requests.push(`${req.method ?? "GET"} ${url.pathname}`);
    void (async () => {
      if (options.team !== false && (await handleTeamRoute(req, res, url, { team, secure: false, origin }))) return;
      if (url.pathname !== "/api/invoke") return sendJson(res, 404, { ok: false, error: { code: "NOT_FOUND", message: `There is no API endpoint ${url.pathname}.` } });
      let caller: Caller;
      try {
        caller = (await authenticate(req, team.sessions, { secure: false, address: clientAddress(req) })).caller;
      } catch (err) {
        const e = err instanceof TeamError ? err : new TeamError("INTERNAL", String(err));
        return sendJson(res, e.status, { ok: false, error: e.toBody() });
      }
      const { op, input } = JSON.parse(await readBody(req, 1 << 20)) as { op: string; input: unknown };
      try {
        sendJson(res, 200, { ok: true, value: await invoke(caller, op, input) });
      } catch (err) {
        // Once let in, every answer is 200 with an envelope, as main/server/invoke-route.ts does.
        const e = err instanceof TeamError ? err.toBody() : { code: "INTERNAL", message: err instanceof Error ? err.message : String(err) };
        sendJson(res, 200, { ok: false, error: e });
      }
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    origin,
    fixture,
    invoked,
    requests,
    browser: () => browserFetch(origin),
    operator: (email, role) => fixture.operator(email, role),
    async invited(email, role) {
      const admin: Caller = { userId: "cli", email: "cli@example.com", role: "admin", address: "127.0.0.1", sessionId: "cli", expiresAt: Infinity };
      const { operator, link } = await team.admin.invite(admin, { email, role });
      return { userId: operator.userId, token: tokenOf(link.url) };
    },
    async secondFactor(userId, email) {
      const caller: Caller = { userId, email, role: "support", address: "127.0.0.1", sessionId: "setup", expiresAt: Infinity };
      const secret = base32Decode((await team.self.enrolSecondFactor(caller)).secret);
      const next = () => {
        // Each code is good once: move the team's clock to the next step before the next one.
        fixture.advance(30_000);
        return totpAt(secret, fixture.now());
      };
      await team.self.confirmSecondFactor(caller, { code: next() });
      return { code: next };
    },
    totp: (secret) => totpAt(base32Decode(secret), fixture.now()),
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await fixture.close();
    },
  };
}

/** fetch as a page on `origin` has it: same-origin cookies kept and sent, Origin on POSTs; Set-Cookie not shown to the page. */
function browserFetch(origin: string): BrowserFetch {
  const cookies = new Map<string, string>();
  return (url, init) =>
    new Promise((resolve, reject) => {
      const method = init.method ?? "GET";
      const headers: Record<string, string> = { ...(init.headers as Record<string, string> | undefined) };
      if (cookies.size > 0) headers.cookie = [...cookies].map(([k, v]) => `${k}=${v}`).join("; ");
      if (method !== "GET") headers.origin = origin;
      const req = request(url, { method, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          for (const line of res.headers["set-cookie"] ?? []) {
            const [pair = "", ...attrs] = line.split(";").map((p) => p.trim());
            const name = pair.slice(0, pair.indexOf("="));
            if (attrs.includes("Max-Age=0")) cookies.delete(name);
            else cookies.set(name, pair.slice(pair.indexOf("=") + 1));
          }
          const out = new Headers();
          for (const [k, v] of Object.entries(res.headers)) if (k !== "set-cookie" && typeof v === "string") out.set(k, v);
          resolve(new Response(Buffer.concat(chunks).toString("utf8"), { status: res.statusCode ?? 0, headers: out }));
        });
      });
      req.on("error", reject);
      req.end(typeof init.body === "string" ? init.body : undefined);
    });
}
