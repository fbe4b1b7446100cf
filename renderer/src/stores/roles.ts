/** Roles of a tenant with their permissions and holders, and role changes. */
import { createStore } from "zustand/vanilla";
import type { GatehouseClient } from "../../../shared/contract/client.ts";
import type { ErrorBody } from "../../../shared/contract/errors.ts";
import { toErrorBody } from "../api/errors.ts";
import type { DeletePreview, Loadable, RoleSummary, RoleUser } from "./types.ts";

export interface RolesState extends Loadable {
  tenantId: string;
  roles: RoleSummary[];
  /** The role whose holders are shown, with a page of them (a role may be held by thousands). */
  selectedRole: string | null;
  holders: RoleUser[];
  /** Everyone holding the selected role in the tenant, and where the page starts. */
  holdersTotal: number;
  holdersOffset: number;
  holdersStatus: Loadable["status"];
  holdersError: ErrorBody | null;
  load(tenantId?: string): Promise<void>;
  selectRole(role: string | null): Promise<void>;
  /** Shows the selected role's holders from `offset`. */
  holdersPage(offset: number): Promise<void>;
  create(role: string, permissions: string[]): Promise<void>;
  setPermissions(role: string, add: string[], remove: string[]): Promise<void>;
  deletePreview(role: string): Promise<DeletePreview>;
  remove(role: string): Promise<void>;
}

/** Holders per page: each is looked up on the Core for their email or phone. */
export const HOLDERS_PAGE = 100;

export const createRolesStore = (client: GatehouseClient) =>
  createStore<RolesState>()((set, get) => ({
    status: "idle",
    error: null,
    tenantId: "public",
    roles: [],
    selectedRole: null,
    holders: [],
    holdersTotal: 0,
    holdersOffset: 0,
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
      set({ selectedRole: role, holders: [], holdersTotal: 0, holdersOffset: 0, holdersError: null, holdersStatus: role ? "loading" : "idle" });
      if (role) await get().holdersPage(0);
    },
    async holdersPage(offset) {
      const role = get().selectedRole;
      if (!role) return;
      const tenantId = get().tenantId;
      set({ holdersStatus: "loading", holdersError: null });
      try {
        const page = await client.invoke("roles.users", { role, tenantId, offset, limit: HOLDERS_PAGE });
        if (get().selectedRole === role && get().tenantId === tenantId) set({ holders: page.users, holdersTotal: page.total, holdersOffset: page.offset, holdersStatus: "ready" });
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
      if (get().selectedRole === role) set({ selectedRole: null, holders: [], holdersTotal: 0, holdersOffset: 0, holdersStatus: "idle" });
      await get().load();
    },
  }));

export type RolesStore = ReturnType<typeof createRolesStore>;
