/**
 * `npm test`: the whole gate, in order, stopping at the first failing phase:
 *   1. typecheck  tsc -p tsconfig.json --noEmit, then tsc -p renderer/tsconfig.json --noEmit
 *                 (when the renderer has its own tsconfig: DOM types, bundler resolution)
 *   2. lint       eslint --max-warnings 0 .
 *   3. unit       vitest run            (fails when 0 tests ran)
 *   4. build      npm run build:renderer (the e2e tests load dist/renderer)
 *   5. e2e        playwright test in the system Chromium (fails when 0 tests ran)
 * The last line printed is `N passed, N failed` (`, N skipped` when any), totalled over Vitest
 * and Playwright. A phase that fails without a failing test to show for it (a type error, a lint
 * error, a test file that does not load, a missing browser, a crashed runner) counts as 1 failed,
 * so the summary never reads "0 failed" on a red run. Exit code is non-zero on any failure.
 */
import { mkdtempSync, readFileSync, rmSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { findChromium } from "./find-browser.ts";
import { buildRenderer } from "./renderer-build.ts";
import { ROOT, runTool } from "./run-tool.ts";

interface Counts {
  passed: number;
  failed: number;
  skipped: number;
}

interface PhaseResult extends Partial<Counts> {
  ok: boolean;
  /** Why the phase failed, when the tool's own output does not say it on its last line. */
  reason?: string;
}

interface Phase {
  name: string;
  command: string;
  run: () => Promise<PhaseResult>;
}

const tmp = mkdtempSync(path.join(tmpdir(), "gatehouse-test-"));
const vitestJson = path.join(tmp, "vitest.json");
const playwrightJson = path.join(tmp, "playwright.json");

function readJson(file: string): unknown {
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, "utf8"));
  } catch {
    return undefined;
  }
}

/** Every TypeScript project: Node code, the renderer (DOM, JSX), and the scroll bench's page. */
const TSCONFIGS = ["tsconfig.json", "renderer/tsconfig.json", "bench/scroll/page/tsconfig.json", "examples/demo-app/web/tsconfig.json"].filter((p) => existsSync(path.join(ROOT, p)));

const num = (value: unknown): number => (typeof value === "number" && Number.isFinite(value) ? value : 0);

const phases: Phase[] = [
  {
    name: "typecheck",
    command: TSCONFIGS.map((p) => `tsc -p ${p} --noEmit`).join(" && "),
    run: async () => {
      for (const project of TSCONFIGS) {
        const code = await runTool("tsc", ["-p", project, "--noEmit"]);
        if (code !== 0) return { ok: false, reason: `tsc -p ${project} exited with ${code}` };
      }
      return { ok: true };
    },
  },
  {
    name: "lint",
    command: "eslint --max-warnings 0 .",
    run: async () => {
      const code = await runTool("eslint", ["--max-warnings", "0", "."]);
      return { ok: code === 0, reason: `eslint exited with ${code}` };
    },
  },
  {
    name: "unit",
    command: "vitest run",
    run: async () => {
      const code = await runTool("vitest", ["run", "--reporter=default", "--reporter=json", `--outputFile.json=${vitestJson}`]);
      const report = readJson(vitestJson) as
        | {
            numPassedTests?: number;
            numFailedTests?: number;
            numPendingTests?: number;
            numTodoTests?: number;
            numTotalTests?: number;
            testResults?: { status?: string; assertionResults?: { status?: string }[] }[];
          }
        | undefined;
      if (!report) return { ok: false, reason: `vitest exited with ${code} and wrote no JSON report` };
      // A file that fails to load (import error, top-level throw) has no failed test of its own.
      const brokenFiles = (report.testResults ?? []).filter(
        (file) => file.status === "failed" && !(file.assertionResults ?? []).some((test) => test.status === "failed"),
      ).length;
      const counts: Counts = {
        passed: num(report.numPassedTests),
        failed: num(report.numFailedTests) + brokenFiles,
        skipped: num(report.numPendingTests) + num(report.numTodoTests),
      };
      if (code === 0 && num(report.numTotalTests) === 0) return { ...counts, ok: false, reason: "vitest ran 0 tests" };
      return { ...counts, ok: code === 0, reason: `vitest exited with ${code}` };
    },
  },
  {
    name: "build",
    command: "npm run build:renderer",
    run: async () => {
      try {
        await buildRenderer();
        return { ok: true };
      } catch (error) {
        return { ok: false, reason: error instanceof Error ? error.message : String(error) };
      }
    },
  },
  {
    name: "e2e",
    command: "playwright test (system Chromium)",
    run: async () => {
      let chromium: string;
      try {
        chromium = await findChromium();
      } catch (error) {
        return { ok: false, reason: error instanceof Error ? error.message : String(error) };
      }
      console.log(`Chromium: ${chromium}`);
      const code = await runTool("playwright", ["test", "--reporter=list,json"], {
        ...process.env,
        CHROMIUM_PATH: chromium,
        PLAYWRIGHT_JSON_OUTPUT_FILE: playwrightJson,
      });
      const report = readJson(playwrightJson) as
        | { stats?: { expected?: number; unexpected?: number; flaky?: number; skipped?: number }; errors?: unknown[] }
        | undefined;
      if (!report?.stats) return { ok: false, reason: `playwright exited with ${code} and wrote no JSON report` };
      const { stats } = report;
      const counts: Counts = {
        passed: num(stats.expected) + num(stats.flaky),
        failed: num(stats.unexpected),
        skipped: num(stats.skipped),
      };
      // Errors outside any test (a test file that does not load, a failing beforeAll hook's file...).
      if (counts.failed === 0 && (report.errors?.length ?? 0) > 0) counts.failed = report.errors?.length ?? 0;
      const total = counts.passed + counts.failed + counts.skipped;
      if (code === 0 && total === 0) return { ...counts, ok: false, reason: "playwright ran 0 tests" };
      return { ...counts, ok: code === 0, reason: `playwright exited with ${code}` };
    },
  },
];

const totals: Counts = { passed: 0, failed: 0, skipped: 0 };
const timings: string[] = [];
let failedPhase: string | undefined;
const started = performance.now();

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)}s`;

try {
  for (const [index, phase] of phases.entries()) {
    console.log(`\n=== [${index + 1}/${phases.length}] ${phase.name}: ${phase.command}`);
    const t0 = performance.now();
    let result: PhaseResult;
    try {
      result = await phase.run();
    } catch (error) {
      result = { ok: false, reason: `crashed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}` };
    }
    const elapsed = seconds(performance.now() - t0);
    timings.push(`${phase.name} ${elapsed}`);
    totals.passed += result.passed ?? 0;
    totals.failed += result.failed ?? 0;
    totals.skipped += result.skipped ?? 0;
    if (!result.ok) {
      if (!result.failed) totals.failed += 1;
      failedPhase = phase.name;
      const rest = phases.slice(index + 1).map((p) => p.name);
      console.error(
        `\n✘ ${phase.name} FAILED after ${elapsed}: ${result.reason ?? "see output above"}` +
          (rest.length ? `. Stopping; not run: ${rest.join(", ")}.` : "."),
      );
      break;
    }
    console.log(`✔ ${phase.name} passed in ${elapsed}`);
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}

console.log(`\nTiming: ${timings.join(", ")}; total ${seconds(performance.now() - started)}`);
console.log(failedPhase ? `Result: FAILED (${failedPhase})` : "Result: all phases passed");
console.log(`${totals.passed} passed, ${totals.failed} failed${totals.skipped ? `, ${totals.skipped} skipped` : ""}`);
process.exitCode = failedPhase ? 1 : 0;
