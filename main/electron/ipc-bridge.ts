/**
 * The main side of the bridge: `gatehouse:invoke` into the dispatcher (for our own page only) and
 * every EventBus event out to our windows as `gatehouse:event`.
 */
import type { IpcMain, WebContents } from "electron";
import type { Dispatcher } from "../dispatch.ts";
import type { EventBus } from "../events.ts";
import type { Caller } from "../../shared/contract/caller.ts";
import type { Envelope } from "../../shared/contract/errors.ts";
import { EVENT_CHANNEL, INVOKE_CHANNEL } from "./ipc-channels.ts";
import { isAppUrl, isTrustedSender, type SenderFrame } from "./security-policy.ts";

export interface InvokeEvent {
  readonly senderFrame: SenderFrame | null;
}

/** The caller of an IPC call: the desktop's (the OS account, with the active profile's role) at that moment. */
export function createInvokeHandler(dispatcher: Pick<Dispatcher, "invoke">, caller: () => Caller, warn: (message: string) => void = console.warn) {
  return async (event: InvokeEvent, op: unknown, input: unknown): Promise<Envelope<unknown>> => {
    if (!isTrustedSender(event.senderFrame)) {
      warn(`Refused ${INVOKE_CHANNEL} from a frame that is not Gatehouse's own page (${safeUrl(event.senderFrame)}).`);
      throw new Error("Refused: only Gatehouse's own page may call the main process.");
    }
    if (typeof op !== "string") return { ok: false, error: { code: "VALIDATION", message: "op: must be the name of an operation." } };
    return dispatcher.invoke(op, input, caller());
  };
}

/** Forwards events to the given web contents while they show our page; returns the unsubscribe. */
export function forwardEvents(events: EventBus, targets: () => readonly WebContents[]): () => void {
  return events.on((name, payload) => {
    for (const contents of targets()) {
      if (!contents.isDestroyed() && isAppUrl(contents.getURL())) contents.send(EVENT_CHANNEL, name, payload);
    }
  });
}

export function registerInvoke(ipcMain: IpcMain, dispatcher: Pick<Dispatcher, "invoke">, caller: () => Caller): () => void {
  ipcMain.handle(INVOKE_CHANNEL, createInvokeHandler(dispatcher, caller));
  return () => ipcMain.removeHandler(INVOKE_CHANNEL);
}

function safeUrl(frame: SenderFrame | null): string {
  try {
    return frame?.url ?? "no frame";
  } catch {
    return "frame gone";
  }
}
