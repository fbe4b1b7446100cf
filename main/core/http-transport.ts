/**
 * How Core calls travel: node:http(s) with keep-alive connections, answered with a small
 * fetch-Response look-alike, instead of the global fetch.
 *
 * Why: Node 20's fetch (undici) spends about 0.3 ms of CPU on each small request (a WHATWG
 * ReadableStream per body, AbortSignal, Response.clone teeing the stream), five times what
 * node:http does. Gatehouse makes thousands of Core calls a minute in bulk jobs and user pages,
 * so that was the main process's largest cost. supertokens-node reads only `status`, `headers`,
 * `text()`/`json()` and `clone()` of what fetch returns (lib/build/querier.js), and CoreClient.raw
 * reads `status` and `text()`: CoreResponse gives exactly those, over the body already read.
 *
 * Failures look like fetch's, so that the failover and error mapping treat them the same: a
 * connection failure is a TypeError "fetch failed" whose `cause` has the socket's `code`, and the
 * timeout (which covers the whole exchange, body included) is a DOMException named TimeoutError.
 */
import http from "node:http";
import https from "node:https";

/** Idle connections are closed after this long: sooner than the 5 s Node servers keep them, so a reused one is never half-closed. */
const IDLE_MS = 4_000;
const agents = {
  "http:": new http.Agent({ keepAlive: true, timeout: IDLE_MS }),
  "https:": new https.Agent({ keepAlive: true, timeout: IDLE_MS }),
};

export type CoreFetch = (url: string, init: RequestInit | undefined, timeoutMs: number) => Promise<Response>;

/** What supertokens-node and CoreClient read of a fetch Response, over a body that is already here. */
class CoreResponse {
  readonly ok: boolean;
  readonly redirected = false;
  readonly type = "basic";
  readonly bodyUsed = false;

  constructor(
    readonly status: number,
    readonly statusText: string,
    readonly headers: Headers,
    readonly url: string,
    private readonly body: Buffer,
  ) {
    this.ok = status >= 200 && status < 300;
  }

  text(): Promise<string> {
    return Promise.resolve(this.body.toString("utf8"));
  }

  json(): Promise<unknown> {
    return this.text().then((text) => JSON.parse(text) as unknown);
  }

  arrayBuffer(): Promise<ArrayBuffer> {
    return Promise.resolve(this.body.buffer.slice(this.body.byteOffset, this.body.byteOffset + this.body.byteLength) as ArrayBuffer);
  }

  clone(): CoreResponse {
    return new CoreResponse(this.status, this.statusText, this.headers, this.url, this.body);
  }
}

function headersOf(init: RequestInit | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  new Headers(init?.headers).forEach((value, key) => (out[key] = value));
  return out;
}

function bodyOf(init: RequestInit | undefined): string | Buffer | undefined {
  const body = init?.body;
  if (body === undefined || body === null) return undefined;
  if (typeof body === "string") return body;
  if (body instanceof Uint8Array) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  if (body instanceof URLSearchParams) return body.toString();
  throw new TypeError("The Core transport sends string, bytes or URLSearchParams bodies only.");
}

const fetchFailed = (cause: unknown): TypeError => new TypeError("fetch failed", { cause });
const timedOut = (): DOMException => new DOMException("The operation was aborted due to timeout", "TimeoutError");

/** One request to a Core, the response body read whole, within `timeoutMs` (which stands in for `init.signal`: the SDK sends none). */
export const coreFetch: CoreFetch = (url, init, timeoutMs) => {
  const target = new URL(url);
  const agent = agents[target.protocol as keyof typeof agents];
  if (!agent) return Promise.reject(fetchFailed(new Error(`unsupported protocol ${target.protocol}`)));
  const method = (init?.method ?? "GET").toUpperCase();
  const headers = headersOf(init);
  const body = bodyOf(init);
  if (body !== undefined) headers["content-length"] = String(Buffer.byteLength(body));
  const send = target.protocol === "https:" ? https.request : http.request;

  const attempt = (retryStale: boolean): Promise<Response> =>
    new Promise<Response>((resolve, reject) => {
      let settled = false;
      const finish = (fn: () => void) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        fn();
      };
      const req = send(target, { method, headers, agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("error", (err) => finish(() => reject(fetchFailed(err))));
        res.on("close", () => {
          if (!res.complete) finish(() => reject(fetchFailed(Object.assign(new Error("the Core closed the connection mid-answer"), { code: "ECONNRESET" }))));
        });
        res.on("end", () => {
          const responseHeaders = new Headers();
          for (let i = 0; i + 1 < res.rawHeaders.length; i += 2) responseHeaders.append(res.rawHeaders[i] ?? "", res.rawHeaders[i + 1] ?? "");
          const response = new CoreResponse(res.statusCode ?? 0, res.statusMessage ?? "", responseHeaders, url, Buffer.concat(chunks));
          finish(() => resolve(response as unknown as Response));
        });
      });
      const timer = setTimeout(() => {
        finish(() => reject(timedOut()));
        req.destroy();
      }, timeoutMs);
      req.on("error", (err: NodeJS.ErrnoException) => {
        // A kept-alive connection the server closed just as it was reused: a read is sent again
        // once on a new connection (a change is not: it may have arrived).
        if (retryStale && req.reusedSocket && (err.code === "ECONNRESET" || err.code === "EPIPE") && !settled) {
          settled = true;
          clearTimeout(timer);
          attempt(false).then(resolve, reject);
          return;
        }
        finish(() => reject(fetchFailed(err)));
      });
      req.end(body);
    });

  return attempt(method === "GET");
};
