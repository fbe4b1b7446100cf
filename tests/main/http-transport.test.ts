/**
 * The Core transport (main/core/http-transport.ts) on its own, against small node:http servers
 * that misbehave on purpose: what it hands supertokens-node looks like a fetch Response, a
 * kept-alive connection the server dropped is retried for a read and never for a change, the
 * timeout covers the body, and failures look like fetch's (what failover and error mapping read).
 */
import http from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { coreFetch } from "../../main/core/http-transport.ts";
import { closedPortUrl } from "./helpers/faults.ts";

let servers: http.Server[] = [];

afterEach(async () => {
  for (const s of servers) {
    s.closeAllConnections();
    await new Promise((resolve) => s.close(resolve));
  }
  servers = [];
});

async function serve(handler: http.RequestListener): Promise<{ url: string; sockets: Set<Socket> }> {
  const server = http.createServer(handler);
  const sockets = new Set<Socket>();
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, sockets };
}

describe("the Core transport", () => {
  it("answers with what supertokens-node reads of a Response: status, headers, text, json, clone", async () => {
    const { url } = await serve((req, res) => {
      let body = "";
      req.on("data", (c: Buffer) => (body += c.toString("utf8")));
      req.on("end", () => {
        res.writeHead(201, { "content-type": "application/json; charset=utf-8", "x-method": req.method ?? "" });
        res.end(JSON.stringify({ got: JSON.parse(body) as unknown, apiKey: req.headers["api-key"] ?? null }));
      });
    });
    const response = await coreFetch(`${url}/recipe/x`, { method: "POST", headers: { "api-key": "k1", "content-type": "application/json" }, body: JSON.stringify({ a: "é" }) }, 2000);
    expect(response.status).toBe(201);
    expect(response.ok).toBe(true);
    expect(response.headers.get("x-method")).toBe("POST");
    expect(response.headers.get("content-type")).toMatch(/^application\/json/);
    expect(await response.clone().json()).toEqual({ got: { a: "é" }, apiKey: "k1" });
    expect(JSON.parse(await response.text())).toEqual({ got: { a: "é" }, apiKey: "k1" });
  });

  it("sends a read again on a new connection when the server dropped the kept-alive one, but never a change", async () => {
    let arrivals = 0;
    const { url, sockets } = await serve((req, res) => {
      arrivals++;
      res.end(JSON.stringify({ n: arrivals }));
    });
    // One kept-alive connection, then the server drops it without saying so.
    expect(await (await coreFetch(`${url}/a`, { method: "GET" }, 2000)).json()).toEqual({ n: 1 });
    for (const socket of sockets) socket.destroy();
    const read = await coreFetch(`${url}/b`, { method: "GET" }, 2000);
    expect(read.status).toBe(200);

    // The same for a change: the failure is reported, the request is not sent a second time.
    const before = arrivals;
    for (const socket of sockets) socket.destroy();
    const change = await coreFetch(`${url}/c`, { method: "POST", body: "{}" }, 2000).then(
      (r) => ({ status: r.status }),
      (err: unknown) => ({ err: err as TypeError & { cause?: { code?: string } } }),
    );
    // Either the socket was already known closed (a new one was used) or the send failed; never twice.
    if ("err" in change) {
      expect(change.err.message).toBe("fetch failed");
      expect(["ECONNRESET", "EPIPE"]).toContain(change.err.cause?.code);
      expect(arrivals).toBe(before);
    } else expect(arrivals).toBe(before + 1);
  });

  it("times out when the server stalls after its headers (the timeout covers the body)", async () => {
    const { url } = await serve((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.write('{"partial":');
    });
    const started = performance.now();
    const err = (await coreFetch(`${url}/slow`, { method: "GET" }, 300).catch((e: unknown) => e)) as DOMException;
    expect(err.name).toBe("TimeoutError");
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
  });

  it("fails like fetch when nothing listens: a TypeError whose cause has the socket's code", async () => {
    const err = (await coreFetch(`${await closedPortUrl()}/x`, { method: "GET" }, 2000).catch((e: unknown) => e)) as TypeError & { cause?: { code?: string } };
    expect(err).toBeInstanceOf(TypeError);
    expect(err.message).toBe("fetch failed");
    expect(err.cause?.code).toBe("ECONNREFUSED");
  });
});
