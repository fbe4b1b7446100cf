/**
 * Goal: the users table scrolls as smoothly with 100k rows as with 1k. The renderer's real app
 * shell and users page (VirtualTable, the users columns, the app's CSS, React in production mode)
 * are built into a small page (page/, vite.config.ts), served from 127.0.0.1 and opened in the
 * system Chromium, headless. The page scrolls the table 120 px per animation frame for 4 s, then
 * jumps to 8 far-apart positions (scrolling on for 15 frames after each), and records the time
 * between animation frames. With 100k rows the 95th-percentile frame time may be at most 1.5x
 * the one with 1k rows, measured in the same run, the two sizes taking turns.
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { chromium, type Browser } from "@playwright/test";
import { build } from "vite";
import { CHROMIUM_FLAGS, findChromium } from "../../scripts/find-browser.ts";
import type { BenchRow } from "../table.ts";
import { frameStats, type FrameStats } from "./frame-stats.ts";
import type { ScrollPlan, ScrollResult } from "./protocol.ts";

const CONFIG = path.join(import.meta.dirname, "vite.config.ts");

export const SCROLL_PLAN: ScrollPlan = {
  warmupFrames: 30,
  smoothMs: 4_000,
  stepPx: 120,
  jumps: [0.62, 0.13, 0.91, 0.37, 1, 0.5, 0.05, 0.78],
  framesPerJump: 15,
};

export interface ScrollOptions {
  small: number;
  large: number;
  /** Each size is scrolled this many times, alternating; the frames of all its runs are pooled. */
  rounds: number;
  plan?: ScrollPlan;
  log: (line: string) => void;
}

export async function benchScroll({ small, large, rounds, plan = SCROLL_PLAN, log }: ScrollOptions): Promise<BenchRow[]> {
  const outDir = mkdtempSync(path.join(os.tmpdir(), "gatehouse-bench-scroll-"));
  let server: Server | undefined;
  let browser: Browser | undefined;
  try {
    let started = performance.now();
    await build({ configFile: CONFIG, logLevel: "warn", build: { outDir } });
    log(`built the scroll page in ${secs(started)}`);
    server = await serveStatic(outDir);
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await chromium.launch({ executablePath: await findChromium(), args: [...CHROMIUM_FLAGS] });

    const intervals = new Map<number, number[]>([
      [small, []],
      [large, []],
    ]);
    for (let round = 0; round < rounds; round++) {
      for (const rows of [small, large]) {
        started = performance.now();
        const result = await scrollOnce(browser, `${base}/index.html?rows=${rows}`, rows, plan);
        const stats = frameStats(result.intervals);
        log(
          `scrolled ${rows} rows (${(result.scrolledPx / 1e6).toFixed(2)} Mpx) in ${secs(started)}: ${stats.frames} frames, ` +
            `median ${ms(stats.medianMs)}, p95 ${ms(stats.p95Ms)}, ${stats.dropped} dropped, ${result.blankFrames} painted before their top row was rendered`,
        );
        intervals.get(rows)!.push(...result.intervals);
      }
    }
    const s = frameStats(intervals.get(small)!);
    const l = frameStats(intervals.get(large)!);
    const at = `@${short(small)}`;
    return [
      { measure: `users table scroll, ${short(small)} rows: p95 frame`, value: ms(s.p95Ms), baseline: "" },
      { measure: `users table scroll, ${short(large)} rows: p95 frame`, value: ms(l.p95Ms), baseline: `${ms(s.p95Ms)} ${at}`, ratio: l.p95Ms / s.p95Ms, maxRatio: 1.5 },
      { measure: `users table scroll, ${short(small)} rows: dropped frames`, value: dropped(s), baseline: "" },
      { measure: `users table scroll, ${short(large)} rows: dropped frames`, value: dropped(l), baseline: `${dropped(s)} ${at}` },
    ];
  } finally {
    await browser?.close();
    await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
    rmSync(outDir, { recursive: true, force: true });
  }
}

/** One fresh page with `rows` users: waits for the table to hold them all, then scrolls it. */
async function scrollOnce(browser: Browser, url: string, rows: number, plan: ScrollPlan): Promise<ScrollResult> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, deviceScaleFactor: 1 });
  try {
    const page = await context.newPage();
    const errors: string[] = [];
    page.on("pageerror", (err) => errors.push(err.message));
    page.on("console", (msg) => msg.type() === "error" && errors.push(msg.text()));
    await page.goto(url);
    // In-page code as strings: the Node tsconfig has no DOM types (the page's own code is typed in page/).
    await page.waitForFunction(`document.querySelector('[data-testid="users-table"]')?.getAttribute("aria-rowcount") === "${rows + 1}"`, undefined, {
      timeout: 30_000,
    });
    const result = await page.evaluate<ScrollResult>(`window.__scrollBench.run(${JSON.stringify(plan)})`);
    if (errors.length > 0) throw new Error(`the scroll page reported errors: ${errors.join("; ")}`);
    if (result.rows !== rows) throw new Error(`the users table held ${result.rows} rows, not ${rows}`);
    if (result.missingRows.length > 0) throw new Error(`with ${rows} rows the table had not rendered rows ${result.missingRows.join(", ")} when scrolled to them`);
    if (result.intervals.length < 100) throw new Error(`only ${result.intervals.length} frames recorded with ${rows} rows`);
    return result;
  } finally {
    await context.close();
  }
}

const TYPES: Record<string, string> = { ".html": "text/html; charset=utf-8", ".js": "text/javascript", ".css": "text/css", ".svg": "image/svg+xml" };

/** The built page on 127.0.0.1 (random port): files under `dir` only, GET only. */
function serveStatic(dir: string): Promise<Server> {
  const root = path.resolve(dir);
  const server = createServer((req, res) => {
    const pathname = decodeURIComponent(new URL(req.url ?? "/", "http://localhost").pathname);
    const file = path.resolve(root, `.${pathname === "/" ? "/index.html" : pathname}`);
    if (req.method !== "GET" || !file.startsWith(root + path.sep) || !isFile(file)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { "content-type": TYPES[path.extname(file)] ?? "application/octet-stream", "cache-control": "no-store" }).end(readFileSync(file));
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve(server));
  });
}

function isFile(file: string): boolean {
  try {
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

const ms = (value: number): string => `${value.toFixed(1)} ms`;
const secs = (since: number): string => `${((performance.now() - since) / 1000).toFixed(1)} s`;
const short = (n: number): string => (n >= 1000 && n % 1000 === 0 ? `${n / 1000}k` : String(n));
const dropped = (s: FrameStats): string => `${s.dropped} of ${s.frames}`;
