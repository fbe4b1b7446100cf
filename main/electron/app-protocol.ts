/**
 * Serves the built renderer on gatehouse://app/ with the same CSP and security headers as browser
 * mode. Plain Node (fs, Response): protocol.handle in main.ts wires it to Electron.
 */
import { readFile } from "node:fs/promises";
import { SECURITY_HEADERS } from "../server/security-headers.ts";
import { contentTypeFor, resolveStaticFile } from "../server/static-files.ts";
import { isAppUrl } from "./security-policy.ts";

export function serveRenderer(rendererDir: string): (request: Request) => Promise<Response> {
  return async (request) => {
    const headers = { ...SECURITY_HEADERS };
    if (!isAppUrl(request.url)) return new Response("Not found", { status: 404, headers });
    if (request.method !== "GET" && request.method !== "HEAD") return new Response("Method not allowed", { status: 405, headers });
    const file = resolveStaticFile(rendererDir, new URL(request.url).pathname);
    if (!file) return new Response("Not found", { status: 404, headers });
    const body = request.method === "HEAD" ? null : new Uint8Array(await readFile(file));
    return new Response(body, { status: 200, headers: { ...headers, "Content-Type": contentTypeFor(file) } });
  };
}
