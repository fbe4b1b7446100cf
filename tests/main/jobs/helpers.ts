/**
 * Helpers for the job engine's tests: an HTTP proxy in front of a real core that can delay or
 * fail chosen requests and counts the effects that reach the core, a test job kind that records
 * its concurrency, and polling.
 */
import { createServer, request as httpRequest, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { z } from "zod";
import type { JobKind } from "../../../main/jobs/kind.ts";
import type { GatehouseClient } from "../../../shared/contract/client.ts";
import type { JobSummary } from "../../../shared/contract/operations/jobs.ts";

export interface ProxyRequest {
  method: string;
  path: string;
  /** The query string, with its "?" (or ""). */
  query: string;
  body: string;
}

/**
 * What to do with one request: pass it (after `delayMs`), or answer `status` (and `body`) without
 * passing it, or pass it and then answer `lostAnswer` instead of the core's answer (the effect
 * happened, the client never learns it). `observe` sees the core's answer on its way.
 */
export type Verdict = { delayMs?: number; status?: number; body?: string; lostAnswer?: number; observe?: (status: number, body: string) => void };

export interface ScriptedProxy {
  url: string;
  /** Every request that reached the core (not those answered by the proxy). */
  passed: ProxyRequest[];
  /** Requests passed to the core and not yet answered, now and at most so far. */
  inFlight: number;
  peakInFlight: number;
  /** Requests the proxy answered itself (with a verdict's status). */
  refused: number;
  /** May answer later (e.g. after looking something up on the core itself). */
  script: (req: ProxyRequest) => Verdict | Promise<Verdict>;
  close(): Promise<void>;
}

export async function startScriptedProxy(targetUrl: string): Promise<ScriptedProxy> {
  const target = new URL(targetUrl);
  const proxy: ScriptedProxy = { url: "", passed: [], inFlight: 0, peakInFlight: 0, refused: 0, script: () => ({}), close: async () => {} };
  const server: Server = createServer((req, res) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (c: string) => (body += c));
    req.on("end", () => {
      const url = new URL(req.url ?? "/", "http://x");
      const entry = { method: req.method ?? "GET", path: url.pathname, query: url.search, body };
      const act = (verdict: Verdict) => {
        if (verdict.status !== undefined) {
          const status = verdict.status;
          const refuse = () => {
            proxy.refused += 1;
            res.writeHead(status, { "content-type": "text/plain" });
            res.end(verdict.body ?? "injected failure");
          };
          if (verdict.delayMs) setTimeout(refuse, verdict.delayMs);
          else refuse();
          return;
        }
        // In flight from here (a delay is time the "Core" takes) until the core has answered, even
        // when the client is gone meanwhile (killed): the request still reaches the core.
        proxy.inFlight += 1;
        proxy.peakInFlight = Math.max(proxy.peakInFlight, proxy.inFlight);
        let counted = true;
        const landed = () => {
          if (counted) proxy.inFlight -= 1;
          counted = false;
        };
        const pass = () => {
          proxy.passed.push(entry);
          const upstream = httpRequest({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers: { ...req.headers, host: target.host } }, (answer) => {
            answer.on("end", landed);
            if (verdict.observe) {
              let text = "";
              answer.on("data", (chunk: Buffer) => (text += chunk.toString("utf8")));
              answer.on("end", () => verdict.observe?.(answer.statusCode ?? 0, text));
            }
            if (verdict.lostAnswer !== undefined) {
              answer.resume();
              answer.on("end", () => {
                res.writeHead(verdict.lostAnswer ?? 500, { "content-type": "text/plain" });
                res.end("the answer was lost on the way");
              });
              return;
            }
            // A client gone meanwhile: the answer is drained all the same, so that it counts as landed.
            res.on("close", () => answer.resume());
            res.writeHead(answer.statusCode ?? 500, answer.headers);
            answer.pipe(res);
          });
          upstream.on("error", () => {
            landed();
            res.destroy();
          });
          upstream.end(body);
        };
        if (verdict.delayMs) setTimeout(pass, verdict.delayMs);
        else pass();
      };
      const verdict = proxy.script(entry);
      if (verdict instanceof Promise) void verdict.then(act);
      else act(verdict);
    });
  });
  const sockets = new Set<import("node:net").Socket>();
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  proxy.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  proxy.close = () =>
    new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    });
  return proxy;
}

/** A role addition (the SDK sends it tenant-scoped: /<tenant>/recipe/user/role). */
export const isRoleAdd = (r: ProxyRequest): boolean => r.method === "PUT" && r.path.endsWith("/recipe/user/role");

/** The role additions that reached the core, per user id. */
export function roleAdds(proxy: ScriptedProxy): Map<string, number> {
  const counts = new Map<string, number>();
  for (const r of proxy.passed) {
    if (!isRoleAdd(r)) continue;
    const { userId } = JSON.parse(r.body) as { userId: string };
    counts.set(userId, (counts.get(userId) ?? 0) + 1);
  }
  return counts;
}

export async function waitFor<T>(what: string, probe: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 15_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export async function jobWhere(client: GatehouseClient, jobId: string, pred: (j: JobSummary) => boolean, what: string, timeoutMs?: number): Promise<JobSummary> {
  return waitFor(
    what,
    async () => {
      const { job } = await client.invoke("jobs.get", { jobId, limit: 1 });
      return pred(job) ? job : undefined;
    },
    timeoutMs,
  );
}

const sleepInput = z.object({ count: z.number().int().min(1), ms: z.number().int().min(0), failAt: z.array(z.number()).default([]) });

/** A kind that sleeps per item and records how many items run at once (no Core calls). */
export function sleepKind(concurrency: number) {
  const stats = { inFlight: 0, maxInFlight: 0, calls: 0 };
  const kind: JobKind<z.output<typeof sleepInput>, { n: number; ms: number; fail: boolean }, { slept: number }> = {
    name: "test.sleep",
    permission: "jobs:control",
    input: sleepInput,
    concurrency,
    inputColumns: ["n"],
    resultColumns: ["slept"],
    describe: (i) => `${i.count} naps`,
    prepare: async (i) => Array.from({ length: i.count }, (_, n) => ({ input: { n, ms: i.ms, fail: i.failAt.includes(n) } })),
    async runItem(item) {
      stats.calls += 1;
      stats.inFlight += 1;
      stats.maxInFlight = Math.max(stats.maxInFlight, stats.inFlight);
      try {
        await new Promise((r) => setTimeout(r, item.ms));
        if (item.fail) throw new Error(`item ${item.n} refuses`);
        return { slept: item.ms };
      } finally {
        stats.inFlight -= 1;
      }
    },
  };
  return { kind, stats };
}
