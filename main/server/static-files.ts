/**
 * The renderer's built files (dist/renderer), for browser mode and for Electron's app:// protocol.
 * Only regular files under the root are served: no `..`, no encoded slashes or backslashes, no
 * dotfiles, no symlinks leading out of the root.
 */
import { realpathSync, statSync } from "node:fs";
import path from "node:path";

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".map": "application/json; charset=utf-8",
  ".webmanifest": "application/manifest+json; charset=utf-8",
  ".txt": "text/plain; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".gif": "image/gif",
  ".webp": "image/webp",
  ".ico": "image/x-icon",
  ".woff": "font/woff",
  ".woff2": "font/woff2",
  ".ttf": "font/ttf",
};

export function contentTypeFor(file: string): string {
  return CONTENT_TYPES[path.extname(file).toLowerCase()] ?? "application/octet-stream";
}

/**
 * The file under `root` that the URL path `pathname` names ("/" is index.html), or undefined when
 * there is none or the path tries to leave the root.
 */
export function resolveStaticFile(root: string, pathname: string): string | undefined {
  const segments: string[] = [];
  for (const raw of pathname.split("/")) {
    if (raw === "") continue;
    let segment: string;
    try {
      segment = decodeURIComponent(raw);
    } catch {
      return undefined; // malformed %-escape
    }
    if (segment.startsWith(".") || /[/\\\0:]/.test(segment)) return undefined;
    segments.push(segment);
  }
  if (segments.length === 0) segments.push("index.html");

  let realRoot: string;
  let realFile: string;
  try {
    realRoot = realpathSync(root);
    realFile = realpathSync(path.join(realRoot, ...segments));
    if (!statSync(realFile).isFile()) return undefined;
  } catch {
    return undefined;
  }
  const relative = path.relative(realRoot, realFile);
  if (relative === "" || relative.startsWith("..") || path.isAbsolute(relative)) return undefined;
  return realFile;
}

/** Vite puts content-hashed files under assets/: those may be cached for good, nothing else. */
export function cacheControlFor(root: string, file: string): string {
  const relative = path.relative(realpathSync(root), file).split(path.sep);
  return relative[0] === "assets" ? "public, max-age=31536000, immutable" : "no-cache";
}
