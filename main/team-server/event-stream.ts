/**
 * GET /api/events on the team server: the same EventBus stream as browser mode
 * (`data: {"name":…,"payload":…}`), for a signed-in operator. EventSource sends the session
 * cookie by itself (same origin) and cannot set headers, so a GET with the cookie is enough, as
 * for any read. The session is checked again every `checkMs` without counting as activity: a
 * stream of a session that ended (signed out, removed by an admin, idle or too old) is closed.
 */
import type { ServerResponse } from "node:http";
import type { EventBus } from "../events.ts";

export interface SessionStreamOptions {
  events: EventBus;
  heartbeatMs: number;
  checkMs: number;
}

export class SessionEventStreams {
  private readonly open = new Set<ServerResponse>();

  constructor(private readonly options: SessionStreamOptions) {}

  /** Streams events to `res` until the client leaves or `stillLive` answers false. */
  stream(res: ServerResponse, stillLive: () => Promise<boolean>): void {
    res.writeHead(200, { "Content-Type": "text/event-stream; charset=utf-8", "Cache-Control": "no-store", Connection: "keep-alive", "X-Accel-Buffering": "no" });
    res.write(": connected\n\n");
    this.open.add(res);
    const unsubscribe = this.options.events.on((name, payload) => {
      res.write(`data: ${JSON.stringify({ name, payload })}\n\n`);
    });
    const heartbeat = setInterval(() => res.write(": heartbeat\n\n"), this.options.heartbeatMs);
    let checking = false;
    const check = setInterval(() => {
      if (checking) return;
      checking = true;
      stillLive()
        .then((live) => {
          if (!live) res.end();
        })
        .catch(() => res.end())
        .finally(() => {
          checking = false;
        });
    }, this.options.checkMs);
    heartbeat.unref();
    check.unref();
    res.on("close", () => {
      clearInterval(heartbeat);
      clearInterval(check);
      unsubscribe();
      this.open.delete(res);
    });
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
