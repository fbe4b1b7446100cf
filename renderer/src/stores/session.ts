/** Who is operating, with which role and permissions, on which profile, and the connection state. */
import { createStore } from "zustand/vanilla";
import type { GatehouseClient } from "../../../shared/contract/client.ts";
import type { EventPayload } from "../../../shared/contract/events.ts";
import type { OperationName } from "../../../shared/contract/index.ts";
import type { Permission } from "../../../shared/contract/permissions.ts";
import { toErrorBody } from "../api/errors.ts";
import type { ConnectionStatus, Loadable, Whoami } from "./types.ts";

export interface SessionState extends Loadable {
  whoami: Whoami | null;
  connection: ConnectionStatus | null;
  load(): Promise<void>;
  refreshConnection(): Promise<void>;
  connectionChanged(event: EventPayload<"connection.changed">): void;
}

export const createSessionStore = (client: GatehouseClient) =>
  createStore<SessionState>()((set, get) => ({
    status: "idle",
    error: null,
    whoami: null,
    connection: null,
    async load() {
      set({ status: get().whoami ? "ready" : "loading", error: null });
      try {
        const whoami = await client.invoke("session.whoami", {});
        set({ whoami, status: "ready" });
      } catch (err) {
        set({ status: "error", error: toErrorBody(err) });
        return;
      }
      // The connection state fills the header when it comes; nothing waits for it.
      void get().refreshConnection();
    },
    async refreshConnection() {
      try {
        set({ connection: await client.invoke("connection.status", {}) });
      } catch (err) {
        const e = toErrorBody(err);
        set({ connection: { profileId: null, state: "unreachable", cdiVersion: null, message: e.message } });
      }
    },
    connectionChanged(event) {
      const previous = get().connection;
      set({ connection: { profileId: event.profileId, state: event.state, message: event.message, cdiVersion: event.state === "connected" ? (previous?.cdiVersion ?? null) : null } });
    },
  }));

export type SessionStore = ReturnType<typeof createSessionStore>;

export const hasPermission = (whoami: Whoami | null, permission: Permission): boolean => whoami?.permissions.includes(permission) ?? false;

/** Whether main would let this caller call `operation` here (whoami's per-operation answer). */
export const mayCall = (whoami: Whoami | null, operation: OperationName): boolean => whoami?.operations.includes(operation) ?? false;
