/**
 * Raw CDI calls (for what the SDK does not wrap, and for malformed requests): by default the
 * headers the SDK sends; the answer kept as status, content type and body (JSON when it parses).
 */
import type { CoreAddress } from "./world.ts";

export interface RawRequest {
  method: string;
  path: string;
  query?: Record<string, string> | undefined;
  /** A JSON value (serialized) or a string sent as is; undefined sends no body. */
  body?: unknown;
  /** cdi-version header: "5.4" unless told; null sends none. */
  cdi?: string | null | undefined;
  headers?: Record<string, string> | undefined;
}

export interface RawAnswer {
  status: number;
  contentType: string | null;
  /** Kept only when the Core sends one (the JWKS carries its key lifetime there, which the SDK reads). */
  cacheControl?: string;
  body: unknown;
}

export async function rawCall(core: CoreAddress, req: RawRequest): Promise<RawAnswer> {
  const url = new URL(core.url.replace(/\/$/, "") + req.path);
  for (const [k, v] of Object.entries(req.query ?? {})) url.searchParams.set(k, v);
  const headers: Record<string, string> = { ...(req.headers ?? {}) };
  const cdi = req.cdi === undefined ? "5.4" : req.cdi;
  if (cdi !== null) headers["cdi-version"] = cdi;
  if (core.apiKey) headers["api-key"] = core.apiKey;
  let body: string | undefined;
  if (req.body !== undefined) {
    body = typeof req.body === "string" ? req.body : JSON.stringify(req.body);
    headers["content-type"] ??= "application/json; charset=utf-8";
  }
  const res = await fetch(url, { method: req.method, headers, ...(body !== undefined ? { body } : {}) });
  const text = await res.text();
  let parsed: unknown = text;
  if (res.headers.get("content-type")?.includes("application/json")) {
    try {
      parsed = JSON.parse(text);
    } catch {
      // keep the text: a JSON content type with a body that is not JSON is itself a finding
    }
  }
  const cacheControl = res.headers.get("cache-control");
  return { status: res.status, contentType: res.headers.get("content-type"), ...(cacheControl ? { cacheControl } : {}), body: parsed };
}
