/**
 * Every Core call made through supertokens-node goes through the global fetch. Inside a call
 * context (see call-context.ts) this guard sends it to the profile's Core over the Core transport
 * (http-transport.ts), with a timeout, and fails over to the profile's next URI (see
 * fetchWithFailover). Outside one, fetch is untouched.
 */
import { coreCallContext } from "./call-context.ts";
import { coreFetch, type CoreFetch } from "./http-transport.ts";

/** The connectionURI supertokens-node is initialised with; every call is re-addressed from it. */
export const PLACEHOLDER_CORE = "http://gatehouse-core.invalid";

let installed = false;

export function installFetchGuard(): void {
  if (installed) return;
  installed = true;
  const original = globalThis.fetch.bind(globalThis);
  globalThis.fetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const target = coreCallContext.getStore();
    const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
    if (!target || !url.startsWith(PLACEHOLDER_CORE)) return original(input, init);
    return fetchWithFailover(target.uris, url.slice(PLACEHOLDER_CORE.length), target.timeoutMs, init);
  };
}

/**
 * Tries each URI in turn (starting from the last one that answered). A URI that refuses the
 * connection, or cannot be resolved, never saw the request, so the next one is tried for any
 * method. A timeout or a dropped connection may come after the Core acted, so only reads are
 * tried again elsewhere; a change is never sent twice.
 */
export async function fetchWithFailover(
  uris: string[],
  pathAndQuery: string,
  timeoutMs: number,
  init: RequestInit | undefined,
  send: CoreFetch = coreFetch,
): Promise<Response> {
  const key = uris.join(";");
  const start = lastGood.get(key) ?? 0;
  const idempotent = (init?.method ?? "GET").toUpperCase() === "GET";
  let lastError: unknown;
  for (let i = 0; i < uris.length; i++) {
    const index = (start + i) % uris.length;
    const base = (uris[index] ?? "").replace(/\/+$/, "");
    try {
      const response = await send(base + pathAndQuery, init, timeoutMs);
      lastGood.set(key, index);
      return response;
    } catch (err) {
      lastError = err;
      if (!idempotent && !neverReachedCore(err)) throw err;
    }
  }
  throw lastError;
}

/** Connection errors that happen before a request is sent. */
function neverReachedCore(err: unknown): boolean {
  const code = (err as { cause?: { code?: string } }).cause?.code ?? (err as { code?: string }).code;
  return code !== undefined && ["ECONNREFUSED", "ENOTFOUND", "EHOSTUNREACH", "ENETUNREACH", "EAI_AGAIN"].includes(code);
}

const lastGood = new Map<string, number>();

export const isTimeout = (err: unknown): boolean =>
  err instanceof Error && (err.name === "TimeoutError" || err.name === "AbortError");
