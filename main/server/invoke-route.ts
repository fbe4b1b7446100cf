/**
 * POST /api/invoke: `{ op, input }` in, the dispatcher's envelope out, for whoever `authorize`
 * says is calling (browser mode: the desktop's caller, once the session token matches; the team
 * server: the signed-in operator). Once authorised every answer is 200 with an envelope (failures
 * included), exactly as over IPC.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Caller } from "../../shared/contract/caller.ts";
import type { Dispatcher } from "../dispatch.ts";
import { BodyTooLargeError, readBody } from "./read-body.ts";
import { sendError, sendJson } from "./respond.ts";

/** Why a request is not let in: its HTTP status and the envelope's error (code and message). */
export class Refusal extends Error {
  constructor(
    readonly status: number,
    readonly body: { code: string; message: string; [more: string]: unknown },
  ) {
    super(body.message);
    this.name = "Refusal";
  }
}

export interface InvokeRouteOptions {
  dispatcher: Pick<Dispatcher, "invoke">;
  /** Who is calling; throws a Refusal when nobody may (no or wrong credentials). */
  authorize: (req: IncomingMessage) => Caller | Promise<Caller>;
  maxBodyBytes: number;
}

export async function handleInvoke(req: IncomingMessage, res: ServerResponse, options: InvokeRouteOptions): Promise<void> {
  if (req.method !== "POST") {
    res.setHeader("Allow", "POST");
    return sendError(res, 405, { code: "VALIDATION", message: "Use POST for /api/invoke." });
  }
  let caller: Caller;
  try {
    caller = await options.authorize(req);
  } catch (err) {
    if (err instanceof Refusal) return sendJson(res, err.status, { ok: false, error: err.body });
    throw err;
  }
  // Requiring JSON also keeps the endpoint out of reach of HTML forms (which cannot send it).
  if (!/^application\/json\b/i.test(req.headers["content-type"] ?? "")) {
    return sendError(res, 415, { code: "VALIDATION", message: "Send the request as application/json." });
  }

  let text: string;
  try {
    text = await readBody(req, options.maxBodyBytes);
  } catch (err) {
    if (err instanceof BodyTooLargeError) return sendError(res, 413, { code: "VALIDATION", message: err.message });
    throw err;
  }
  const request = parseInvocation(text);
  if ("error" in request) return sendError(res, 400, { code: "VALIDATION", message: request.error });
  sendJson(res, 200, await options.dispatcher.invoke(request.op, request.input, caller));
}

function parseInvocation(text: string): { op: string; input: unknown } | { error: string } {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return { error: "The request body is not valid JSON." };
  }
  if (typeof body !== "object" || body === null || Array.isArray(body)) return { error: 'The request body must be a JSON object {"op", "input"}.' };
  const { op, input } = body as { op?: unknown; input?: unknown };
  if (typeof op !== "string" || op === "") return { error: 'op: must be the name of an operation, e.g. "session.whoami".' };
  return { op, input };
}
