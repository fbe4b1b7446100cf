/**
 * Fault injection in front of a real core: a TCP proxy that passes, drops, stalls or delays
 * connections, an HTTP proxy that can rewrite one answer, a fake Core for what no real one does,
 * and the URL of a port where nothing listens.
 */
import { createServer as createHttpServer, request as httpRequest, type IncomingMessage, type ServerResponse } from "node:http";
import { createServer as createTcpServer, connect, type AddressInfo, type Server, type Socket } from "node:net";

export interface Stoppable {
  url: string;
  close(): Promise<void>;
}

function closer(server: Server, sockets: Set<Socket>): () => Promise<void> {
  return () =>
    new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    });
}

function track(server: Server): Set<Socket> {
  const sockets = new Set<Socket>();
  server.on("connection", (s: Socket) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  return sockets;
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/**
 * A URL where nothing listens, that nothing else can start listening on while the tests run.
 *
 * A port bound then released may be handed to the next server any process starts (another test
 * file's core, say), which then answers where the test expects a refusal. So the port stays held
 * on 127.0.0.1 by a listener (unref'd: it never keeps the process alive), which also keeps any
 * 0.0.0.0 listener off it, and the URL names it on 127.0.0.2, where Linux's loopback refuses the
 * connection. Where 127.0.0.2 is not loopback (macOS), the port is released as before.
 */
export async function closedPortUrl(): Promise<string> {
  const holder = createTcpServer();
  const held = new URL(await listen(holder));
  holder.unref();
  const aside = `127.0.0.2:${held.port}`;
  const refused = await new Promise<boolean>((resolve) => {
    const socket = connect(Number(held.port), "127.0.0.2");
    socket.once("connect", () => {
      socket.destroy();
      resolve(false);
    });
    socket.once("error", (err: NodeJS.ErrnoException) => resolve(err.code === "ECONNREFUSED"));
  });
  if (refused) return `http://${aside}`;
  await new Promise<void>((resolve) => holder.close(() => resolve()));
  return held.origin;
}

export type TcpFaultMode = { kind: "pass" } | { kind: "drop" } | { kind: "stall" } | { kind: "delay"; ms: number };

export interface TcpFaultProxy extends Stoppable {
  readonly mode: TcpFaultMode;
  /**
   * Changes the fault for new connections and resets the open ones (as a restart or network change
   * would), so no keep-alive connection accepted under the old fault lingers in a client's pool.
   */
  setMode(mode: TcpFaultMode): void;
  /** Connections accepted so far. */
  connections: number;
}

/** A TCP proxy to `targetUrl` whose behaviour for new connections is `mode`. */
export async function startTcpFaultProxy(targetUrl: string, mode: TcpFaultMode = { kind: "pass" }): Promise<TcpFaultProxy> {
  const target = new URL(targetUrl);
  let sockets = new Set<Socket>();
  const proxy: TcpFaultProxy = {
    url: "",
    mode,
    connections: 0,
    close: async () => {},
    setMode(next) {
      (proxy as { mode: TcpFaultMode }).mode = next;
      for (const s of sockets) s.destroy();
    },
  };
  const server = createTcpServer((client) => {
    proxy.connections += 1;
    const current = proxy.mode;
    client.on("error", () => {});
    if (current.kind === "drop") {
      client.destroy();
      return;
    }
    if (current.kind === "stall") return; // accepts and reads, never answers
    const pipe = () => {
      if (client.destroyed) return;
      const upstream = connect(Number(target.port), target.hostname);
      upstream.on("error", () => client.destroy());
      client.on("close", () => upstream.destroy());
      upstream.on("close", () => client.destroy());
      client.pipe(upstream).pipe(client);
    };
    if (current.kind === "delay") {
      client.pause();
      const timer = setTimeout(() => {
        client.resume();
        pipe();
      }, current.ms);
      client.on("close", () => clearTimeout(timer));
    } else pipe();
  });
  sockets = track(server);
  proxy.url = await listen(server);
  proxy.close = closer(server, sockets);
  return proxy;
}

export type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;

/** An HTTP server answering with `handler` (a fake Core). */
export async function startFakeCore(handler: Handler): Promise<Stoppable> {
  const server = createHttpServer((req, res) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (chunk: string) => (body += chunk));
    req.on("end", () => handler(req, res, body));
  });
  const sockets = track(server);
  const url = await listen(server);
  return { url, close: closer(server, sockets) };
}

/**
 * An HTTP proxy to a real core; `rewrite` may replace the answer to a request (return a new body
 * string), or leave it (return undefined).
 */
export async function startRewritingProxy(
  targetUrl: string,
  rewrite: (method: string, path: string, status: number, body: string) => string | undefined,
): Promise<Stoppable> {
  const target = new URL(targetUrl);
  return startFakeCore((req, res, body) => {
    const upstream = httpRequest(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: { ...req.headers, host: target.host } },
      (answer) => {
        let text = "";
        answer.setEncoding("utf8");
        answer.on("data", (chunk: string) => (text += chunk));
        answer.on("end", () => {
          const path = new URL(req.url ?? "/", "http://x").pathname;
          const replaced = rewrite(req.method ?? "GET", path, answer.statusCode ?? 500, text);
          const headers = { ...answer.headers };
          delete headers["content-length"];
          delete headers["transfer-encoding"];
          res.writeHead(answer.statusCode ?? 500, headers);
          res.end(replaced ?? text);
        });
      },
    );
    upstream.on("error", () => res.destroy());
    upstream.end(body);
  });
}
