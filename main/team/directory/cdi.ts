/**
 * Raw CDI calls to the operator directory's Core through the CoreClient (supertokens-node's global
 * instance belongs to the console's managed Cores; the directory only needs a few endpoints). Any
 * failure becomes DIRECTORY_UNAVAILABLE with a message fit for an unauthenticated answer; the
 * details (which Core, what it said) go to the log, which never sees a key or password.
 */
import type { CoreClient } from "../../core/core-client.ts";
import { TeamError } from "../errors.ts";

export type Log = (line: string) => void;

export interface CdiCall {
  method: "GET" | "POST" | "PUT";
  path: string;
  /** Scoped to the directory's tenant (the path gets its prefix). */
  tenant?: boolean;
  body?: unknown;
  query?: Record<string, string>;
}

export class DirectoryCdi {
  constructor(
    private readonly core: CoreClient,
    readonly tenantId: string,
    private readonly log: Log,
  ) {}

  /** Answers the Core's JSON when it is a 200 whose status is one of `expected`. */
  async call<T extends { status: string }>(call: CdiCall, expected: readonly string[] = ["OK"]): Promise<T> {
    const path = call.tenant && this.tenantId !== "public" ? `/${encodeURIComponent(this.tenantId)}${call.path}` : call.path;
    let answer: { status: number; text: string };
    try {
      answer = await this.core.rawAnswer(call.method, path, call.body, call.query);
    } catch (err) {
      throw this.unavailable(`${call.method} ${call.path} failed: ${err instanceof Error ? err.message : String(err)}`);
    }
    let body: T | undefined;
    try {
      body = answer.status === 200 ? (JSON.parse(answer.text) as T) : undefined;
    } catch {
      body = undefined;
    }
    if (!body || !expected.includes(body.status)) {
      throw this.unavailable(`${call.method} ${call.path} answered ${answer.status}: ${answer.text.slice(0, 200).trim()}`);
    }
    return body;
  }

  private unavailable(detail: string): TeamError {
    this.log(`team: operator directory (${this.core.label}, tenant ${this.tenantId}): ${detail}`);
    return new TeamError("DIRECTORY_UNAVAILABLE", "The operator directory is not available right now; try again shortly.");
  }
}
