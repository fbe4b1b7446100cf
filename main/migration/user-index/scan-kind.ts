/**
 * "migration.scan": fills the local user index from the Core, as a job of the job engine (progress,
 * ETA, pause, resume after a crash, waiting out an unreachable Core).
 *
 * Full scan: every tenant's users, oldest first (users who join meanwhile land at the end and are
 * read too), 500 a page with their metadata in one bulk call per page, read two pages ahead of the
 * one being written (pager.ts). The items are chunks of pages run one after another; each page's
 * users are appended to a stage together with the Core's token for the next page
 * (the store's chunk journal) in one transaction, so a crash or a restart resumes at the page after
 * the last one written, and an item run again after it was done does nothing. The index keeps answering
 * from the previous scan meanwhile; the last item replaces it from the stage in one transaction,
 * sorted (random-key inserts page by page cost several times more at 100k users).
 *
 * Refresh: per tenant, the newest users until a page shows only users already indexed (new users
 * join at the top, in timeJoined order), a re-read of the metadata of users whose flags can still
 * change (temporary password, pending invite), and the Core's user count against the index's: a
 * difference (users deleted, or joined with an earlier timeJoined, e.g. bulk-imported) makes it
 * compare the whole listing with the index, still reading metadata only for new or changed users.
 * Metadata of unchanged users is never read again, since nothing in the listing says it changed;
 * a full scan re-reads it (e.g. second-factor links set on existing users).
 *
 * The last item classifies the roster against the index and stores a dated snapshot.
 */
import supertokens from "supertokens-node";
import { z } from "zod";
import { GatehouseError } from "../../../shared/contract/errors.ts";
import type { DataContract } from "../../../shared/data-contract.ts";
import type { CoreClient } from "../../core/core-client.ts";
import type { JobKind, PreparedItem } from "../../jobs/kind.ts";
import { listedUser, metaColumns, type ListedUser, type MetaColumns, type SdkUser } from "./listed.ts";
import { Pager } from "./pager.ts";
import type { IndexStore } from "./store.ts";

export const SCAN_KIND = "migration.scan";
/** The Core's most users per list call. */
export const PAGE = 500;
/** Pages per item: a few seconds of work, so progress and pause have something to hold on to. */
export const CHUNK_PAGES = 4;
/** Pages written per transaction (a crash re-reads at most these). */
const COMMIT_PAGES = 1;

export const scanInput = z.object({ mode: z.enum(["full", "refresh"]).default("refresh") });
type Input = z.output<typeof scanInput>;

type Item =
  | { step: "page"; tenantId: string; chunk: number; last: boolean }
  | { step: "refresh"; tenantId: string }
  | { step: "finish"; mode: "full" | "refresh"; chunks: Record<string, number> };
type Result = { users: number; pages: number; detail: string };
type ListPage = { users: SdkUser[]; nextPaginationToken?: string | undefined };
/** A page as listed, with its metadata, and the Core's token for the page after it. */
type Fetched = { token: string | null; listed: ListedUser[]; meta: Map<string, MetaColumns> };

/** Each scan job's pager per tenant, handed from item to item (pager.ts). */
const pagers = new Map<string, Pager<ListedUser[], Omit<Fetched, "token">>>();
/** Pages the Core is asked for ahead of the one being written. */
const AHEAD = 2;

export interface ScanDeps {
  store: IndexStore;
  contractOf: (profileId: string) => DataContract;
  /** The last item: classify the roster and store the snapshot; returns a line for the result. */
  finish: (profileId: string, jobId: string, mode: "full" | "refresh", removed: number) => Promise<string>;
}

export function scanKind(deps: ScanDeps): JobKind<Input, Item, Result> {
  const { store } = deps;

  return {
    name: SCAN_KIND,
    permission: "migration:read",
    input: scanInput,
    concurrency: 1,
    // Each item goes on from where the one before it stopped (the Core's or the service's cursor), and
    // the job engine's concurrency is per instance: on a shared job store (PostgreSQL), two instances
    // would run an item before the one it follows. So it runs on the instance that planned it, even
    // though its pages are staged in the shared store there.
    instanceBound: true,
    inputColumns: ["step", "tenantId", "chunk"],
    resultColumns: ["users", "pages", "detail"],
    describe: (input, items) => {
      const mode = items.at(-1)?.input.step === "finish" ? (items.at(-1)?.input as { mode: string }).mode : input.mode;
      const tenants = new Set(items.flatMap((i) => ("tenantId" in i.input ? [i.input.tenantId] : []))).size;
      return `${mode === "full" ? "full scan" : "refresh"} of the user index (${tenants} tenant${tenants === 1 ? "" : "s"})`;
    },
    async prepare(input, ctx) {
      const mode = input.mode === "refresh" && !(await store.meta(ctx.profileId))?.built_at ? "full" : input.mode;
      const { tenants } = await ctx.core.raw<{ tenants: { tenantId: string }[] }>("GET", "/recipe/multitenancy/tenant/list/v2");
      const items: PreparedItem<Item>[] = [];
      const chunks: Record<string, number> = {};
      for (const { tenantId } of tenants) {
        if (mode === "refresh") {
          chunks[tenantId] = 1;
          items.push({ input: { step: "refresh", tenantId }, plan: `new and changed users of ${tenantId}` });
          continue;
        }
        const count = await ctx.core.sdk(() => supertokens.getUserCount(undefined, tenantId));
        const n = Math.max(1, Math.ceil(count / (PAGE * CHUNK_PAGES)));
        chunks[tenantId] = n;
        for (let chunk = 0; chunk < n; chunk++) {
          const from = chunk * PAGE * CHUNK_PAGES + 1;
          const last = chunk === n - 1;
          items.push({ input: { step: "page", tenantId, chunk, last }, plan: last ? `users ${from.toLocaleString("en-US")}+ of ${tenantId} (to the end)` : `users ${from.toLocaleString("en-US")}–${(from + PAGE * CHUNK_PAGES - 1).toLocaleString("en-US")} of ${tenantId}` });
        }
      }
      items.push({ input: { step: "finish", mode, chunks }, plan: "classify the roster and store a dated snapshot" });
      return items;
    },
    async runItem(item, ctx) {
      if (item.step === "page") return pageChunk(item, ctx.core, ctx.profileId, ctx.jobId);
      if (item.step === "refresh") return refreshTenant(item.tenantId, ctx.core, ctx.profileId, ctx.jobId);
      return finishScan(item, ctx.profileId, ctx.jobId);
    },
  };

  async function pageChunk(item: Extract<Item, { step: "page" }>, core: CoreClient, profileId: string, jobId: string): Promise<Result> {
    const contract = deps.contractOf(profileId);
    const mine = await store.chunk(jobId, item.tenantId, item.chunk);
    if (mine?.done) return JSON.parse(mine.result ?? "{}") as Result;
    let pages = mine?.pages ?? 0;
    let users = mine?.users ?? 0;
    // Where this chunk goes on from: its own last page, or where the chunk before it ended.
    let cursor: string | null;
    if (pages > 0) cursor = mine?.cursor ?? null;
    else if (item.chunk === 0) cursor = "";
    else {
      const before = await store.chunk(jobId, item.tenantId, item.chunk - 1);
      if (!before?.done) throw new GatehouseError({ code: "INTERNAL", message: `the pages before these in ${item.tenantId} were not read (their item failed): run the failed items again` });
      cursor = before.cursor;
    }
    const done = async (): Promise<Result> => {
      const result = { users, pages, detail: cursor === null ? "read to the end" : "" };
      await store.saveChunk(jobId, item.tenantId, item.chunk, { cursor, pages, users, done: 1, result });
      return result;
    };
    if (cursor === null) return await done(); // the chunks before reached the end already
    // Each page is staged with the token to go on from in one transaction (appends: cheap).
    let batch: Fetched[] = [];
    const flush = async () => {
      const row = { cursor, pages, users, done: 0 };
      const staged = batch;
      batch = [];
      await store.stagePages(jobId, staged, { tenantId: item.tenantId, chunk: item.chunk, row });
    };
    // The tenant's pager, handed on from the item before when it stands where this one starts.
    const key = `${jobId}\u0000${item.tenantId}`;
    let pager = pagers.get(key);
    if (pager?.expected !== cursor) {
      pager = new Pager<ListedUser[], Omit<Fetched, "token">>(
        cursor,
        async (token) => {
          const page = await listPage(core, item.tenantId, "oldest", PAGE, token);
          return { token: page.nextPaginationToken ?? null, value: page.users.map(listedUser) };
        },
        async (listed) => ({ listed, meta: new Map([...(await core.metadataOf(listed.map((u) => u.id)))].map(([id, m]) => [id, metaColumns(m, contract)])) }),
        AHEAD,
      );
      pagers.set(key, pager);
    }
    while (item.last || pages < CHUNK_PAGES) {
      let page;
      try {
        page = await pager.take();
      } catch (err) {
        pagers.delete(key); // spent: the item's retry starts a new one where the journal says
        throw err;
      }
      if (!page) break;
      batch.push({ token: page.token, ...page.value });
      pages += 1;
      users += page.value.listed.length;
      cursor = page.token;
      if (batch.length >= COMMIT_PAGES) await flush();
      if (cursor === null) break;
    }
    if (batch.length > 0) await flush();
    if (cursor === null || item.last) pagers.delete(key);
    return await done();
  }

  async function refreshTenant(tenantId: string, core: CoreClient, profileId: string, jobId: string): Promise<Result> {
    const mine = await store.chunk(jobId, tenantId, 0);
    if (mine?.done) return JSON.parse(mine.result ?? "{}") as Result;
    const contract = deps.contractOf(profileId);
    const readMeta = async (ids: string[]) => new Map([...(await core.metadataOf(ids))].map(([id, m]) => [id, metaColumns(m, contract)]));
    const count = await core.sdk(() => supertokens.getUserCount(undefined, tenantId));
    let pages = 0;
    // 1. New users join at the top: read newest first until a page has users the index knows.
    const fresh: ListedUser[] = [];
    let token: string | undefined;
    for (;;) {
      const page = await listPage(core, tenantId, "newest", PAGE, token);
      pages += 1;
      const listed = page.users.map(listedUser);
      const sigs = await store.sigs(profileId, listed.map((u) => u.id));
      const changed = listed.filter((u) => sigs.get(u.id) !== u.sig);
      fresh.push(...changed);
      token = page.nextPaginationToken;
      if (!token || changed.length < listed.length) break;
    }
    // 2. Flags that change without the listing showing it.
    const freshIds = new Set(fresh.map((u) => u.id));
    const watched = (await store.watched(profileId, tenantId)).filter((id) => !freshIds.has(id));
    const [freshMeta, watchedMeta] = await Promise.all([readMeta(fresh.map((u) => u.id)), readMeta(watched)]);
    await store.write(profileId, fresh, freshMeta, watchedMeta);
    let detail = `${fresh.length} new or changed, ${watched.length} flags re-read`;
    // 3. The Core's count against the index's: a difference means users went (or came in out of order).
    if ((await store.tenantCount(profileId, tenantId)) !== count) {
      const compared = await compareListing(core, profileId, tenantId, readMeta);
      pages += compared.pages;
      detail += `; counts differed, whole listing compared: ${compared.added} added or changed, ${compared.removed} removed`;
    }
    const result = { users: fresh.length, pages, detail };
    await store.saveChunk(jobId, tenantId, 0, { cursor: null, pages, users: fresh.length, done: 1, result });
    return result;
  }

  /** Every page of the tenant against the index: metadata only for users new or changed in the listing. */
  async function compareListing(core: CoreClient, profileId: string, tenantId: string, readMeta: (ids: string[]) => Promise<Map<string, ReturnType<typeof metaColumns>>>) {
    const indexed = await store.tenantUserIds(profileId, tenantId);
    let token: string | undefined;
    let pages = 0;
    let added = 0;
    do {
      const page = await listPage(core, tenantId, "oldest", PAGE, token);
      pages += 1;
      const listed = page.users.map(listedUser);
      for (const u of listed) indexed.delete(u.id);
      const sigs = await store.sigs(profileId, listed.map((u) => u.id));
      const changed = listed.filter((u) => sigs.get(u.id) !== u.sig);
      const meta = await readMeta(changed.map((u) => u.id));
      await store.write(profileId, changed, meta);
      added += changed.length;
      token = page.nextPaginationToken;
    } while (token);
    await store.removeFromTenant(profileId, tenantId, [...indexed]);
    return { pages, added, removed: indexed.size };
  }

  async function finishScan(item: Extract<Item, { step: "finish" }>, profileId: string, jobId: string): Promise<Result> {
    // A scan with a part missing must not count as one: users it did not reach are not gone.
    const missing: { tenantId: string; c: number }[] = [];
    for (const [tenantId, n] of Object.entries(item.chunks)) for (let c = 0; c < n; c++) if (!(await store.chunk(jobId, tenantId, c))?.done) missing.push({ tenantId, c });
    if (missing.length > 0) {
      throw new GatehouseError({
        code: "VALIDATION",
        message: `${missing.length} part${missing.length === 1 ? "" : "s"} of the scan could not be read (first: tenant ${missing[0]?.tenantId}); the index keeps what was read. Run the failed items again to finish the scan.`,
      });
    }
    const removed = item.mode === "full" ? await store.replaceFromStage(profileId, jobId) : 0;
    const detail = await deps.finish(profileId, jobId, item.mode, removed);
    return { users: await store.users(profileId), pages: 0, detail };
  }
}

function listPage(core: CoreClient, tenantId: string, order: "oldest" | "newest", limit: number, token: string | undefined | ""): Promise<ListPage> {
  const args = { tenantId, limit, ...(token ? { paginationToken: token } : {}) };
  return core.sdk(() => (order === "oldest" ? supertokens.getUsersOldestFirst(args) : supertokens.getUsersNewestFirst(args)));
}
