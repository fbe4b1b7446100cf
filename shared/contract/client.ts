/**
 * The typed client the renderer (and tests) use to talk to the main process, over whichever
 * transport is there: Electron IPC through the preload, or HTTP in browser mode.
 */
import { type Envelope, GatehouseError } from "./errors.ts";
import type { EventName, EventPayload } from "./events.ts";
import type { InputOf, OperationName, OutputOf } from "./index.ts";

export type EventHandler = (name: EventName, payload: unknown) => void;

/** What a transport provides; the preload exposes exactly this as `window.gatehouse`. */
export interface Transport {
  invoke(op: string, input: unknown): Promise<Envelope<unknown>>;
  subscribe(handler: EventHandler): () => void;
}

export interface GatehouseClient {
  invoke<N extends OperationName>(op: N, input: InputOf<N>): Promise<OutputOf<N>>;
  on<N extends EventName>(name: N, handler: (payload: EventPayload<N>) => void): () => void;
}

export function createClient(transport: Transport): GatehouseClient {
  return {
    async invoke(op, input) {
      const envelope = await transport.invoke(op, input);
      if (!envelope.ok) throw new GatehouseError(envelope.error);
      return envelope.value as never;
    },
    on(name, handler) {
      return transport.subscribe((event, payload) => {
        if (event === name) handler(payload as EventPayload<typeof name>);
      });
    },
  };
}

/** Browser mode: POST /api/invoke with the session token; events over server-sent events. */
export function httpTransport(baseUrl: string, token: string): Transport {
  return {
    async invoke(op, input) {
      let response: Response;
      try {
        response = await fetch(`${baseUrl}/api/invoke`, {
          method: "POST",
          headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
          body: JSON.stringify({ op, input }),
        });
      } catch {
        return { ok: false, error: { code: "INTERNAL", message: "Gatehouse is not reachable: is it still running?" } };
      }
      if (response.status === 401) {
        return { ok: false, error: { code: "FORBIDDEN", message: "This page's session token is not valid: open the URL Gatehouse printed when it started." } };
      }
      return (await response.json()) as Envelope<unknown>;
    },
    subscribe(handler) {
      const source = new EventSource(`${baseUrl}/api/events?token=${encodeURIComponent(token)}`);
      const listener = (e: { data: string }) => {
        const { name, payload } = JSON.parse(e.data) as { name: EventName; payload: unknown };
        handler(name, payload);
      };
      source.addEventListener("message", listener as unknown as (e: Event) => void);
      return () => source.close();
    },
  };
}
