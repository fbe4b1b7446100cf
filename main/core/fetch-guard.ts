/**
 * Every Core call made through supertokens-node goes through the global fetch. Inside a call
 * context (see call-context.ts) this guard sends it to the profile's Core over the Core transport
 * (http-transport.ts), with a timeout, paced per Core, failed over to the profile's next URI, and
 * a read retried with backoff (see fetchWithFailover). Outside one, fetch is untouched.
 */
import { coreCallContext } from "./call-context.ts";
import { paceFor } from "./core-pace.ts";
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

/** Attempts of a read that meets a 5xx, or a connection failure, before its answer or error stands. */
export interface ReadRetry {
  /** After a 5xx: contention passes once the pace has come down, so a read waits it out. */
  attempts: number;
  /** After a connection failure: a Core restarting is soon back, one that is down should be said so soon. */
  unreachableAttempts: number;
  /** The wait before the second attempt, doubled for each further one up to capMs (half of it random). */
  baseMs: number;
  capMs: number;
}

export const READ_RETRY: ReadRetry = { attempts: 6, unreachableAttempts: 3, baseMs: 100, capMs: 2_000 };

/** POST endpoints that only read (the SDK sends every other read as GET). */
const POST_READS = ["/recipe/user/metadata/bulk"];

const isRead = (method: string, pathAndQuery: string): boolean => method === "GET" || (method === "POST" && POST_READS.some((p) => pathAndQuery.startsWith(p)));

const isContention = (status: number): boolean => status >= 500 || status === 429;

/**
 * One Core call: paced per Core (core-pace.ts), failed over across the profile's URIs, and, for a
 * read, sent again after a backoff when the Core answered 5xx or could not be reached — so dry
 * runs, scans and pages ride out a Core that is busy or restarting as jobs do. A timeout is not
 * retried: the profile's timeout is how long the operator agreed to wait. A change is never
 * resent here (it may have been applied); jobs retry theirs item by item, idempotently.
 */
export async function fetchWithFailover(
  uris: string[],
  pathAndQuery: string,
  timeoutMs: number,
  init: RequestInit | undefined,
  send: CoreFetch = coreFetch,
  retry: ReadRetry = READ_RETRY,
): Promise<Response> {
  const method = (init?.method ?? "GET").toUpperCase();
  const read = isRead(method, pathAndQuery);
  const pace = paceFor(uris.join(";"));
  for (let attempt = 1; ; attempt++) {
    let outcome: { response: Response } | { error: unknown };
    try {
      outcome = { response: await pace.run(() => eachUri(uris, pathAndQuery, timeoutMs, init, send, method === "GET"), (r) => (isContention(r.status) ? "contention" : "ok")) };
    } catch (error) {
      outcome = { error };
    }
    const again = read && ("response" in outcome ? outcome.response.status >= 500 && attempt < retry.attempts : !isTimeout(outcome.error) && attempt < retry.unreachableAttempts);
    if (!again) {
      if ("response" in outcome) return outcome.response;
      throw outcome.error;
    }
    const step = Math.min(retry.capMs, retry.baseMs * 2 ** (attempt - 1));
    await new Promise((resolve) => setTimeout(resolve, step / 2 + Math.random() * (step / 2)));
  }
}

/**
 * Tries each URI in turn (starting from the last one that answered). A URI that refuses the
 * connection, or cannot be resolved, never saw the request, so the next one is tried for any
 * method. A timeout or a dropped connection may come after the Core acted, so only GETs are
 * tried again elsewhere; a change is never sent twice.
 */
async function eachUri(uris: string[], pathAndQuery: string, timeoutMs: number, init: RequestInit | undefined, send: CoreFetch, idempotent: boolean): Promise<Response> {
  const key = uris.join(";");
  const start = lastGood.get(key) ?? 0;
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
