/** The audit log, newest first, filtered, paged backwards by sequence number. */
import { createStore } from "zustand/vanilla";
import type { GatehouseClient } from "../../../shared/contract/client.ts";
import type { AuditEntry } from "../../../shared/contract/schemas.ts";
import { toErrorBody } from "../api/errors.ts";
import type { AuditVerification, Loadable } from "./types.ts";

export interface AuditFilter {
  operator?: string;
  operation?: string;
  target?: string;
  from?: number;
  to?: number;
}

export const AUDIT_PAGE = 200;

export interface AuditState extends Loadable {
  filter: AuditFilter;
  entries: AuditEntry[];
  nextBeforeSeq: number | null;
  loadingMore: boolean;
  verification: AuditVerification | null;
  setFilter(filter: AuditFilter): Promise<void>;
  reload(): Promise<void>;
  /** Puts entries appended since the list was loaded on top (on "audit.appended"). */
  refreshNewest(): Promise<void>;
  loadMore(): Promise<void>;
  verify(): Promise<AuditVerification>;
  exportAs(format: "jsonl" | "csv"): Promise<{ content: string; entries: number }>;
}

/** Drops empty fields, so the main process sees only the filters in use. */
export function cleanFilter(filter: AuditFilter): AuditFilter {
  const out: AuditFilter = {};
  for (const key of ["operator", "operation", "target"] as const) {
    const value = filter[key]?.trim();
    if (value) out[key] = value;
  }
  if (filter.from !== undefined) out.from = filter.from;
  if (filter.to !== undefined) out.to = filter.to;
  return out;
}

export const createAuditStore = (client: GatehouseClient) =>
  createStore<AuditState>()((set, get) => {
    let generation = 0;
    return {
      status: "idle",
      error: null,
      filter: {},
      entries: [],
      nextBeforeSeq: null,
      loadingMore: false,
      verification: null,
      async setFilter(filter) {
        set({ filter: cleanFilter(filter) });
        await get().reload();
      },
      async reload() {
        const mine = ++generation;
        set({ status: "loading", error: null, entries: [], nextBeforeSeq: null, loadingMore: false });
        try {
          const page = await client.invoke("audit.list", { ...get().filter, limit: AUDIT_PAGE });
          if (mine !== generation) return;
          set({ entries: page.entries, nextBeforeSeq: page.nextBeforeSeq, status: "ready" });
        } catch (err) {
          if (mine === generation) set({ status: "error", error: toErrorBody(err) });
        }
      },
      async refreshNewest() {
        const { entries, status } = get();
        if (status !== "ready") return;
        const mine = generation;
        try {
          const page = await client.invoke("audit.list", { ...get().filter, limit: AUDIT_PAGE });
          if (mine !== generation) return;
          const newest = entries[0]?.seq ?? -1;
          const fresh = page.entries.filter((e) => e.seq > newest);
          // More new entries than one page: start over rather than leave a gap.
          if (fresh.length === page.entries.length && entries.length > 0 && page.nextBeforeSeq !== null) {
            set({ entries: page.entries, nextBeforeSeq: page.nextBeforeSeq });
          } else if (fresh.length > 0) {
            set({ entries: [...fresh, ...get().entries] });
          }
        } catch {
          // A failed background refresh leaves the list as it was; the next event or Refresh retries.
        }
      },
      async loadMore() {
        const { nextBeforeSeq, loadingMore } = get();
        if (nextBeforeSeq === null || loadingMore) return;
        const mine = generation;
        set({ loadingMore: true, error: null });
        try {
          const page = await client.invoke("audit.list", { ...get().filter, limit: AUDIT_PAGE, beforeSeq: nextBeforeSeq });
          if (mine !== generation) return;
          set({ entries: [...get().entries, ...page.entries], nextBeforeSeq: page.nextBeforeSeq, loadingMore: false });
        } catch (err) {
          if (mine === generation) set({ loadingMore: false, error: toErrorBody(err) });
        }
      },
      async verify() {
        const verification = await client.invoke("audit.verify", {});
        set({ verification });
        return verification;
      },
      exportAs: (format) => client.invoke("audit.export", { ...get().filter, format }),
    };
  });

export type AuditStore = ReturnType<typeof createAuditStore>;
