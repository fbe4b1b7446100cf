/**
 * Goal: a page of 100 users with roles, flags, second-factor phones and mapped ids costs at most
 * 1.5x through Gatehouse's dispatcher (users.list: validation, role check, services, output
 * validation) what the fewest supertokens-node calls for the same data cost (hand-written.ts),
 * on a 10k-user embedded core, for the first page and a middle one (via its token).
 *
 * "Cold": Gatehouse's clock jumps 31 s on every reading, so its 30 s role cache never hits and
 * each page fetches the roles like the hand-written script does. "Warm" (information): the clock
 * stands still, so the role index is served from the cache.
 *
 * Gatehouse initialises the process-wide supertokens-node singleton itself (main/core/sdk.ts),
 * unlike bench/run.ts, so this runs in a child process: `tsx bench/console/page-load.ts` prints
 * {"rows": BenchRow[]} as its last stdout line (progress goes to stderr). The hand-written calls
 * go through Gatehouse's CoreClient only so that they reach the embedded core.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import supertokens from "supertokens-node";
import { startGatehouse } from "../../main/app.ts";
import { CoreClient } from "../../main/core/core-client.ts";
import type { OutputOf } from "../../shared/contract/index.ts";
import type { UserRow } from "../../shared/contract/schemas.ts";
import { runAsChildBench } from "../child.ts";
import { medianMs } from "../measure.ts";
import { PAGE_SIZE, seedCoreDb } from "../seed.ts";
import type { BenchRow } from "../table.ts";
import { handWrittenPage } from "./hand-written.ts";
import { seedConsoleData } from "./seed-console.ts";

const TENANT = "public";
/** Gatehouse's role cache lives 30 s. */
const PAST_ROLE_TTL_MS = 31_000;

export interface PageLoadOptions {
  users: number;
  reps: number;
  log: (line: string) => void;
}

type Page = OutputOf<"users.list">;

/** Gatehouse's `now`: cold, every reading is 31 s after the previous one; warm, it stands still. */
class BenchClock {
  cold = true;
  private t = Date.now();
  readonly now = (): number => (this.cold ? (this.t += PAST_ROLE_TTL_MS) : this.t);
}

export async function benchConsolePageLoad({ users, reps, log }: PageLoadOptions): Promise<BenchRow[]> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "gatehouse-bench-console-"));
  try {
    const dbFile = path.join(dataDir, "embedded-core.sqlite");
    const middle = Math.floor(users / PAGE_SIZE / 2); // 0-based
    let started = performance.now();
    seedCoreDb(dbFile, users);
    const extra = seedConsoleData(dbFile, [0, middle]);
    log(
      `seeded ${users} users in ${secs(started)}: ${extra.roleHolders} with roles, ${extra.metadataRows} metadata rows ` +
        `(${extra.temporaryPasswords} temporary passwords, ${extra.twoFactorLinks} 2FA links of which ${extra.missingLinks} to a missing ` +
        `user and ${extra.noPhoneLinks} to one without a phone), ${extra.mappings} user-id mappings`,
    );

    const clock = new BenchClock();
    const gatehouse = await startGatehouse({ dataDir, now: clock.now, operator: "bench" });
    try {
      const coreUrl = gatehouse.embeddedCoreUrl;
      if (!coreUrl) throw new Error("startGatehouse started no embedded core");
      const core = new CoreClient({ uris: [coreUrl], apiKey: undefined, timeoutMs: 10_000 });
      const viaDispatcher = async (paginationToken: string | undefined): Promise<Page> => {
        const envelope = await gatehouse.dispatcher.invoke("users.list", {
          tenantId: TENANT,
          order: "newest",
          limit: PAGE_SIZE,
          ...(paginationToken ? { paginationToken } : {}),
        }, gatehouse.desktopCaller());
        if (!envelope.ok) throw new Error(`users.list: ${envelope.error.code}: ${envelope.error.message}`);
        return envelope.value as Page;
      };
      const byHand = (paginationToken: string | undefined) => core.sdk(() => handWrittenPage(coreUrl, TENANT, PAGE_SIZE, paginationToken));

      // The middle page's token, the way an operator gets there: page after page.
      let middleToken: string | undefined;
      for (let p = 0; p < middle; p++) {
        const token = middleToken;
        middleToken = (await core.sdk(() => supertokens.getUsersNewestFirst({ tenantId: TENANT, limit: PAGE_SIZE, ...(token ? { paginationToken: token } : {}) })))
          .nextPaginationToken;
        if (!middleToken) throw new Error(`page ${p + 1} of ${users} users has no next-page token`);
      }

      for (const [name, token] of [["page 1", undefined], [`page ${middle + 1}`, middleToken]] as const) {
        await checkPage(name, token, { viaDispatcher, byHand, clock, log });
      }

      started = performance.now();
      const ops = {
        coldFirst: () => ((clock.cold = true), viaDispatcher(undefined)),
        handFirst: () => byHand(undefined),
        coldMiddle: () => ((clock.cold = true), viaDispatcher(middleToken)),
        handMiddle: () => byHand(middleToken),
        warmFirst: () => ((clock.cold = false), viaDispatcher(undefined)),
        warmMiddle: () => ((clock.cold = false), viaDispatcher(middleToken)),
      };
      const t = await medianMs(ops, { warmup: 10, reps });
      log(`measured users.list vs hand-written in ${secs(started)}`);

      const k = `${Math.round(users / 1000)}k`;
      const mid = `page ${middle + 1}`;
      return [
        pageRow(`users page 1 (100 of ${k}), dispatcher, cold`, t.coldFirst, t.handFirst, 1.5),
        pageRow(`users ${mid} (100 of ${k}), dispatcher, cold`, t.coldMiddle, t.handMiddle, 1.5),
        pageRow(`users page 1 (100 of ${k}), dispatcher, warm roles`, t.warmFirst, t.handFirst),
        pageRow(`users ${mid} (100 of ${k}), dispatcher, warm roles`, t.warmMiddle, t.handMiddle),
      ];
    } finally {
      await gatehouse.close();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const pageRow = (measure: string, value: number, hand: number, maxRatio?: number): BenchRow => ({
  measure,
  value: ms(value),
  baseline: `${ms(hand)} by hand`,
  ratio: value / hand,
  ...(maxRatio !== undefined ? { maxRatio } : {}),
});

interface CheckDeps {
  viaDispatcher: (token: string | undefined) => Promise<Page>;
  byHand: (token: string | undefined) => Promise<{ rows: UserRow[]; nextPaginationToken: string | null }>;
  clock: BenchClock;
  log: (line: string) => void;
}

/**
 * The timings only compare like with like if both sides return the same rows, the page shows
 * every kind of row, and a cold page really asks the core for the roles (a warm one does not).
 */
async function checkPage(name: string, token: string | undefined, { viaDispatcher, byHand, clock, log }: CheckDeps): Promise<void> {
  clock.cold = true;
  const cold = await countCoreRequests(() => viaDispatcher(token));
  const hand = await countCoreRequests(() => byHand(token));
  clock.cold = false;
  const warm = await countCoreRequests(() => viaDispatcher(token));
  assert.deepStrictEqual(cold.result, hand.result, `${name}: the dispatcher and the hand-written calls disagree`);
  assert.deepStrictEqual(warm.result, hand.result, `${name} (warm): the dispatcher and the hand-written calls disagree`);

  const rows = hand.result.rows;
  const kinds = {
    "with roles": rows.filter((r) => r.roles.length > 0).length,
    "temporary passwords": rows.filter((r) => r.temporaryPassword).length,
    "2FA enrolled": rows.filter((r) => r.secondFactor.state === "enrolled").length,
    "2FA broken": rows.filter((r) => r.secondFactor.state === "broken").length,
    mapped: rows.filter((r) => r.superTokensUserId !== undefined).length,
  };
  const missing = Object.entries(kinds).filter(([, n]) => n === 0).map(([k]) => k);
  if (rows.length !== PAGE_SIZE) throw new Error(`${name} has ${rows.length} rows, not ${PAGE_SIZE}`);
  if (missing.length > 0) throw new Error(`${name} has no rows ${missing.join(", ")}: the seed does not cover it`);
  const roleCalls = (c: Map<string, number>) => (c.get("/recipe/roles") ?? 0) + (c.get("/recipe/role/users") ?? 0);
  if (roleCalls(cold.calls) === 0 || roleCalls(hand.calls) === 0) throw new Error(`${name}: a cold load did not fetch the roles`);
  if (roleCalls(warm.calls) !== 0) throw new Error(`${name}: a warm load fetched the roles`);
  log(`${name}: ${Object.entries(kinds).map(([k, n]) => `${n} ${k}`).join(", ")}`);
  log(`  core requests: dispatcher cold ${describe(cold.calls)}; warm ${describe(warm.calls)}; by hand ${describe(hand.calls)}`);
}

/** Runs `fn`, counting the HTTP requests it sends to the core by path (supertokens-node and raw). */
async function countCoreRequests<T>(fn: () => Promise<T>): Promise<{ result: T; calls: Map<string, number> }> {
  const calls = new Map<string, number>();
  const original = globalThis.fetch;
  globalThis.fetch = (input, init) => {
    const url = new URL(typeof input === "string" ? input : input instanceof URL ? input.href : input.url);
    const key = url.pathname.replace(/^\/appid-[^/]+/, "").replace(/^\/public(?=\/)/, "");
    calls.set(key, (calls.get(key) ?? 0) + 1);
    return original(input, init);
  };
  try {
    return { result: await fn(), calls };
  } finally {
    globalThis.fetch = original;
  }
}

function describe(calls: Map<string, number>): string {
  const total = [...calls.values()].reduce((a, b) => a + b, 0);
  return `${total} (${[...calls].map(([p, n]) => `${p} ×${n}`).join(", ")})`;
}

const ms = (value: number): string => `${value.toFixed(2)} ms`;
const secs = (since: number): string => `${((performance.now() - since) / 1000).toFixed(1)} s`;

runAsChildBench(import.meta.url, () =>
  benchConsolePageLoad({
    users: Number(process.env.BENCH_CONSOLE_USERS ?? 10_000),
    reps: Number(process.env.BENCH_CONSOLE_REPS ?? 60),
    log: (line) => console.error(`[bench:console] ${line}`),
  }),
);
