import type { ServerResponse } from "node:http";
import type { ErrorBody, Envelope } from "../../shared/contract/errors.ts";

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "Content-Type": "application/json; charset=utf-8", "Content-Length": Buffer.byteLength(text) });
  res.end(text);
}

/** A failure in the same envelope shape the dispatcher uses, so the client can show it. */
export function sendError(res: ServerResponse, status: number, error: ErrorBody): void {
  const envelope: Envelope<never> = { ok: false, error };
  sendJson(res, status, envelope);
}

export function sendText(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { "Content-Type": "text/plain; charset=utf-8", "Content-Length": Buffer.byteLength(text) });
  res.end(text);
}
