/** One user: detail, sessions, and the changes an operator makes to them. */
import { createStore } from "zustand/vanilla";
import type { GatehouseClient } from "../../../shared/contract/client.ts";
import type { ErrorBody } from "../../../shared/contract/errors.ts";
import type { JsonObject } from "../../../shared/contract/schemas.ts";
import { toErrorBody } from "../api/errors.ts";
import { sameJson } from "../lib/metadataDiff.ts";
import type { Loadable, SessionInfo, UserDetail } from "./types.ts";

export interface UserDetailState extends Loadable {
  userId: string | null;
  user: UserDetail | null;
  sessions: SessionInfo[];
  sessionsStatus: Loadable["status"];
  sessionsError: ErrorBody | null;
  open(userId: string): Promise<void>;
  reload(): Promise<void>;
  loadSessions(): Promise<void>;
  /**
   * Saves a metadata update computed against `base`. Re-reads the user first: when someone else
   * changed the metadata meanwhile, nothing is written and the caller gets the fresh metadata
   * (`conflict`) to review the diff again, so no concurrent edit is silently overwritten.
   */
  saveMetadata(base: JsonObject, update: JsonObject): Promise<{ conflict: false } | { conflict: true; latest: JsonObject }>;
  /** The roles that exist in a tenant, to choose from when adding one. */
  rolesOfTenant(tenantId: string): Promise<string[]>;
  addRole(tenantId: string, role: string): Promise<void>;
  removeRole(tenantId: string, role: string): Promise<void>;
  revokeSession(sessionHandle: string): Promise<void>;
  revokeAllSessions(): Promise<number>;
  deleteUser(confirm: string): Promise<void>;
}

export const createUserDetailStore = (client: GatehouseClient) =>
  createStore<UserDetailState>()((set, get) => {
    const requireId = (): string => {
      const id = get().userId;
      if (!id) throw new Error("No user is open.");
      return id;
    };
    const refreshUser = async () => {
      const userId = requireId();
      const user = await client.invoke("users.get", { userId });
      if (get().userId === userId) set({ user });
      return user;
    };

    return {
      status: "idle",
      error: null,
      userId: null,
      user: null,
      sessions: [],
      sessionsStatus: "idle",
      sessionsError: null,
      async open(userId) {
        set({ userId, user: null, sessions: [], sessionsStatus: "idle", sessionsError: null });
        await get().reload();
        if (get().status === "ready") await get().loadSessions();
      },
      async reload() {
        const userId = requireId();
        set({ status: "loading", error: null });
        try {
          const user = await client.invoke("users.get", { userId });
          if (get().userId === userId) set({ user, status: "ready" });
        } catch (err) {
          if (get().userId === userId) set({ status: "error", error: toErrorBody(err) });
        }
      },
      async loadSessions() {
        const userId = requireId();
        set({ sessionsStatus: "loading", sessionsError: null });
        try {
          const { sessions } = await client.invoke("users.sessions", { userId });
          if (get().userId === userId) set({ sessions, sessionsStatus: "ready" });
        } catch (err) {
          if (get().userId === userId) set({ sessionsStatus: "error", sessionsError: toErrorBody(err) });
        }
      },
      async saveMetadata(base, update) {
        const userId = requireId();
        const fresh = await refreshUser();
        if (!sameJson(fresh.metadata, base)) return { conflict: true, latest: fresh.metadata };
        const { metadata } = await client.invoke("users.updateMetadata", { userId, update });
        const user = get().user;
        if (user && get().userId === userId) set({ user: { ...user, metadata } });
        return { conflict: false };
      },
      async rolesOfTenant(tenantId) {
        const { roles } = await client.invoke("roles.list", { tenantId });
        return roles.map((r) => r.role).sort();
      },
      async addRole(tenantId, role) {
        await client.invoke("users.addRole", { userId: requireId(), tenantId, role });
        await refreshUser();
      },
      async removeRole(tenantId, role) {
        await client.invoke("users.removeRole", { userId: requireId(), tenantId, role });
        await refreshUser();
      },
      async revokeSession(sessionHandle) {
        await client.invoke("users.revokeSession", { userId: requireId(), sessionHandle });
        set({ sessions: get().sessions.filter((s) => s.sessionHandle !== sessionHandle) });
      },
      async revokeAllSessions() {
        const { revoked } = await client.invoke("users.revokeAllSessions", { userId: requireId() });
        set({ sessions: [] });
        return revoked;
      },
      async deleteUser(confirm) {
        await client.invoke("users.delete", { userId: requireId(), confirm });
        set({ user: null, status: "idle" });
      },
    };
  });

export type UserDetailStore = ReturnType<typeof createUserDetailStore>;
