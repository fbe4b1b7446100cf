/** Roles of a tenant with their permissions and holders, and role changes. */
import { createStore } from "zustand/vanilla";
import type { GatehouseClient } from "../../../shared/contract/client.ts";
import type { ErrorBody } from "../../../shared/contract/errors.ts";
import { toErrorBody } from "../api/errors.ts";
import type { DeletePreview, Loadable, RoleSummary, RoleUser } from "./types.ts";

export interface RolesState extends Loadable {
  tenantId: string;
  roles: RoleSummary[];
  /** The role whose holders are shown, with them. */
  selectedRole: string | null;
  holders: RoleUser[];
  holdersStatus: Loadable["status"];
  holdersError: ErrorBody | null;
  load(tenantId?: string): Promise<void>;
  selectRole(role: string | null): Promise<void>;
  create(role: string, permissions: string[]): Promise<void>;
  setPermissions(role: string, add: string[], remove: string[]): Promise<void>;
  deletePreview(role: string): Promise<DeletePreview>;
  remove(role: string): Promise<void>;
}

export const createRolesStore = (client: GatehouseClient) =>
  createStore<RolesState>()((set, get) => ({
    status: "idle",
    error: null,
    tenantId: "public",
    roles: [],
    selectedRole: null,
    holders: [],
    holdersStatus: "idle",
    holdersError: null,
    async load(tenantId = get().tenantId) {
      const changedTenant = tenantId !== get().tenantId;
      set({ tenantId, status: "loading", error: null });
      try {
        const { roles } = await client.invoke("roles.list", { tenantId });
        if (get().tenantId !== tenantId) return;
        set({ roles: [...roles].sort((a, b) => a.role.localeCompare(b.role)), status: "ready" });
      } catch (err) {
        if (get().tenantId === tenantId) set({ status: "error", error: toErrorBody(err) });
      }
      const selected = get().selectedRole;
      if (selected && (changedTenant || !get().roles.some((r) => r.role === selected))) await get().selectRole(get().roles.some((r) => r.role === selected) ? selected : null);
    },
    async selectRole(role) {
      set({ selectedRole: role, holders: [], holdersError: null, holdersStatus: role ? "loading" : "idle" });
      if (!role) return;
      const tenantId = get().tenantId;
      try {
        const { users } = await client.invoke("roles.users", { role, tenantId });
        if (get().selectedRole === role && get().tenantId === tenantId) set({ holders: users, holdersStatus: "ready" });
      } catch (err) {
        if (get().selectedRole === role) set({ holdersStatus: "error", holdersError: toErrorBody(err) });
      }
    },
    async create(role, permissions) {
      await client.invoke("roles.create", { role, permissions });
      await get().load();
    },
    async setPermissions(role, add, remove) {
      const { permissions } = await client.invoke("roles.setPermissions", { role, add, remove });
      set({ roles: get().roles.map((r) => (r.role === role ? { ...r, permissions } : r)) });
    },
    deletePreview: (role) => client.invoke("roles.deletePreview", { role }),
    async remove(role) {
      await client.invoke("roles.delete", { role });
      if (get().selectedRole === role) set({ selectedRole: null, holders: [], holdersStatus: "idle" });
      await get().load();
    },
  }));

export type RolesStore = ReturnType<typeof createRolesStore>;
