/**
 * The team server doing TLS itself, with a self-signed certificate made by `openssl req -x509`
 * for this test: the renderer and the API over HTTPS (HSTS), the session cookie `__Host-` and
 * Secure, a client that does not trust the certificate refused, plain HTTP on the TLS port not
 * answered. With no trusted proxy configured, X-Forwarded-For is not believed: the audit records
 * the connection's own address. The config's session limits are the sessions' limits.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServerFixture, type ServerFixture } from "./support/server-fixture.ts";

const certDir = mkdtempSync(path.join(tmpdir(), "gatehouse-tls-"));
const cert = path.join(certDir, "cert.pem");
const key = path.join(certDir, "key.pem");
let ca: Buffer;
let f: ServerFixture;
let password: string;

beforeAll(async () => {
  execFileSync("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert, "-days", "1", "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"], { stdio: "ignore" });
  ca = readFileSync(cert);
  f = await startServerFixture({ tls: { cert, key }, trustedProxies: [], sessions: { idleMinutes: 5, absoluteHours: 2 } });
  ({ password } = await f.operator("tess@example.com", "admin"));
});
afterAll(async () => {
  await f?.close();
  rmSync(certDir, { recursive: true, force: true });
});

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function https(pathname: string, options: { method?: string; headers?: Record<string, string>; body?: string; trust?: boolean } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const url = new URL(pathname, f.origin);
    const req = httpsRequest(
      { host: url.hostname, port: url.port, path: url.pathname, method: options.method ?? "GET", headers: options.headers, ...(options.trust === false ? {} : { ca }) },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString("utf8") }));
      },
    );
    req.on("error", reject);
    req.end(options.body);
  });
}

describe("TLS", () => {
  it("serves the renderer over HTTPS at the https origin, with HSTS and the CSP", async () => {
    expect(f.origin).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(f.server.tls).toBe(true);
    const page = await https("/");
    expect(page.status).toBe(200);
    expect(page.body).toContain("<title>Gatehouse</title>");
    expect(page.headers["strict-transport-security"]).toBe("max-age=31536000");
    expect(page.headers["content-security-policy"]).toMatch(/default-src/);
  });

  it("signs in with a __Host- cookie that is Secure, and the session works over HTTPS", async () => {
    const json = { "content-type": "application/json", origin: f.origin, "x-forwarded-for": "203.0.113.200" };
    const signIn = await https("/api/team/sign-in", { method: "POST", headers: json, body: JSON.stringify({ email: "tess@example.com", password }) });
    expect(signIn.status).toBe(200);
    const [cookie = ""] = (signIn.headers["set-cookie"] as string[] | undefined) ?? [];
    // Max-Age is the configured absolute limit (sessions.absoluteHours: 2).
    expect(cookie).toMatch(/^__Host-gatehouse-session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Strict; Max-Age=7200; Secure$/);
    const session = cookie.split(";")[0] ?? "";
    const { csrfToken } = (JSON.parse(signIn.body) as { value: { csrfToken: string } }).value;

    const whoami = await https("/api/invoke", { method: "POST", headers: { ...json, cookie: session, "x-csrf-token": csrfToken }, body: JSON.stringify({ op: "session.whoami", input: {} }) });
    expect(JSON.parse(whoami.body)).toMatchObject({ ok: true, value: { operator: "tess@example.com", role: "admin", mode: "team" } });
    // The plain cookie name is not the session over TLS (a sibling http:// page could have set it).
    const plainName = session.replace("__Host-", "");
    const refused = await https("/api/invoke", { method: "POST", headers: { ...json, cookie: plainName, "x-csrf-token": csrfToken }, body: JSON.stringify({ op: "session.whoami", input: {} }) });
    expect(refused.status).toBe(401);

    // The configured idle limit (sessions.idleMinutes: 5) ends it.
    f.advance(5 * 60_000);
    const idle = await https("/api/invoke", { method: "POST", headers: { ...json, cookie: session, "x-csrf-token": csrfToken }, body: JSON.stringify({ op: "session.whoami", input: {} }) });
    expect(idle.status).toBe(401);
    expect(idle.body).toMatch(/5 minutes without activity/);

    // No trusted proxy is configured: the forwarded address is not believed.
    const signedIn = f.audit().filter((e) => e.operation === "team.signIn" && e.operator === "tess@example.com");
    expect(signedIn.map((e) => e.address)).toEqual(["127.0.0.1"]);
  });

  it("is refused by a client that does not trust the certificate, and plain HTTP gets no answer", async () => {
    await expect(https("/", { trust: false })).rejects.toThrow(/self[- ]signed/i);
    const port = Number(new URL(f.origin).port);
    const plain = await new Promise<string>((resolve) => {
      const req = httpRequest({ host: "127.0.0.1", port, path: "/" }, (res) => resolve(`answered ${res.statusCode ?? 0}`));
      req.on("error", (err) => resolve(`error ${err.message}`));
      req.end();
    });
    expect(plain).not.toMatch(/^answered 200/);
  });
});
