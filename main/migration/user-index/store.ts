/**
 * Where the local user index is kept: what the last scan saw of each SuperTokens user of a profile
 * (the listing's fields, a signature of them, and what its metadata says that the console filters
 * on), each user's tenants in join order, its emails and phones as search keys, and the scan's own
 * journal and stage. Gatehouse's SQLite by default (sqlite-store.ts: desktop, one team server);
 * PostgreSQL for team servers with two or more instances (postgres-store.ts), so every instance
 * answers from one index, and a scan's items can run on any of them.
 *
 * What must happen together is one method (one transaction): a refresh's users and flags (write),
 * a page staged with where to go on from (stagePages), the index replaced from a stage.
 */
import type { IndexFreshness } from "../../../shared/contract/operations/migration.ts";
import { INDEX_STALE_AFTER_MS } from "../../../shared/contract/operations/migration.ts";
import type { ListedUser, MetaColumns } from "./listed.ts";
import type { IndexPageQuery, IndexRow } from "./users-page.ts";

export interface IndexMeta {
  users: number | null;
  built_at: number | null;
  refreshed_at: number | null;
  last_job_id: string | null;
  roster_version: number | null;
}

/** Where a chunk of a scan's pages stands (user_index_scan_chunks). */
export interface ChunkRow {
  cursor: string | null;
  pages: number;
  users: number;
  done: number;
  result: string | null;
}

export type NewChunkRow = Omit<ChunkRow, "result"> & { result?: unknown };

/** A page a full scan read: the users as listed, with their metadata. */
export interface StagedPage {
  listed: readonly ListedUser[];
  meta: Map<string, MetaColumns>;
}

export interface IndexPage {
  rows: IndexRow[];
  nextPaginationToken: string | null;
  matches: number;
}

export interface IndexStore {
  /** The signatures of those of these users that are indexed. */
  sigs(profileId: string, userIds: readonly string[]): Promise<Map<string, string>>;
  /**
   * Writes users as listed, in one transaction. With `meta`, their metadata columns too (users
   * missing from `meta` get empty ones); without, a new user gets empty metadata columns and a
   * known one keeps its own. `flags`: metadata columns of other known users (a refresh's re-read
   * of flags that can change), written only where they changed.
   * (A full scan does not come here: it stages its users and replaces the index at its end.)
   */
  write(profileId: string, users: readonly ListedUser[], meta: Map<string, MetaColumns> | null, flags?: Map<string, MetaColumns>): Promise<void>;

  chunk(jobId: string, tenantId: string, chunk: number): Promise<ChunkRow | undefined>;
  saveChunk(jobId: string, tenantId: string, chunk: number, row: NewChunkRow): Promise<void>;
  /** Appends pages a full scan read to its stage and saves where its chunk stands, together. */
  stagePages(jobId: string, pages: readonly StagedPage[], at: { tenantId: string; chunk: number; row: NewChunkRow }): Promise<void>;
  /**
   * The end of a complete full scan: the profile's index becomes what the scan staged (users listed
   * in several tenants once), second factors resolved, search keys made again, the stage emptied,
   * in one transaction. Returns how many users the index lost.
   */
  replaceFromStage(profileId: string, jobId: string): Promise<number>;
  /** The stage of a scan that will never finish (cancelled, failed): dropped before the next one. */
  dropStage(jobId: string): Promise<void>;

  /** Users of a tenant with a flag that can change later without the listing showing it (temporary password, a pending invite). */
  watched(profileId: string, tenantId: string): Promise<string[]>;
  tenantCount(profileId: string, tenantId: string): Promise<number>;
  tenantUserIds(profileId: string, tenantId: string): Promise<Set<string>>;
  /** Users the tenant's listing no longer has: out of that tenant; users left in no tenant go. */
  removeFromTenant(profileId: string, tenantId: string, userIds: readonly string[]): Promise<void>;
  /**
   * Resolves every linked second factor against the index (after a refresh): enrolled when the
   * linked Passwordless user is indexed with a phone, broken otherwise.
   */
  resolveSecondFactors(profileId: string): Promise<void>;
  users(profileId: string): Promise<number>;

  meta(profileId: string): Promise<IndexMeta | undefined>;
  noteScanJob(profileId: string, jobId: string): Promise<void>;
  noteScanned(profileId: string, full: boolean, at: number, rosterVersion: number): Promise<void>;

  /** A Users-list page answered from the index (users-page.ts). */
  page(profileId: string, q: IndexPageQuery): Promise<IndexPage>;
}

/** How fresh the index is; `scanning` is filled by the caller, who knows the job engine. */
export async function freshnessOf(store: IndexStore, profileId: string, now: number, scanning: IndexFreshness["scanning"] = null): Promise<IndexFreshness> {
  const m = await store.meta(profileId);
  const refreshedAt = m?.refreshed_at ?? null;
  const ageMs = refreshedAt === null ? null : Math.max(0, now - refreshedAt);
  return {
    state: m?.built_at ? "ready" : "none",
    builtAt: m?.built_at ?? null,
    refreshedAt,
    ageMs,
    stale: ageMs === null || ageMs > INDEX_STALE_AFTER_MS,
    users: m?.built_at ? (m.users ?? (await store.users(profileId))) : 0,
    scanning,
  };
}
