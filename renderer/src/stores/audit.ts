/**
 * The audit log, newest first, filtered, one page at a time. Pages are fetched by sequence
 * number both ways (older, newer) and either end can be reached at once (newest, oldest), so a log
 * of any length is browsed without holding more than a page.
 */
import { createStore } from "zustand/vanilla";
import type { GatehouseClient } from "../../../shared/contract/client.ts";
import type { AuditEntry } from "../../../shared/contract/schemas.ts";
import { toErrorBody } from "../api/errors.ts";
import type { AuditVerification, Loadable } from "./types.ts";

export interface AuditFilter {
  operator?: string;
  operation?: string;
  target?: string;
  /** Inclusive bounds, epoch ms. */
  from?: number;
  to?: number;
}

export const AUDIT_PAGE_SIZES = [100, 200, 500, 1000] as const;
export const AUDIT_PAGE = 200;

/** What fetched the page on screen, so a refresh fetches the same one. */
export type AuditCursor = { kind: "newest" } | { kind: "oldest" } | { kind: "before"; seq: number } | { kind: "after"; seq: number };

export interface AuditState extends Loadable {
  filter: AuditFilter;
  pageSize: number;
  cursor: AuditCursor;
  entries: AuditEntry[];
  /** Entries matching the filter. */
  total: number;
  /** Matching entries newer than the page's first. */
  position: number;
  nextBeforeSeq: number | null;
  newerAfterSeq: number | null;
  /** Operations to pick from in the filter. */
  operations: string[];
  verification: AuditVerification | null;
  setFilter(filter: AuditFilter): Promise<void>;
  setPageSize(size: number): Promise<void>;
  /** Fetches the page on screen again (with a spinner). */
  reload(): Promise<void>;
  /** Fetches the page on screen again quietly (on "audit.appended"); calls in a burst make one or two requests. */
  refresh(): Promise<void>;
  newest(): Promise<void>;
  newer(): Promise<void>;
  older(): Promise<void>;
  oldest(): Promise<void>;
  loadOperations(): Promise<void>;
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

const paging = (cursor: AuditCursor) =>
  cursor.kind === "before" ? { beforeSeq: cursor.seq } : cursor.kind === "after" ? { afterSeq: cursor.seq } : cursor.kind === "oldest" ? { oldest: true } : {};

export const createAuditStore = (client: GatehouseClient) =>
  createStore<AuditState>()((set, get) => {
    let generation = 0;
    let refreshing: Promise<void> | null = null;
    let refreshAgain = false;

    async function fetchPage(cursor: AuditCursor, quiet: boolean): Promise<void> {
      const mine = ++generation;
      if (!quiet) set({ status: "loading", error: null });
      try {
        const page = await client.invoke("audit.list", { ...get().filter, limit: get().pageSize, ...paging(cursor) });
        if (mine !== generation) return;
        set({
          cursor,
          entries: page.entries,
          total: page.total,
          position: page.position,
          nextBeforeSeq: page.nextBeforeSeq,
          newerAfterSeq: page.newerAfterSeq,
          status: "ready",
          error: null,
        });
      } catch (err) {
        // A failed quiet refresh leaves the page as it was; the next event or Refresh retries.
        if (mine === generation && !quiet) set({ status: "error", error: toErrorBody(err) });
      }
    }

    return {
      status: "idle",
      error: null,
      filter: {},
      pageSize: AUDIT_PAGE,
      cursor: { kind: "newest" },
      entries: [],
      total: 0,
      position: 0,
      nextBeforeSeq: null,
      newerAfterSeq: null,
      operations: [],
      verification: null,
      async setFilter(filter) {
        set({ filter: cleanFilter(filter) });
        await fetchPage({ kind: "newest" }, false);
      },
      async setPageSize(size) {
        set({ pageSize: size });
        await fetchPage({ kind: "newest" }, false);
      },
      reload: () => fetchPage(get().cursor, false),
      async refresh() {
        if (get().status !== "ready") return;
        if (refreshing) {
          refreshAgain = true;
          return refreshing;
        }
        refreshing = (async () => {
          do {
            refreshAgain = false;
            await fetchPage(get().cursor, true);
          } while (refreshAgain);
        })().finally(() => (refreshing = null));
        return refreshing;
      },
      newest: () => fetchPage({ kind: "newest" }, false),
      oldest: () => fetchPage({ kind: "oldest" }, false),
      async newer() {
        const seq = get().newerAfterSeq;
        if (seq !== null && get().status !== "loading") await fetchPage({ kind: "after", seq }, false);
      },
      async older() {
        const seq = get().nextBeforeSeq;
        if (seq !== null && get().status !== "loading") await fetchPage({ kind: "before", seq }, false);
      },
      async loadOperations() {
        try {
          set({ operations: (await client.invoke("audit.operations", {})).operations });
        } catch {
          // The picker then offers the operations on the page; the log itself still loads.
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
