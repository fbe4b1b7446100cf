/**
 * An HTTP server for the team module's tests: the team routes, and /api/probe standing in for
 * /api/invoke behind authenticate() (GET and POST, answering the caller). A browser-like client
 * keeps cookies from Set-Cookie and records every answer for the secrets check.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { sendJson } from "../../../main/server/respond.ts";
import { TeamError } from "../../../main/team/errors.ts";
import { authenticate } from "../../../main/team/http/authenticate.ts";
import { clientAddress } from "../../../main/team/http/client-address.ts";
import { handleTeamRoute } from "../../../main/team/http/team-routes.ts";
import type { Team } from "../../../main/team/index.ts";

export interface TeamHttp {
  origin: string;
  close(): Promise<void>;
}

export async function startTeamHttp(team: Team, options: { secure?: boolean; trustedProxies?: string[] } = {}): Promise<TeamHttp> {
  const secure = options.secure ?? false;
  let origin = "";
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", origin);
    void (async () => {
      if (await handleTeamRoute(req, res, url, { team, secure, origin, trustedProxies: options.trustedProxies ?? [] })) return;
      if (url.pathname !== "/api/probe") return sendJson(res, 404, { ok: false });
      try {
        const { caller } = await authenticate(req, team.sessions, { secure, address: clientAddress(req, options.trustedProxies) });
        sendJson(res, 200, { ok: true, value: { email: caller.email, role: caller.role, address: caller.address } });
      } catch (err) {
        const e = err instanceof TeamError ? err : new TeamError("INTERNAL", String(err));
        sendJson(res, e.status, { ok: false, error: e.toBody() });
      }
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

export interface Answer {
  status: number;
  body: { ok: boolean; value?: Record<string, unknown>; error?: { code: string; message: string; field?: string } };
  setCookies: string[];
  headers: Headers;
}

/** A browser: cookies from Set-Cookie sent back, same-origin Origin on POSTs, the CSRF token if told. */
export class Browser {
  readonly cookies = new Map<string, string>();
  readonly answers: string[] = [];
  csrf: string | undefined;

  /** `headers` go with every request (e.g. X-Forwarded-For through a trusted proxy). */
  constructor(
    private readonly origin: string,
    private readonly headers: Record<string, string> = {},
  ) {}

  async get(path: string, headers: Record<string, string> = {}): Promise<Answer> {
    return this.send("GET", path, undefined, headers);
  }

  async post(path: string, body: unknown = {}, headers: Record<string, string> = {}): Promise<Answer> {
    return this.send("POST", path, body, { origin: this.origin, "content-type": "application/json", ...(this.csrf ? { "x-csrf-token": this.csrf } : {}), ...headers });
  }

  async send(method: string, path: string, body: unknown, headers: Record<string, string>): Promise<Answer> {
    const cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
    const res = await fetch(this.origin + path, { method, headers: { ...this.headers, ...(cookie ? { cookie } : {}), ...headers }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    const text = await res.text();
    this.answers.push(text);
    for (const [name, value] of res.headers) if (name !== "set-cookie") this.answers.push(`${name}: ${value}`);
    const setCookies = res.headers.getSetCookie();
    for (const line of setCookies) {
      const [pair = "", ...attrs] = line.split(";").map((p) => p.trim());
      const [name = "", value = ""] = [pair.slice(0, pair.indexOf("=")), pair.slice(pair.indexOf("=") + 1)];
      if (attrs.includes("Max-Age=0")) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    const parsed = JSON.parse(text) as Answer["body"];
    if (parsed.ok && typeof parsed.value?.csrfToken === "string") this.csrf = parsed.value.csrfToken;
    return { status: res.status, body: parsed, setCookies, headers: res.headers };
  }
}
