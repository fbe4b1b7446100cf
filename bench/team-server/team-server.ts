/**
 * The team server's two speed goals (issue 14), each against a baseline measured in the same run:
 *
 * 1. A Users page through the server costs at most 1.2x the same page on the desktop: users.list
 *    (100 rows of a 10k-user embedded core, page 1 and a middle page) as the renderer sends it to
 *    a team server (POST /api/invoke with the session cookie and X-CSRF-Token, over HTTP on
 *    loopback, the answer parsed; operator-http.ts) against the same call into the same Gatehouse's dispatcher with
 *    the desktop's caller, which is what Electron IPC does in-process. Same data, same caches:
 *    the two take turns on one server.
 * 2. Signing in and loading the first page costs at most 1.5x loading that page with a session
 *    already open, in Chromium with the real renderer build (browser-sign-in.ts).
 *
 * The user base is written into the data folder's embedded-core.sqlite before the server starts,
 * as bench/console/page-load.ts does. Gatehouse initialises the process-wide supertokens-node
 * singleton itself, so this runs in a child process (`tsx bench/team-server/team-server.ts` prints
 * {"rows": BenchRow[]} as its last stdout line; progress goes to stderr).
 */
import assert from "node:assert/strict";
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseServerConfig } from "../../main/team-server/config.ts";
import { startTeamServer, type TeamServer } from "../../main/team-server/index.ts";
import { addOperator } from "../../main/team/operators/add-operator.ts";
import type { OutputOf } from "../../shared/contract/index.ts";
import { ensureRendererBuilt, RENDERER_OUT_DIR } from "../../scripts/renderer-build.ts";
import { runAsChildBench } from "../child.ts";
import { seedConsoleData } from "../console/seed-console.ts";
import { medianMs } from "../measure.ts";
import { PAGE_SIZE, seedCoreDb } from "../seed.ts";
import type { BenchRow } from "../table.ts";
import { benchSignInLoad } from "./browser-sign-in.ts";
import { signInOverHttp, type Envelope, type SignedInOperator } from "./operator-http.ts";

const TENANT = "public";
const OPERATOR = { email: "bench-admin@example.com", password: "bench admin's long password" };

export interface TeamServerBenchOptions {
  users: number;
  /** Repetitions of each users.list call (after 10 warm-up rounds). */
  reps: number;
  /** Sign-ins and session-open loads in Chromium (after `browserWarmup` of each). */
  browserReps: number;
  browserWarmup: number;
  log: (line: string) => void;
}

type Page = OutputOf<"users.list">;

export async function benchTeamServer(o: TeamServerBenchOptions): Promise<BenchRow[]> {
  const { users, log } = o;
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "gatehouse-bench-team-server-"));
  let server: TeamServer | undefined;
  let operator: SignedInOperator | undefined;
  try {
    let started = performance.now();
    if (await ensureRendererBuilt(log)) log(`built the renderer in ${secs(started)}`);
    const rendererDir = copyRenderer(path.join(dataDir, "renderer"));

    started = performance.now();
    const dbFile = path.join(dataDir, "embedded-core.sqlite");
    const middle = Math.floor(users / PAGE_SIZE / 2); // 0-based
    seedCoreDb(dbFile, users);
    const extra = seedConsoleData(dbFile, [0, middle]);
    log(`seeded ${users} users in ${secs(started)} (${extra.roleHolders} with roles, ${extra.metadataRows} metadata rows, ${extra.mappings} mapped ids)`);

    started = performance.now();
    const config = parseServerConfig({ listen: { host: "127.0.0.1", port: 0 }, dataDir }, dataDir);
    server = await startTeamServer({ config, rendererDir, log: (line) => log(`server: ${line}`) });
    const { team, gatehouse, origin } = server;
    // What `npm run server -- add-operator … --role admin` does, then the printed link is used.
    const created = await addOperator({ directory: team.directory, links: team.links, audit: server.audit, now: team.now }, { email: OPERATOR.email, role: "admin" }, "cli:bench");
    await team.setPassword({ token: new URL(created.link.url).hash.replace(/^#set-password=/, ""), password: OPERATOR.password }, "127.0.0.1");
    operator = await signInOverHttp(origin, OPERATOR.email, OPERATOR.password);
    const signedIn = operator;
    log(`team server on ${origin} with an admin signed in, in ${secs(started)}`);

    const input = (paginationToken: string | undefined) => ({ tenantId: TENANT, order: "newest", limit: PAGE_SIZE, ...(paginationToken ? { paginationToken } : {}) });
    const desktop = async (token: string | undefined): Promise<Page> => valueOf(await gatehouse.dispatcher.invoke("users.list", input(token), gatehouse.desktopCaller()));
    const overHttp = async (token: string | undefined): Promise<Page> => valueOf(await signedIn.invoke("users.list", input(token)));

    // The middle page's token, the way an operator gets there: page after page.
    let middleToken: string | undefined;
    for (let p = 0; p < middle; p++) {
      middleToken = (await desktop(middleToken)).nextPaginationToken ?? undefined;
      if (!middleToken) throw new Error(`page ${p + 1} of ${users} users has no next-page token`);
    }
    // Like with like: both doors answer the same full pages.
    const first = await desktop(undefined);
    for (const token of [undefined, middleToken]) {
      const [d, h] = [await desktop(token), await overHttp(token)];
      assert.deepStrictEqual(h, d, `users.list ${token ? "middle page" : "page 1"}: the server and the desktop disagree`);
      if (d.rows.length !== PAGE_SIZE) throw new Error(`a page of ${d.rows.length} rows, not ${PAGE_SIZE}`);
    }

    started = performance.now();
    const t = await medianMs(
      {
        desktopFirst: () => desktop(undefined),
        serverFirst: () => overHttp(undefined),
        desktopMiddle: () => desktop(middleToken),
        serverMiddle: () => overHttp(middleToken),
      },
      { warmup: 10, reps: o.reps },
    );
    log(`measured users.list through the server vs the desktop in ${secs(started)}`);

    started = performance.now();
    const newest = first.rows[0];
    const firstRowText = newest?.emails[0] ?? newest?.phoneNumbers[0];
    if (!firstRowText) throw new Error("page 1's first user has neither email nor phone");
    const browser = await benchSignInLoad({ origin, ...OPERATOR, firstRowText, pageRows: first.rows.length, warmup: o.browserWarmup, reps: o.browserReps, log });
    log(`measured sign-in in Chromium in ${secs(started)}`);

    const k = `${Math.round(users / 1000)}k`;
    return [
      pageRow(`users page 1 (100 of ${k}) through the team server (HTTP, cookie + CSRF) vs the desktop (dispatcher in-process)`, t.serverFirst, t.desktopFirst),
      pageRow(`users page ${middle + 1} (100 of ${k}) through the team server vs the desktop`, t.serverMiddle, t.desktopMiddle),
      {
        measure: `Chromium: sign in + users page 1 vs page 1 with a session open (median of ${o.browserReps})`,
        value: `${browser.signInMs.toFixed(0)} ms`,
        baseline: `${browser.openSessionMs.toFixed(0)} ms with a session`,
        ratio: browser.signInMs / browser.openSessionMs,
        maxRatio: 1.5,
      },
    ];
  } finally {
    operator?.close();
    await server?.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/**
 * A copy of dist/renderer to serve: others may rebuild it while the bench runs (new asset names),
 * which would fail a page half-way. The copy must hold every asset its index.html names.
 */
function copyRenderer(to: string): string {
  cpSync(RENDERER_OUT_DIR, to, { recursive: true });
  const index = readFileSync(path.join(to, "index.html"), "utf8");
  const missing = [...index.matchAll(/(?:src|href)="\.\/([^"]+)"/g)].map((m) => m[1]!).filter((asset) => !existsSync(path.join(to, asset)));
  if (missing.length > 0) throw new Error(`dist/renderer is incomplete (a build under way?): no ${missing.join(", ")}`);
  return to;
}

function valueOf(envelope: Envelope): Page {
  if (!envelope.ok) throw new Error(`users.list: ${envelope.error?.code ?? "?"}: ${envelope.error?.message ?? ""}`);
  return envelope.value as Page;
}

const pageRow = (measure: string, server: number, desktop: number): BenchRow => ({
  measure,
  value: ms(server),
  baseline: `${ms(desktop)} desktop`,
  ratio: server / desktop,
  maxRatio: 1.2,
});

const ms = (value: number): string => `${value.toFixed(2)} ms`;
const secs = (since: number): string => `${((performance.now() - since) / 1000).toFixed(1)} s`;

runAsChildBench(import.meta.url, () =>
  benchTeamServer({
    users: Number(process.env.BENCH_TEAM_USERS ?? 10_000),
    reps: Number(process.env.BENCH_TEAM_REPS ?? 60),
    browserReps: Number(process.env.BENCH_TEAM_BROWSER_REPS ?? 20),
    browserWarmup: Number(process.env.BENCH_TEAM_BROWSER_WARMUP ?? 2),
    log: (line) => console.error(`[bench:team-server] ${line}`),
  }),
);
