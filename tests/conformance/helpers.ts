/**
 * Small helpers shared by the conformance tests: unique account info (a real Core may be
 * shared between runs and test files) and raw HTTP calls that send exactly what the SDK sends.
 */
import { expect } from "vitest";
import type { TestCore } from "../support/core.ts";

/** True when the suite runs against the embedded core (known at collection time, for skipIf). */
export const embedded = !process.env.CORE_URL;

/** The CDI version supertokens-node 24.0.3 speaks. */
export const CDI_VERSION = "5.4";

const runId = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
let counter = 0;

/** A lower-case email nobody else uses (the Core lower-cases emails). */
export function uniqueEmail(tag: string): string {
  counter += 1;
  return `${tag}-${runId}-${counter}@example.com`;
}

/** A prefix shared by every uniqueEmail(tag) of this run, for search queries. */
export function emailPrefix(tag: string): string {
  return `${tag}-${runId}-`;
}

let phoneBase = Math.floor(Math.random() * 7_000_000);

/** A valid US number in E.164 (+1 415 XXX XXXX, exchange starting 2-9) unique to this run. */
export function uniquePhone(): string {
  phoneBase = (phoneBase + 1) % 7_000_000;
  return `+1415${2_000_000 + phoneBase}`;
}

/** "+14155550109" → "+1 (415) 555-0109" (the form the Core must normalize back). */
export function formatUsPhone(e164: string): string {
  const digits = e164.slice(2);
  return `+1 (${digits.slice(0, 3)}) ${digits.slice(3, 6)}-${digits.slice(6)}`;
}

export interface RawResponse {
  status: number;
  contentType: string | null;
  text: string;
}

export interface RawRequest {
  method?: string;
  /** Query parameters. */
  query?: Record<string, string>;
  /** A JSON value (serialized) or a string sent as is. */
  body?: unknown;
  /** cdi-version header: defaults to 5.4; null sends none. */
  cdi?: string | null;
  /** api-key header: defaults to the core's key; null sends none. */
  apiKey?: string | null;
  headers?: Record<string, string>;
}

/** One raw HTTP call to the core, with the SDK's headers unless told otherwise. */
export async function raw(core: TestCore, path: string, req: RawRequest = {}): Promise<RawResponse> {
  const url = new URL(core.url.replace(/\/$/, "") + path);
  for (const [k, v] of Object.entries(req.query ?? {})) url.searchParams.set(k, v);
  const headers: Record<string, string> = { ...(req.headers ?? {}) };
  const cdi = req.cdi === undefined ? CDI_VERSION : req.cdi;
  if (cdi !== null) headers["cdi-version"] = cdi;
  const apiKey = req.apiKey === undefined ? core.apiKey : req.apiKey;
  if (apiKey) headers["api-key"] = apiKey;
  let body: string | undefined;
  if (req.body !== undefined) {
    body = typeof req.body === "string" ? req.body : JSON.stringify(req.body);
    headers["content-type"] ??= "application/json; charset=utf-8";
  }
  const res = await fetch(url, { method: req.method ?? "GET", headers, ...(body !== undefined ? { body } : {}) });
  return { status: res.status, contentType: res.headers.get("content-type"), text: await res.text() };
}

/** Parses a raw JSON response body (fails the test with the body when it is not JSON). */
export function json<T = Record<string, unknown>>(res: RawResponse): T {
  try {
    return JSON.parse(res.text) as T;
  } catch {
    throw new Error(`expected a JSON body, got ${res.status} ${JSON.stringify(res.text)}`);
  }
}

export const JSON_CONTENT_TYPE = "application/json;charset=UTF-8";
export const TEXT_CONTENT_TYPE = "text/html;charset=UTF-8";

/** The text supertokens-node puts in the Error it throws for a non-200 Core answer. */
export function coreErrorMessage(method: string, path: string, status: number, body: string): string {
  return `SuperTokens core threw an error for a ${method} request to path: '${path}' with status code: ${status} and message: ${body}`;
}

/**
 * Checks a change in a count. Against the embedded core (fresh database per file) the change
 * must be exact; a real Core may be shared with other test files running at the same time,
 * so there it can only be at least the expected change.
 */
export function expectCountChange(before: number, after: number, delta: number): void {
  if (embedded) expect(after - before).toBe(delta);
  else expect(after - before).toBeGreaterThanOrEqual(delta);
}

/** A random, well-formed (base64 of 32 bytes) device id that no device has. */
export function unknownDeviceId(): string {
  const bytes = new Uint8Array(32);
  crypto.getRandomValues(bytes);
  return Buffer.from(bytes).toString("base64");
}

/** A random id in the SuperTokens user id format that no user has. */
export function unknownUserId(): string {
  return crypto.randomUUID();
}
