/**
 * The console's operations on a team server: POST /api/invoke with the session cookie (sent by
 * the browser, same origin) and the session's CSRF token; events over server-sent events, which
 * carry the cookie too. A 401 means the session ended (signed out elsewhere, expired, removed by
 * an admin): the transport says so once through `onSessionEnded`, and the page shows sign-in.
 */
import type { Transport } from "../../../shared/contract/client.ts";
import { ERROR_CODES, type Envelope, type ErrorBody } from "../../../shared/contract/errors.ts";
import type { EventName } from "../../../shared/contract/events.ts";
import type { TeamApi } from "./team.ts";

export const SESSION_ENDED = "Your session ended — sign in again.";

export function teamTransport(api: TeamApi, onSessionEnded: () => void): Transport {
  const { http } = api;
  const ended = (): Envelope<unknown> => {
    api.forget();
    onSessionEnded();
    return { ok: false, error: { code: "FORBIDDEN", message: SESSION_ENDED } };
  };

  const post = (op: string, input: unknown): Promise<Response> =>
    http.fetch(`${http.origin}/api/invoke`, {
      method: "POST",
      credentials: "same-origin",
      headers: { "content-type": "application/json", "x-csrf-token": api.csrfToken() ?? "" },
      body: JSON.stringify({ op, input }),
    });

  return {
    async invoke(op, input) {
      let response: Response;
      try {
        response = await post(op, input);
        // A CSRF refusal after another tab signed in again: the cookie is newer than our token.
        // The same operator goes on with the new session; anyone else starts from sign-in.
        if (response.status === 403 && (await errorCode(response.clone())) === "CSRF") {
          const before = api.userId();
          const probe = await api.probe();
          if (probe.status !== "signed-in" || probe.session.operator.userId !== before) return ended();
          response = await post(op, input);
        }
      } catch {
        return { ok: false, error: { code: "INTERNAL", message: "The Gatehouse server did not answer. Check your network connection and try again." } };
      }
      if (response.status === 401) return ended();
      let envelope: Envelope<unknown>;
      try {
        envelope = (await response.json()) as Envelope<unknown>;
      } catch {
        return { ok: false, error: { code: "INTERNAL", message: `The Gatehouse server answered ${response.status} without an answer the console can read. Try again.` } };
      }
      return envelope.ok ? envelope : { ok: false, error: asContractError(envelope.error) };
    },
    subscribe(handler) {
      if (!http.EventSource) return () => {};
      const source = new http.EventSource(`${http.origin}/api/events`);
      source.addEventListener("message", ((e: MessageEvent<string>) => {
        const { name, payload } = JSON.parse(e.data) as { name: EventName; payload: unknown };
        handler(name, payload);
      }) as EventListener);
      // A stream the server refused (401) is closed for good: if the session is gone, say so now
      // rather than at the operator's next click.
      source.addEventListener("error", () => {
        if (source.readyState !== 2) return;
        void api.probe().then((p) => {
          if (p.status === "signed-out") ended();
        });
      });
      return () => source.close();
    },
  };
}

async function errorCode(response: Response): Promise<string | undefined> {
  try {
    const body = (await response.json()) as { error?: { code?: unknown } };
    return typeof body.error?.code === "string" ? body.error.code : undefined;
  } catch {
    return undefined;
  }
}

/** The team server's own codes (CSRF, RATE_LIMITED, …) mapped onto the contract's, so pages advise as usual. */
export function asContractError(error: { code: string; message: string; field?: string }): ErrorBody {
  if (error.code in ERROR_CODES) return error as ErrorBody;
  const code: ErrorBody["code"] = error.code === "CSRF" ? "FORBIDDEN" : error.code === "LINK_INVALID" ? "NOT_FOUND" : "INTERNAL";
  return { code, message: error.message, ...(error.field !== undefined ? { field: error.field } : {}) };
}
