/**
 * The users list: one page from the Core at a time. The Core pages forward only, with a token;
 * "previous" works from a stack of the tokens that led to each earlier page. A search pages the
 * same way (main pages through the Core's one answer with tokens of its own).
 */
import { createStore } from "zustand/vanilla";
import type { GatehouseClient } from "../../../shared/contract/client.ts";
import type { InputOf, OutputOf } from "../../../shared/contract/index.ts";
import type { UserRow } from "../../../shared/contract/schemas.ts";
import { toErrorBody } from "../api/errors.ts";
import type { Loadable } from "./types.ts";

export const PAGE_SIZES = [25, 50, 100, 200, 500] as const;
export type PageSize = (typeof PAGE_SIZES)[number];

export interface UsersQuery {
  tenantId: string;
  order: "newest" | "oldest";
  /** Rows per page: one of PAGE_SIZES in the UI; the Core allows 1–500. */
  limit: number;
  search: string;
  /** Only users in this second-factor state ("" for all): from the user index while it is fresh, else main scans the Core's pages. */
  secondFactor: "" | "enrolled" | "none" | "broken";
  /** Filters only the local user index answers ("" for all): the temporary-password flag, the relation to the migration roster, invited/accepted. */
  temporaryPassword: "" | "yes" | "no";
  migrationState: "" | NonNullable<InputOf<"users.list">["migrationState"]>;
  invite: "" | NonNullable<InputOf<"users.list">["invite"]>;
}

/** How fresh the user index that answered the page is, and how many users match in all. */
export type IndexInfo = NonNullable<OutputOf<"users.list">["index"]>;

/** The query's filters as users.list and users.export take them (absent when "any"). */
export function filtersOf(query: UsersQuery) {
  return {
    ...(query.secondFactor ? { secondFactor: query.secondFactor } : {}),
    ...(query.temporaryPassword ? { temporaryPassword: query.temporaryPassword === "yes" } : {}),
    ...(query.migrationState ? { migrationState: query.migrationState } : {}),
    ...(query.invite ? { invite: query.invite } : {}),
  };
}

/** Whether a filter only the user index answers is on (the page then says how fresh the index is). */
export const usesIndex = (query: UsersQuery): boolean => query.temporaryPassword !== "" || query.migrationState !== "" || query.invite !== "";

export type SearchInfo = NonNullable<OutputOf<"users.list">["search"]>;

export interface UsersState extends Loadable {
  query: UsersQuery;
  rows: UserRow[];
  /** Tokens that fetched the pages before the current one; page 1's is undefined. */
  previousTokens: (string | undefined)[];
  /** The token that fetched the current page. */
  currentToken: string | undefined;
  nextToken: string | null;
  /** 1-based number of the page on screen. */
  page: number;
  /** With a second-factor filter: how many users main looked at for this page. */
  scanned: number | null;
  /** With a search: how many users the Core returned, where this page starts, and which sign-in methods it cut at 1,000. */
  search: SearchInfo | null;
  /** The page came from the local user index: how fresh it is, and the matches in all. */
  index: IndexInfo | null;
  setQuery(change: Partial<UsersQuery>): Promise<void>;
  /** Another profile (another Core): what was shown goes at once, whatever the new answer is. */
  startOver(change: Partial<UsersQuery>): Promise<void>;
  reload(): Promise<void>;
  next(): Promise<void>;
  previous(): Promise<void>;
  exportCsv(): Promise<OutputOf<"users.export">>;
}

export const createUsersStore = (client: GatehouseClient, initial?: Partial<UsersQuery>) =>
  createStore<UsersState>()((set, get) => {
    let latestRequest = 0;

    /** Fetches the page `token` leads to; answers to superseded requests are dropped. */
    async function fetchPage(token: string | undefined, stack: (string | undefined)[]): Promise<void> {
      const request = ++latestRequest;
      set({ status: "loading", error: null });
      const { query } = get();
      try {
        const search = query.search.trim();
        const result = await client.invoke("users.list", {
          tenantId: query.tenantId,
          order: query.order,
          limit: query.limit,
          ...(search ? { search } : {}),
          ...(token ? { paginationToken: token } : {}),
          ...filtersOf(query),
        });
        if (request !== latestRequest) return;
        set({
          rows: result.rows,
          nextToken: result.nextPaginationToken,
          currentToken: token,
          previousTokens: stack,
          page: stack.length + 1,
          scanned: result.scanned ?? null,
          search: result.search ?? null,
          index: result.index ?? null,
          status: "ready",
        });
      } catch (err) {
        if (request !== latestRequest) return;
        set({ status: "error", error: toErrorBody(err) });
      }
    }

    return {
      status: "idle",
      error: null,
      query: { tenantId: "public", order: "newest", limit: 100, search: "", secondFactor: "", temporaryPassword: "", migrationState: "", invite: "", ...initial },
      rows: [],
      previousTokens: [],
      currentToken: undefined,
      nextToken: null,
      page: 1,
      scanned: null,
      search: null,
      index: null,
      async setQuery(change) {
        set({ query: { ...get().query, ...change } });
        await fetchPage(undefined, []);
      },
      async startOver(change) {
        set({ query: { ...get().query, ...change }, rows: [], nextToken: null, currentToken: undefined, previousTokens: [], page: 1, scanned: null, search: null, index: null });
        await fetchPage(undefined, []);
      },
      reload: () => fetchPage(get().currentToken, get().previousTokens),
      async next() {
        const { nextToken, currentToken, previousTokens, status } = get();
        if (!nextToken || status === "loading") return;
        await fetchPage(nextToken, [...previousTokens, currentToken]);
      },
      async previous() {
        const { previousTokens, status } = get();
        if (previousTokens.length === 0 || status === "loading") return;
        await fetchPage(previousTokens[previousTokens.length - 1], previousTokens.slice(0, -1));
      },
      async exportCsv() {
        const { query } = get();
        const search = query.search.trim();
        return client.invoke("users.export", {
          tenantId: query.tenantId,
          order: query.order,
          max: 100_000,
          ...(search ? { search } : {}),
          ...filtersOf(query),
        });
      },
    };
  });

export type UsersStore = ReturnType<typeof createUsersStore>;
