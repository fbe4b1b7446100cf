/**
 * One page of audit entries matching a filter, newest first, from any store: the newest page, the
 * page older than `beforeSeq`, the page newer than `afterSeq`, or the oldest page; with how many
 * entries match and how many of them are newer than the page, so the log can be paged both ways
 * and jumped to either end without loading what lies between.
 */
import type { AuditEntry } from "../../../shared/contract/schemas.ts";
import { toEntry, type AuditRow } from "./chain.ts";

export interface AuditPaging {
  limit: number;
  beforeSeq?: number | undefined;
  afterSeq?: number | undefined;
  oldest?: boolean | undefined;
}

export interface AuditPage {
  entries: AuditEntry[];
  /** Entries matching the filter. */
  total: number;
  /** Matching entries newer than the page's first. */
  position: number;
  /** Passed as beforeSeq, fetches the next older page; null on the oldest. */
  nextBeforeSeq: number | null;
  /** Passed as afterSeq, fetches the next newer page; null on the newest. */
  newerAfterSeq: number | null;
}

/** What a store answers for the filter in force, narrowed by a seq bound. */
export interface AuditQuery {
  rows(bound: { op: "<" | ">"; seq: number } | null, direction: "ASC" | "DESC", limit: number): AuditRow[] | Promise<AuditRow[]>;
  count(newerThan: number | null): number | Promise<number>;
}

export async function auditPage(paging: AuditPaging, q: AuditQuery): Promise<AuditPage> {
  const newest = () => q.rows(null, "DESC", paging.limit);
  let rows: AuditRow[];
  if (paging.beforeSeq !== undefined) {
    rows = await q.rows({ op: "<", seq: paging.beforeSeq }, "DESC", paging.limit);
  } else if (paging.afterSeq !== undefined) {
    // A short page at the top would not line up with the newest page: show the newest then.
    const newer = await q.rows({ op: ">", seq: paging.afterSeq }, "ASC", paging.limit + 1);
    rows = newer.length > paging.limit ? newer.slice(0, paging.limit).reverse() : await newest();
  } else if (paging.oldest) {
    rows = (await q.rows(null, "ASC", paging.limit)).reverse();
  } else {
    rows = await newest();
  }
  const total = await q.count(null);
  const first = rows[0];
  const last = rows[rows.length - 1];
  const position = first ? await q.count(first.seq) : 0;
  return {
    entries: rows.map(toEntry),
    total,
    position,
    nextBeforeSeq: last && position + rows.length < total ? last.seq : null,
    newerAfterSeq: first && position > 0 ? first.seq : null,
  };
}
