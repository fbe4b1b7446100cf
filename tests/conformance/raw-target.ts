/**
 * Raw HTTP for the conformance tests that need a request target exactly as written ("//x",
 * "/a/./b", "%2e%2e" — fetch() would normalize them) or a method fetch() refuses (TRACE).
 */
import { request } from "node:http";
import type { TestCore } from "../support/core.ts";
import { CDI_VERSION } from "./helpers.ts";

export interface RawTargetResponse {
  status: number;
  headers: Record<string, string>;
  text: string;
}

export interface RawTargetOptions {
  method?: string;
  headers?: Record<string, string>;
  /** cdi-version header: defaults to 5.4; null sends none. */
  cdi?: string | null;
  body?: string;
}

export function rawTarget(core: TestCore, target: string, options: RawTargetOptions = {}): Promise<RawTargetResponse> {
  const url = new URL(core.url);
  const headers: Record<string, string> = { ...(options.headers ?? {}) };
  const cdi = options.cdi === undefined ? CDI_VERSION : options.cdi;
  if (cdi !== null) headers["cdi-version"] = cdi;
  if (core.apiKey && headers["api-key"] === undefined) headers["api-key"] = core.apiKey;
  if (options.body !== undefined) headers["content-length"] = String(Buffer.byteLength(options.body));
  return new Promise((resolve, reject) => {
    const req = request(
      { host: url.hostname, port: url.port, method: options.method ?? "GET", path: target, headers, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const out: Record<string, string> = {};
          for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) out[k] = Array.isArray(v) ? v.join(", ") : v;
          resolve({ status: res.statusCode ?? 0, headers: out, text: Buffer.concat(chunks).toString("utf8") });
        });
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    if (options.body !== undefined) req.write(options.body);
    req.end();
  });
}

/** The <b>Message</b> line of a Tomcat error page, or undefined when the page has none. */
export function tomcatMessage(html: string): string | undefined {
  return /<p><b>Message<\/b> ([^<]*)<\/p>/.exec(html)?.[1];
}
