/**
 * An HTTP proxy to a real core that sees each request (method, path, query) and can hold one
 * request forever — the Core as a console experiences it when that console freezes or dies
 * mid-call. Everything else passes through unchanged.
 */
import { request as httpRequest, type IncomingMessage } from "node:http";
import { startFakeCore, type Stoppable } from "./faults.ts";

export interface TappedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
}

export interface HttpTap extends Stoppable {
  readonly seen: TappedRequest[];
  /** The next request that matches is never answered; resolves when it arrives. */
  holdNext(match: (req: TappedRequest) => boolean): Promise<TappedRequest>;
}

export async function startHttpTap(targetUrl: string): Promise<HttpTap> {
  const target = new URL(targetUrl);
  const seen: TappedRequest[] = [];
  let hold: { match: (req: TappedRequest) => boolean; resolve: (req: TappedRequest) => void } | undefined;
  const server = await startFakeCore((req: IncomingMessage, res, body) => {
    const url = new URL(req.url ?? "/", "http://tap.invalid");
    const tapped = { method: req.method ?? "GET", path: url.pathname, query: url.searchParams };
    seen.push(tapped);
    if (hold?.match(tapped)) {
      const { resolve } = hold;
      hold = undefined;
      resolve(tapped);
      return; // never answered
    }
    const upstream = httpRequest({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers: { ...req.headers, host: target.host } }, (answer) => {
      res.writeHead(answer.statusCode ?? 500, answer.headers);
      answer.pipe(res);
    });
    upstream.on("error", () => res.destroy());
    upstream.end(body);
  });
  return {
    ...server,
    seen,
    holdNext: (match) => new Promise((resolve) => (hold = { match, resolve })),
  };
}
