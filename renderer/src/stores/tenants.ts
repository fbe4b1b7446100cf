/**
 * The Core's tenants and the one the operator is looking at (shared by Users, Roles, Invites and
 * Allow-lists). The list belongs to the active profile's Core: a profile change starts it over
 * from that profile's default tenant, and when the list cannot be had, the picker offers the
 * default tenant alone (never another Core's tenants) and says why.
 */
import { createStore } from "zustand/vanilla";
import type { GatehouseClient } from "../../../shared/contract/client.ts";
import { toErrorBody } from "../api/errors.ts";
import type { Loadable } from "./types.ts";

export interface TenantsState extends Loadable {
  tenants: string[];
  selected: string;
  /** The active profile's default tenant: what is offered while the list is unknown. */
  defaultTenant: string;
  /** `defaultTenant` given: the active profile changed (or was edited), so the old list is dropped. */
  load(defaultTenant?: string): Promise<void>;
  select(tenantId: string): void;
}

export const createTenantsStore = (client: GatehouseClient) => {
  // Only the latest load may write: a slow answer from the previous profile's Core must not land.
  let generation = 0;
  return createStore<TenantsState>()((set, get) => ({
    status: "idle",
    error: null,
    tenants: [],
    selected: "public",
    defaultTenant: "public",
    async load(defaultTenant) {
      const mine = ++generation;
      if (defaultTenant) set({ defaultTenant, selected: defaultTenant, tenants: [] });
      set({ status: "loading", error: null });
      try {
        const { tenants } = await client.invoke("tenants.list", {});
        if (mine !== generation) return;
        const ids = tenants.map((t) => t.tenantId).sort((a, b) => (a === "public" ? -1 : b === "public" ? 1 : a.localeCompare(b)));
        const selected = ids.includes(get().selected) ? get().selected : (ids[0] ?? get().defaultTenant);
        set({ tenants: ids, selected, status: "ready" });
      } catch (err) {
        if (mine !== generation) return;
        set({ status: "error", error: toErrorBody(err), tenants: [], selected: get().defaultTenant });
      }
    },
    select(tenantId) {
      set({ selected: tenantId });
    },
  }));
};

export type TenantsStore = ReturnType<typeof createTenantsStore>;
