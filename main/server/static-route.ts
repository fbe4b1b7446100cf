import { createReadStream, statSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { sendText } from "./respond.ts";
import { cacheControlFor, contentTypeFor, resolveStaticFile } from "./static-files.ts";

export function handleStatic(req: IncomingMessage, res: ServerResponse, url: URL, rendererDir: string): void {
  if (req.method !== "GET" && req.method !== "HEAD") {
    res.setHeader("Allow", "GET, HEAD");
    return sendText(res, 405, "Method not allowed");
  }
  const file = resolveStaticFile(rendererDir, url.pathname);
  if (!file) return sendText(res, 404, "Not found");
  res.writeHead(200, {
    "Content-Type": contentTypeFor(file),
    "Content-Length": statSync(file).size,
    "Cache-Control": cacheControlFor(rendererDir, file),
  });
  if (req.method === "HEAD") {
    res.end();
    return;
  }
  createReadStream(file)
    .on("error", () => res.destroy())
    .pipe(res);
}
