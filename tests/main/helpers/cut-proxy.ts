/**
 * A TCP fault proxy in front of a real core that makes the Core vanish at a chosen step of a
 * multi-step change: the nth request with a given method and path is cut either before it
 * reaches the Core, or after the Core has answered it (the answer is lost, as when a Core or its
 * network dies right after a commit). From then on the Core is gone — open connections are reset
 * and new ones dropped — until restore(). It reads only the request line of each request.
 */
import { createServer, connect, type AddressInfo, type Socket } from "node:net";
import type { Stoppable } from "./faults.ts";

export interface CutRule {
  method: string;
  path: string;
  /** Which matching request, counted from when the cut is armed (default 1). */
  nth?: number;
  when: "before" | "after";
}

export interface CutProxy extends Stoppable {
  /** "METHOD /path" of each request seen, in order. */
  readonly requests: string[];
  readonly down: boolean;
  /** Arms a cut; resolves once it has happened. */
  cutAt(rule: CutRule): Promise<void>;
  /** The Core is back. */
  restore(): void;
}

const REQUEST_LINE = /^([A-Z]+) (\S+) HTTP\/1\.[01]\r\n/;

export async function startCutProxy(targetUrl: string): Promise<CutProxy> {
  const target = new URL(targetUrl);
  const sockets = new Set<Socket>();
  const requests: string[] = [];
  let down = false;
  let armed: { rule: CutRule; seen: number; done: () => void } | undefined;

  const goDown = () => {
    down = true;
    armed?.done();
    armed = undefined;
    for (const s of sockets) s.destroy();
  };
  const keep = (s: Socket) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
    s.on("error", () => s.destroy());
  };

  const server = createServer((client) => {
    keep(client);
    if (down) {
      client.destroy();
      return;
    }
    const upstream = connect(Number(target.port), target.hostname);
    keep(upstream);
    let loseAnswer = false;
    client.on("close", () => upstream.destroy());
    upstream.on("close", () => client.destroy());
    client.on("data", (chunk: Buffer) => {
      const line = REQUEST_LINE.exec(chunk.toString("latin1"));
      if (line) {
        const [, method = "", url = ""] = line;
        const path = url.split("?")[0] ?? url;
        requests.push(`${method} ${path}`);
        if (armed && armed.rule.method === method && armed.rule.path === path && ++armed.seen === (armed.rule.nth ?? 1)) {
          if (armed.rule.when === "before") return goDown();
          loseAnswer = true;
        }
      }
      upstream.write(chunk);
    });
    upstream.on("data", (chunk: Buffer) => {
      if (loseAnswer) return goDown(); // the Core has acted on it; its answer never arrives
      client.write(chunk);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    get down() {
      return down;
    },
    cutAt: (rule) => new Promise<void>((done) => (armed = { rule, seen: 0, done })),
    restore() {
      down = false;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
