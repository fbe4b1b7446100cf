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

  /**
   * A server that drops a kept-alive connection when the next request arrives on it, without
   * answering (as a server closing an idle connection just as the client reuses it), and counts
   * every request that reached it.
   */
  async function droppingOnReuse() {
    const arrivals: string[] = [];
    let first: Socket | undefined;
    const { url } = await serve((req, res) => {
      arrivals.push(`${req.method} ${req.url}`);
      if (req.url === "/warm") {
        first = req.socket;
        res.end("{}");
      } else if (req.socket === first) req.socket.destroy();
      else res.end(JSON.stringify({ answered: req.url }));
    });
    // One exchange leaves one kept-alive connection in the pool, which the next request reuses.
    expect((await coreFetch(`${url}/warm`, { method: "GET" }, 2000)).status).toBe(200);
    return { url, arrivals };
  }

  it("sends a read again on a new connection when the kept-alive one was dropped under it", async () => {
    const { url, arrivals } = await droppingOnReuse();
    const read = await coreFetch(`${url}/read`, { method: "GET" }, 2000);
    expect(await read.json()).toEqual({ answered: "/read" });
    // The server saw the read twice: on the dropped connection, then on a new one.
    expect(arrivals).toEqual(["GET /warm", "GET /read", "GET /read"]);
  });

  it("never sends a change again when the kept-alive connection was dropped under it: it may have arrived", async () => {
    const { url, arrivals } = await droppingOnReuse();
    const err = (await coreFetch(`${url}/change`, { method: "POST", body: "{}" }, 2000).then(
      () => undefined,
      (e: unknown) => e,
    )) as (TypeError & { cause?: { code?: string } }) | undefined;
    expect(err?.message).toBe("fetch failed");
    expect(["ECONNRESET", "EPIPE"]).toContain(err?.cause?.code);
    expect(arrivals).toEqual(["GET /warm", "POST /change"]);
  });

  it("times out when the server stalls after its headers (the timeout covers the body)", async () => {
    const { url } = await serve((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.write('{"partial":');
    });
    // The headers came: without the body in the timeout this would resolve, then hang on text().
    const err = (await coreFetch(`${url}/slow`, { method: "GET" }, 300).then(
      (r) => r.text(),
      (e: unknown) => e,
    )) as DOMException;
    expect(err.name).toBe("TimeoutError");
  });

  it("fails like fetch when nothing listens: a TypeError whose cause has the socket's code", async () => {
    const err = (await coreFetch(`${await closedPortUrl()}/x`, { method: "GET" }, 2000).catch((e: unknown) => e)) as TypeError & { cause?: { code?: string } };
    expect(err).toBeInstanceOf(TypeError);
    expect(err.message).toBe("fetch failed");
    expect(err.cause?.code).toBe("ECONNREFUSED");
  });
});
