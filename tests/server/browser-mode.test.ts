/**
 * Browser mode over real HTTP, on a real Gatehouse (temp data folder, in-memory embedded core):
 * the session token, the Host/Origin checks, static files and the event stream.
 */
import { mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGatehouse, type Gatehouse } from "../../main/app.ts";
import { DEFAULT_MAX_BODY_BYTES, startBrowserMode, type BrowserMode } from "../../main/server/index.ts";
import { createClient, httpTransport } from "../../shared/contract/client.ts";
import { invoke, rawRequest, stubRenderer } from "./helpers.ts";

let dataDir: string;
let stub: { base: string; rendererDir: string };
let gatehouse: Gatehouse;
let server: BrowserMode;

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(tmpdir(), "gatehouse-browser-mode-"));
  stub = stubRenderer();
  symlinkSync(path.join(stub.base, "secret.txt"), path.join(stub.rendererDir, "link-out.txt"));
  gatehouse = await startGatehouse({ dataDir, embeddedCoreInMemory: true, operator: "tester" });
  server = await startBrowserMode({ gatehouse, rendererDir: stub.rendererDir, port: 0, heartbeatMs: 100 });
});

afterAll(async () => {
  await server?.close();
  await gatehouse?.close();
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(stub.base, { recursive: true, force: true });
});

describe("the session URL", () => {
  it("is loopback with a 32-byte token in the fragment", () => {
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/#token=${server.token}`);
    expect(Buffer.from(server.token, "base64url")).toHaveLength(32);
  });
});

describe("POST /api/invoke", () => {
  it("refuses a missing or wrong token with 401", async () => {
    const missing = await invoke(server.port, undefined, "session.whoami");
    expect(missing.status).toBe(401);
    expect(JSON.parse(missing.body)).toMatchObject({ ok: false, error: { code: "FORBIDDEN" } });
    const wrong = await invoke(server.port, `${server.token.slice(0, -1)}x`, "session.whoami");
    expect(wrong.status).toBe(401);
    const short = await invoke(server.port, "abc", "session.whoami");
    expect(short.status).toBe(401);
  });

  it("answers the dispatcher's envelope with the right token", async () => {
    const res = await invoke(server.port, server.token, "session.whoami");
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toMatch(/^application\/json/);
    expect(JSON.parse(res.body)).toMatchObject({ ok: true, value: { operator: "tester", role: "admin", profile: { name: "Local demo" } } });
  });

  it("answers failures as 200 envelopes too", async () => {
    const res = await invoke(server.port, server.token, "no.such.op");
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toMatchObject({ ok: false, error: { code: "NOT_FOUND" } });
    const invalid = await invoke(server.port, server.token, "roles.list", { tenantId: 42 });
    expect(JSON.parse(invalid.body)).toMatchObject({ ok: false, error: { code: "VALIDATION" } });
  });

  it("works through the shared HTTP transport the renderer uses", async () => {
    const client = createClient(httpTransport(server.origin, server.token));
    await expect(client.invoke("session.whoami", {})).resolves.toMatchObject({ operator: "tester" });
    const rejected = createClient(httpTransport(server.origin, "wrong"));
    await expect(rejected.invoke("session.whoami", {})).rejects.toMatchObject({ code: "FORBIDDEN" });
  });

  it("answers bad JSON and a missing op with a 400 VALIDATION envelope", async () => {
    const headers = { "content-type": "application/json", authorization: `Bearer ${server.token}` };
    const badJson = await rawRequest(server.port, { method: "POST", path: "/api/invoke", headers, body: "{op:" });
    expect(badJson.status).toBe(400);
    expect(JSON.parse(badJson.body)).toMatchObject({ ok: false, error: { code: "VALIDATION", message: "The request body is not valid JSON." } });
    const noOp = await rawRequest(server.port, { method: "POST", path: "/api/invoke", headers, body: "{}" });
    expect(noOp.status).toBe(400);
    expect(JSON.parse(noOp.body)).toMatchObject({ ok: false, error: { code: "VALIDATION" } });
  });

  it("refuses bodies over the size limit, other content types and other methods", async () => {
    const huge = await invoke(server.port, server.token, "users.quickSearch", { query: "x".repeat(DEFAULT_MAX_BODY_BYTES + 10) });
    expect(huge.status).toBe(413);
    expect(JSON.parse(huge.body)).toMatchObject({ ok: false, error: { code: "VALIDATION" } });
    const form = await rawRequest(server.port, {
      method: "POST",
      path: "/api/invoke",
      headers: { "content-type": "application/x-www-form-urlencoded", authorization: `Bearer ${server.token}` },
      body: "op=session.whoami",
    });
    expect(form.status).toBe(415);
    const get = await rawRequest(server.port, { path: "/api/invoke", headers: { authorization: `Bearer ${server.token}` } });
    expect(get.status).toBe(405);
  });

  it("answers unknown API paths with a 404 envelope, never the renderer", async () => {
    const res = await rawRequest(server.port, { path: "/api/nothing" });
    expect(res.status).toBe(404);
    expect(JSON.parse(res.body)).toMatchObject({ ok: false, error: { code: "NOT_FOUND" } });
  });
});

describe("Host and Origin checks", () => {
  it("refuses a foreign Host (DNS rebinding) with 403, even with the token", async () => {
    const rebound = await invoke(server.port, server.token, "session.whoami", {}, { host: `evil.example:${server.port}` });
    expect(rebound.status).toBe(403);
    const otherPort = await rawRequest(server.port, { path: "/", headers: { host: `127.0.0.1:${server.port + 1}` } });
    expect(otherPort.status).toBe(403);
    const noPort = await rawRequest(server.port, { path: "/", headers: { host: "localhost" } });
    expect(noPort.status).toBe(403);
  });

  it("accepts 127.0.0.1:<port> and localhost:<port>", async () => {
    expect((await rawRequest(server.port, { path: "/" })).status).toBe(200);
    expect((await rawRequest(server.port, { path: "/", headers: { host: `localhost:${server.port}` } })).status).toBe(200);
  });

  it("refuses a foreign Origin with 403 and accepts our own", async () => {
    const foreign = await invoke(server.port, server.token, "session.whoami", {}, { origin: "http://evil.example" });
    expect(foreign.status).toBe(403);
    const nullOrigin = await invoke(server.port, server.token, "session.whoami", {}, { origin: "null" });
    expect(nullOrigin.status).toBe(403);
    const httpsLookalike = await invoke(server.port, server.token, "session.whoami", {}, { origin: `https://127.0.0.1:${server.port}` });
    expect(httpsLookalike.status).toBe(403);
    for (const origin of [server.origin, `http://localhost:${server.port}`]) {
      expect((await invoke(server.port, server.token, "session.whoami", {}, { origin })).status).toBe(200);
    }
  });
});

describe("static files", () => {
  it("serves index.html for / and hashed assets with their content types", async () => {
    const index = await rawRequest(server.port, { path: "/" });
    expect(index.status).toBe(200);
    expect(index.headers["content-type"]).toBe("text/html; charset=utf-8");
    expect(index.headers["cache-control"]).toBe("no-cache");
    expect(index.body).toContain("<title>Gatehouse</title>");
    const script = await rawRequest(server.port, { path: "/assets/app-3f2a1c.js" });
    expect(script.headers["content-type"]).toBe("text/javascript; charset=utf-8");
    expect(script.headers["cache-control"]).toContain("immutable");
    const style = await rawRequest(server.port, { path: "/assets/app-3f2a1c.css?v=1" });
    expect(style.headers["content-type"]).toBe("text/css; charset=utf-8");
    const head = await rawRequest(server.port, { method: "HEAD", path: "/index.html" });
    expect(head.status).toBe(200);
    expect(head.body).toBe("");
  });

  it("answers 404 for what is not there", async () => {
    expect((await rawRequest(server.port, { path: "/nope.js" })).status).toBe(404);
    expect((await rawRequest(server.port, { path: "/assets" })).status).toBe(404);
    expect((await rawRequest(server.port, { path: "/assets/" })).status).toBe(404);
  });

  it.each([
    "/../secret.txt",
    "/assets/../../secret.txt",
    "/%2e%2e/secret.txt",
    "/assets/..%2f..%2fsecret.txt",
    "/assets/..%5c..%5csecret.txt",
    "/%2e%2e%2fsecret.txt",
    "/.env",
    "/%2eenv",
    "/link-out.txt",
    "/index.html%00.js",
    "/%E0%A4%A",
  ])("blocks %s", async (attempt) => {
    const res = await rawRequest(server.port, { path: attempt });
    expect(res.status).toBe(404);
    expect(res.body).not.toContain("TOP SECRET");
    expect(res.body).not.toContain("SECRET=1");
  });

  it("refuses methods other than GET and HEAD", async () => {
    expect((await rawRequest(server.port, { method: "POST", path: "/", body: "x" })).status).toBe(405);
  });
});

describe("security headers", () => {
  const CSP =
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'";

  it("are on every response: page, asset, API, 403 and 404", async () => {
    const responses = await Promise.all([
      rawRequest(server.port, { path: "/" }),
      rawRequest(server.port, { path: "/assets/app-3f2a1c.js" }),
      invoke(server.port, server.token, "session.whoami"),
      invoke(server.port, undefined, "session.whoami"),
      rawRequest(server.port, { path: "/", headers: { host: "evil.example" } }),
      rawRequest(server.port, { path: "/missing" }),
    ]);
    for (const res of responses) {
      expect(res.headers["content-security-policy"]).toBe(CSP);
      expect(res.headers["x-content-type-options"]).toBe("nosniff");
      expect(res.headers["referrer-policy"]).toBe("no-referrer");
    }
  });

  it("forbid caching of API answers", async () => {
    expect((await invoke(server.port, server.token, "session.whoami")).headers["cache-control"]).toBe("no-store");
    expect((await invoke(server.port, undefined, "session.whoami")).headers["cache-control"]).toBe("no-store");
  });
});

describe("GET /api/events", () => {
  /** Opens the event stream and collects its raw text until `until` matches or 5 s pass. */
  function readStream(token: string, until: RegExp, afterConnect?: () => Promise<unknown>): Promise<{ status: number; text: string }> {
    return new Promise((resolve, reject) => {
      const req = httpRequest({ host: "127.0.0.1", port: server.port, path: `/api/events?token=${encodeURIComponent(token)}` }, (res) => {
        let text = "";
        const timer = setTimeout(() => {
          req.destroy();
          resolve({ status: res.statusCode ?? 0, text });
        }, 5_000);
        res.on("data", (chunk: Buffer) => {
          const first = text === "";
          text += chunk.toString("utf8");
          if (first && afterConnect) afterConnect().catch(reject);
          if (until.test(text)) {
            clearTimeout(timer);
            req.destroy();
            resolve({ status: res.statusCode ?? 0, text });
          }
        });
        res.on("end", () => {
          clearTimeout(timer);
          resolve({ status: res.statusCode ?? 0, text });
        });
      });
      req.on("error", reject);
      req.end();
    });
  }

  it("refuses a missing or wrong token with 401", async () => {
    expect((await rawRequest(server.port, { path: "/api/events" })).status).toBe(401);
    expect((await rawRequest(server.port, { path: "/api/events?token=nope" })).status).toBe(401);
  });

  it("delivers audit.appended after a mutating call", async () => {
    const { status, text } = await readStream(server.token, /"name":"audit\.appended"/, () =>
      invoke(server.port, server.token, "roles.create", { role: "sse-test-role", permissions: [] }),
    );
    expect(status).toBe(200);
    const line = text.split("\n").find((l) => l.startsWith("data: "));
    expect(JSON.parse(line?.slice("data: ".length) ?? "null")).toMatchObject({ name: "audit.appended", payload: { operation: "roles.create" } });
  });

  it("sends heartbeat comments and is text/event-stream, not cached", async () => {
    const res = await new Promise<{ headers: Record<string, unknown>; text: string }>((resolve, reject) => {
      const req = httpRequest({ host: "127.0.0.1", port: server.port, path: `/api/events?token=${server.token}` }, (r) => {
        let text = "";
        r.on("data", (chunk: Buffer) => {
          text += chunk.toString("utf8");
          if (text.includes(": heartbeat")) {
            req.destroy();
            resolve({ headers: r.headers, text });
          }
        });
      });
      req.on("error", reject);
      req.end();
    });
    expect(res.headers["content-type"]).toBe("text/event-stream; charset=utf-8");
    expect(res.headers["cache-control"]).toBe("no-store");
    expect(res.text).toContain(": heartbeat\n\n");
  });
});
