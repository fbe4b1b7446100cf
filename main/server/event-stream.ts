/**
 * GET /api/events?token=…: every EventBus event as a server-sent event
 * (`data: {"name":…,"payload":…}`). The token rides in the query because EventSource cannot set
 * headers; browser mode never logs URLs. A comment line every 15 s keeps idle proxies and the
 * browser from dropping the stream.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { EventBus } from "../events.ts";
import { sendError } from "./respond.ts";
import { tokenMatches } from "./session-token.ts";

export interface EventStreamOptions {
  events: EventBus;
  token: string;
  heartbeatMs: number;
}

export class EventStreams {
  private readonly open = new Set<ServerResponse>();

  constructor(private readonly options: EventStreamOptions) {}

  handle(req: IncomingMessage, res: ServerResponse, url: URL): void {
    if (req.method !== "GET") {
      res.setHeader("Allow", "GET");
      return sendError(res, 405, { code: "VALIDATION", message: "Use GET for /api/events." });
    }
    if (!tokenMatches(this.options.token, url.searchParams.get("token"))) {
      return sendError(res, 401, { code: "FORBIDDEN", message: "Missing or wrong session token: open the URL Gatehouse printed when it started." });
    }
    res.writeHead(200, { "Content-Type": "text/event-stream; charset=utf-8", Connection: "keep-alive", "X-Accel-Buffering": "no" });
    res.write(": connected\n\n");
    this.open.add(res);

    const unsubscribe = this.options.events.on((name, payload) => {
      res.write(`data: ${JSON.stringify({ name, payload })}\n\n`);
    });
    const heartbeat = setInterval(() => res.write(": heartbeat\n\n"), this.options.heartbeatMs);
    heartbeat.unref();
    const cleanUp = () => {
      clearInterval(heartbeat);
      unsubscribe();
      this.open.delete(res);
    };
    res.on("close", cleanUp);
    req.on("close", cleanUp);
  }

  /** Ends every open stream, so the server can close. */
  closeAll(): void {
    for (const res of this.open) res.end();
    this.open.clear();
  }

  get size(): number {
    return this.open.size;
  }
}
