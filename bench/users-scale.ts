/**
 * Goal 1: listing and search stay flat as the user base grows. With 100k users the last page
 * (keyset pagination) costs at most 1.5x the first page, and an email-prefix search at most 2x
 * what it costs with 1k users. Both go through supertokens-node, as the console does.
 */
import path from "node:path";
import supertokens from "supertokens-node";
import { medianMs } from "./measure.ts";
import { PAGE_SIZE, SEARCH_MATCHES, SEARCH_PREFIX, seedCoreDb, type SeededCore } from "./seed.ts";
import { startCoreOnPort, stopCore } from "./sdk.ts";
import type { BenchRow } from "./table.ts";

const SMALL = 1_000;
const LARGE = 100_000;

interface ScaleTimings {
  firstPage: number;
  lastPage: number;
  search: number;
}

export interface UsersScaleOptions {
  dir: string;
  port: number;
  reps: number;
  log: (line: string) => void;
}

export async function benchUsersScale({ dir, port, reps, log }: UsersScaleOptions): Promise<BenchRow[]> {
  const small = await measureAt(SMALL);
  const large = await measureAt(LARGE);
  return [
    {
      measure: "first page (100), 100k users",
      value: ms(large.firstPage),
      baseline: `${ms(small.firstPage)} @1k`,
      ratio: large.firstPage / small.firstPage,
    },
    {
      measure: "last page (100), 100k users",
      value: ms(large.lastPage),
      baseline: `${ms(large.firstPage)} 1st pg`,
      ratio: large.lastPage / large.firstPage,
      maxRatio: 1.5,
    },
    {
      measure: `email prefix search (${SEARCH_MATCHES} hits), 100k`,
      value: ms(large.search),
      baseline: `${ms(small.search)} @1k`,
      ratio: large.search / small.search,
      maxRatio: 2,
    },
  ];

  async function measureAt(count: number): Promise<ScaleTimings> {
    const dbFile = path.join(dir, `users-${count}.db`);
    let started = performance.now();
    const seeded = seedCoreDb(dbFile, count);
    log(`seeded ${count} users in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    const core = await startCoreOnPort(port, dbFile);
    try {
      await checkResults(seeded);
      started = performance.now();
      const t = await medianMs(
        {
          firstPage: () => supertokens.getUsersNewestFirst({ tenantId: "public", limit: PAGE_SIZE }),
          lastPage: () =>
            supertokens.getUsersNewestFirst({ tenantId: "public", limit: PAGE_SIZE, paginationToken: seeded.lastPageToken }),
          search: () => supertokens.getUsersNewestFirst({ tenantId: "public", query: { email: SEARCH_PREFIX } }),
        },
        { reps },
      );
      log(`measured ${count} users in ${((performance.now() - started) / 1000).toFixed(1)} s`);
      return t;
    } finally {
      await stopCore(core);
    }
  }
}

/** The timings only mean something if the calls return what they should. */
async function checkResults(seeded: SeededCore): Promise<void> {
  const first = await supertokens.getUsersNewestFirst({ tenantId: "public", limit: PAGE_SIZE });
  const last = await supertokens.getUsersNewestFirst({ tenantId: "public", limit: PAGE_SIZE, paginationToken: seeded.lastPageToken });
  const found = await supertokens.getUsersNewestFirst({ tenantId: "public", query: { email: SEARCH_PREFIX } });
  const problems = [
    first.users.length !== PAGE_SIZE && `first page has ${first.users.length} users, not ${PAGE_SIZE}`,
    first.nextPaginationToken === undefined && "first page has no next-page token",
    last.users.length !== seeded.lastPageSize && `last page has ${last.users.length} users, not ${seeded.lastPageSize}`,
    last.nextPaginationToken !== undefined && "last page has a next-page token",
    found.users.length !== SEARCH_MATCHES && `search "${SEARCH_PREFIX}" found ${found.users.length} users, not ${SEARCH_MATCHES}`,
  ].filter((p): p is string => typeof p === "string");
  if (problems.length > 0) throw new Error(`users bench at ${seeded.users} users: ${problems.join("; ")}`);
}

const ms = (value: number): string => `${value.toFixed(2)} ms`;
