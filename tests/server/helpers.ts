/** Raw HTTP for browser-mode tests: node:http (not fetch) so Host and odd paths go out as written. */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { request as httpRequest, type IncomingHttpHeaders } from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";

export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface RawRequest {
  method?: string;
  path: string;
  headers?: Record<string, string>;
  body?: string;
}

export function rawRequest(port: number, req: RawRequest): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(
      { host: "127.0.0.1", port, method: req.method ?? "GET", path: req.path, headers: { host: `127.0.0.1:${port}`, ...req.headers } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString("utf8") }));
        res.on("error", reject);
      },
    );
    outgoing.on("error", reject);
    outgoing.end(req.body);
  });
}

/** POST /api/invoke with the given token (or none). */
export function invoke(port: number, token: string | undefined, op: string, input: unknown = {}, headers: Record<string, string> = {}): Promise<RawResponse> {
  return rawRequest(port, {
    method: "POST",
    path: "/api/invoke",
    headers: { "content-type": "application/json", ...(token === undefined ? {} : { authorization: `Bearer ${token}` }), ...headers },
    body: JSON.stringify({ op, input }),
  });
}

/**
 * A stand-in for dist/renderer inside a temp folder, with a secret file next to it (outside the
 * root) that traversal attempts aim at.
 */
export function stubRenderer(): { base: string; rendererDir: string } {
  const base = mkdtempSync(path.join(tmpdir(), "gatehouse-renderer-"));
  const rendererDir = path.join(base, "renderer");
  mkdirSync(path.join(rendererDir, "assets"), { recursive: true });
  writeFileSync(path.join(rendererDir, "index.html"), '<!doctype html><title>Gatehouse</title><script type="module" src="./assets/app-3f2a1c.js"></script>');
  writeFileSync(path.join(rendererDir, "assets", "app-3f2a1c.js"), "console.log('gatehouse');");
  writeFileSync(path.join(rendererDir, "assets", "app-3f2a1c.css"), "body{margin:0}");
  writeFileSync(path.join(rendererDir, ".env"), "SECRET=1");
  writeFileSync(path.join(base, "secret.txt"), "TOP SECRET");
  return { base, rendererDir };
}
