/** The allow-list of a tenant and kind, and a pending change (typed or imported) with its preview. */
import { createStore } from "zustand/vanilla";
import type { GatehouseClient } from "../../../shared/contract/client.ts";
import type { ErrorBody } from "../../../shared/contract/errors.ts";
import type { OutputOf } from "../../../shared/contract/index.ts";
import { toErrorBody } from "../api/errors.ts";
import type { Loadable } from "./types.ts";
import { plural } from "../lib/format.ts";

export type AllowListKind = "email" | "phone";
export type AllowList = OutputOf<"allowlists.get">;
export type AllowListPreview = OutputOf<"allowlists.preview">;
export type AllowListImport = OutputOf<"allowlists.import">;
export type AllowListApplied = OutputOf<"allowlists.apply">;

/** The renderer refuses bigger files before reading them (main checks again). */
export const MAX_IMPORT_BYTES = 50 * 1024 * 1024;

export interface AllowListsState extends Loadable {
  tenantId: string;
  kind: AllowListKind;
  list: AllowList | null;
  /** The change being prepared: its preview, from typed entries or an imported file. */
  preview: AllowListPreview | AllowListImport | null;
  previewSource: "typed" | "file" | null;
  previewError: ErrorBody | null;
  applied: AllowListApplied | null;
  load(tenantId?: string, kind?: AllowListKind): Promise<void>;
  previewChange(add: string[], remove: string[]): Promise<void>;
  importCsv(csv: string, mode: "add" | "replace"): Promise<void>;
  /** Saves the previewed change (merged with whatever changed meanwhile). */
  apply(): Promise<void>;
  discard(): void;
  exportCsv(): Promise<{ content: string; filename: string; note: string }>;
}

export const createAllowListsStore = (client: GatehouseClient) =>
  createStore<AllowListsState>()((set, get) => ({
    status: "idle",
    error: null,
    tenantId: "public",
    kind: "email",
    list: null,
    preview: null,
    previewSource: null,
    previewError: null,
    applied: null,
    async load(tenantId = get().tenantId, kind = get().kind) {
      const changed = tenantId !== get().tenantId || kind !== get().kind;
      set({ tenantId, kind, status: "loading", error: null, ...(changed ? { list: null, preview: null, previewSource: null, previewError: null, applied: null } : {}) });
      try {
        const list = await client.invoke("allowlists.get", { tenantId, kind });
        if (get().tenantId === tenantId && get().kind === kind) set({ list, status: "ready" });
      } catch (err) {
        if (get().tenantId === tenantId && get().kind === kind) set({ status: "error", error: toErrorBody(err) });
      }
    },
    async previewChange(add, remove) {
      const { tenantId, kind } = get();
      set({ previewError: null, applied: null });
      try {
        const preview = await client.invoke("allowlists.preview", { tenantId, kind, add, remove });
        set({ preview, previewSource: "typed" });
      } catch (err) {
        set({ previewError: toErrorBody(err), preview: null });
      }
    },
    async importCsv(csv, mode) {
      const { tenantId, kind } = get();
      set({ previewError: null, applied: null });
      try {
        const preview = await client.invoke("allowlists.import", { tenantId, kind, csv, mode });
        set({ preview, previewSource: "file" });
      } catch (err) {
        set({ previewError: toErrorBody(err), preview: null });
      }
    },
    async apply() {
      const { preview, tenantId, kind } = get();
      if (!preview) return;
      const applied = await client.invoke("allowlists.apply", { tenantId, kind, add: preview.add, remove: preview.remove, expectedVersion: preview.version });
      set({ applied, preview: null, previewSource: null });
      await get().load();
    },
    discard() {
      set({ preview: null, previewSource: null, previewError: null });
    },
    async exportCsv() {
      const { tenantId, kind } = get();
      const out = await client.invoke("allowlists.export", { tenantId, kind });
      return { content: out.csv, filename: out.filename, note: plural(out.count, "entry", "entries") };
    },
  }));

export type AllowListsStore = ReturnType<typeof createAllowListsStore>;
