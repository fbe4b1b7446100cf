/** The Core's tenants and the one the operator is looking at (shared by Users and Roles). */
import { createStore } from "zustand/vanilla";
import type { GatehouseClient } from "../../../shared/contract/client.ts";
import { toErrorBody } from "../api/errors.ts";
import type { Loadable } from "./types.ts";

export interface TenantsState extends Loadable {
  tenants: string[];
  selected: string;
  load(defaultTenant?: string): Promise<void>;
  select(tenantId: string): void;
}

export const createTenantsStore = (client: GatehouseClient) =>
  createStore<TenantsState>()((set, get) => ({
    status: "idle",
    error: null,
    tenants: [],
    selected: "public",
    async load(defaultTenant) {
      if (defaultTenant) set({ selected: defaultTenant });
      set({ status: "loading", error: null });
      try {
        const { tenants } = await client.invoke("tenants.list", {});
        const ids = tenants.map((t) => t.tenantId).sort((a, b) => (a === "public" ? -1 : b === "public" ? 1 : a.localeCompare(b)));
        const selected = ids.includes(get().selected) ? get().selected : (ids[0] ?? "public");
        set({ tenants: ids, selected, status: "ready" });
      } catch (err) {
        set({ status: "error", error: toErrorBody(err) });
      }
    },
    select(tenantId) {
      set({ selected: tenantId });
    },
  }));

export type TenantsStore = ReturnType<typeof createTenantsStore>;
