/**
 * A connection to one SuperTokens Core (a profile's URIs, key and timeout). Services make their
 * Core calls through it: supertokens-node calls inside `sdk()`, and the few endpoints the SDK
 * does not wrap through `raw()`, which sends exactly the SDK's headers.
 */
import { Querier } from "supertokens-node/lib/build/querier.js";
import { GatehouseError } from "../../shared/contract/errors.ts";
import type { JsonObject } from "../../shared/contract/schemas.ts";
import { type CoreTarget, coreCallContext } from "./call-context.ts";
import { toGatehouseError } from "./core-errors.ts";
import { fetchWithFailover } from "./fetch-guard.ts";
import { initSdkOnce } from "./sdk.ts";

/** The most user ids the Core takes in one bulk metadata read. */
export const BULK_METADATA_MAX = 500;

/** CDI versions this console is written against (supertokens-node 24 speaks 5.x). */
export const SUPPORTED_CDI = ["5.4", "5.3", "5.2", "5.1", "5.0"] as const;

export class CoreClient {
  constructor(readonly target: CoreTarget) {
    initSdkOnce();
  }

  get label(): string {
    return this.target.uris.join(";");
  }

  /** Runs supertokens-node calls against this Core, with its timeout, mapping failures. */
  async sdk<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await coreCallContext.run(this.target, fn);
    } catch (err) {
      throw toGatehouseError(err, this.label);
    }
  }

  /** An endpoint supertokens-node has no wrapper for, sent with the SDK's headers. */
  async raw<T>(method: "GET" | "POST" | "PUT", path: string, body?: unknown, query?: Record<string, string>): Promise<T> {
    const { status, text } = await this.rawAnswer(method, path, body, query);
    if (status !== 200) {
      throw new GatehouseError({ code: "CORE_ERROR", message: `The SuperTokens Core answered ${status} on ${path}: ${text.trim()}` });
    }
    return JSON.parse(text) as T;
  }

  /**
   * Like raw(), but any answer other than 401 comes back with its status and body, for callers that
   * read the Core's 400s and 404s (e.g. the bulk import's per-user errors). Transport failures throw.
   */
  async rawAnswer(method: "GET" | "POST" | "PUT", path: string, body?: unknown, query?: Record<string, string>): Promise<{ status: number; text: string }> {
    const headers: Record<string, string> = { "cdi-version": SUPPORTED_CDI[0] };
    if (this.target.apiKey) headers["api-key"] = this.target.apiKey;
    if (body !== undefined) headers["content-type"] = "application/json; charset=utf-8";
    const qs = query ? `?${new URLSearchParams(query).toString()}` : "";
    let response: Response;
    let text: string;
    try {
      // The timeout covers the body too: a Core that stalls after its headers is a TIMEOUT, not INTERNAL.
      response = await fetchWithFailover(this.target.uris, path + qs, this.target.timeoutMs, {
        method,
        headers,
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
      text = await response.text();
    } catch (err) {
      throw toGatehouseError(err, this.label);
    }
    if (response.status === 401) throw new GatehouseError({ code: "CORE_AUTH", message: `The SuperTokens Core at ${this.label} refused the API key. Check the profile's API key.` });
    return { status: response.status, text };
  }

  /**
   * Many users' metadata (`POST /recipe/user/metadata/bulk`, which supertokens-node does not
   * wrap), asked BULK_METADATA_MAX at a time — the Core refuses more in one call. Users without
   * metadata get {}.
   */
  async metadataOf(userIds: readonly string[]): Promise<Map<string, JsonObject>> {
    const out = new Map<string, JsonObject>();
    for (let i = 0; i < userIds.length; i += BULK_METADATA_MAX) {
      const { users } = await this.raw<{ users: { userId: string; metadata: JsonObject | null }[] }>("POST", "/recipe/user/metadata/bulk", {
        userIds: userIds.slice(i, i + BULK_METADATA_MAX),
      });
      for (const u of users) out.set(u.userId, u.metadata ?? {});
    }
    return out;
  }

  /** The CDI versions the Core speaks, and the newest one both sides know (undefined: none). */
  async cdiVersions(): Promise<{ versions: string[]; chosen: string | undefined }> {
    const { versions } = await this.raw<{ versions: string[] }>("GET", "/apiversion");
    return { versions, chosen: SUPPORTED_CDI.find((v) => versions.includes(v)) };
  }
}

/**
 * supertokens-node remembers the first Core's CDI version for the whole process; after a switch
 * to another Core it must ask again.
 */
export function forgetSdkCdiVersion(): void {
  (Querier as unknown as { apiVersion: string | undefined }).apiVersion = undefined;
}
