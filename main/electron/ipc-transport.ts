/**
 * The renderer side of the bridge, built from an ipcRenderer-like object so it is testable: exactly
 * the Transport of shared/contract/client.ts. Listeners get (name, payload) only, never Electron's
 * IPC event (whose `sender` would hand the page the raw ipcRenderer).
 */
import type { EventHandler, Transport } from "../../shared/contract/client.ts";
import type { EventName } from "../../shared/contract/events.ts";
import { EVENT_CHANNEL, INVOKE_CHANNEL } from "./ipc-channels.ts";

type Listener = (event: unknown, ...args: unknown[]) => void;

export interface IpcRendererLike {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  on(channel: string, listener: Listener): unknown;
  removeListener(channel: string, listener: Listener): unknown;
}

export function createIpcTransport(ipc: IpcRendererLike): Transport {
  return {
    invoke(op: string, input: unknown) {
      if (typeof op !== "string") return Promise.reject(new TypeError("gatehouse.invoke: op must be a string"));
      return ipc.invoke(INVOKE_CHANNEL, op, input) as ReturnType<Transport["invoke"]>;
    },
    subscribe(handler: EventHandler) {
      if (typeof handler !== "function") throw new TypeError("gatehouse.subscribe: handler must be a function");
      const listener: Listener = (_event, name, payload) => handler(name as EventName, payload);
      ipc.on(EVENT_CHANNEL, listener);
      return () => {
        ipc.removeListener(EVENT_CHANNEL, listener);
      };
    },
  };
}
