/**
 * `npm run test:diff -- [--seeds 50] [--start 1] [--steps 300] [--seed 7] [--single] [--no-shrink]`
 *
 * Without CORE_URL (or with --single): runs each seed's sequence on one Core (CORE_URL, or a
 * fresh embedded core) and checks it against the model of the Core's rules; a failing seed is
 * shrunk and printed as a script.
 * With CORE_URL: runs each sequence on that Core and on a fresh embedded core at once (one
 * driver process each) and lists every step whose normalized answers differ, grouped by kind;
 * the first of each kind is shrunk to the shortest sequence that still differs there.
 */
import { fork, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { isDeepStrictEqual, parseArgs } from "node:util";
import { startEmbeddedCore } from "../../main/embedded-core/index.ts";
import { initSdk } from "../support/sdk.ts";
import { generate } from "./catalogue.ts";
import type { Op } from "./op.ts";
import { oneLine, replayCommand, script, signature, SYMBOL_LEGEND } from "./report.ts";
import { checkSeed } from "./check-seed.ts";
import { freshNamespace, runChecked } from "./run.ts";
import { shrink } from "./shrink.ts";

const { values } = parseArgs({
  options: {
    seeds: { type: "string", default: "20" },
    start: { type: "string", default: "1" },
    seed: { type: "string" },
    steps: { type: "string", default: "200" },
    single: { type: "boolean", default: false },
    "no-shrink": { type: "boolean", default: false },
    "shrink-budget": { type: "string", default: "300" },
    replay: { type: "string" },
  },
});

const steps = Number(values.steps);
const seeds = values.seed !== undefined ? [Number(values.seed)] : Array.from({ length: Number(values.seeds) }, (_, i) => Number(values.start) + i);
const doShrink = !values["no-shrink"];
const budget = Number(values["shrink-budget"]);
const coreUrl = process.env.CORE_URL;
/** --replay '<json>': runs that exact sequence (as printed after a failure) and shows every answer. */
const replay = values.replay !== undefined ? (JSON.parse(values.replay) as Op[]) : undefined;

async function single(): Promise<number> {
  const core = coreUrl ? { url: coreUrl, apiKey: process.env.CORE_API_KEY || undefined } : { url: (await startEmbeddedCore()).url, apiKey: undefined };
  initSdk(core.url, core.apiKey);
  if (replay) {
    const run = await runChecked(replay, core);
    run.canonical.forEach((op, i) => {
      console.log(`${script([op], undefined, i)}\n       ${oneLine(run.results[i]?.outcome)}`);
      if (run.failure?.index === i) console.log(`       broke: ${run.failure.violations.join("; ")}`);
    });
    return run.failure ? 1 : 0;
  }
  console.log(`Single mode on ${coreUrl ?? "a fresh embedded core"}: ${seeds.length} seed(s) × ${steps} steps, checked against the model of the Core's rules.`);
  let failed = 0;
  for (const seed of seeds) {
    const result = await checkSeed(seed, steps, core, { shrink: doShrink, budget, legend: false });
    if (!result.failure) continue;
    failed += 1;
    console.log(`\n✘ ${result.failure}`);
  }
  console.log(`\n${seeds.length - failed} of ${seeds.length} seed(s) passed.`);
  if (failed) console.log(`Symbols:\n${SYMBOL_LEGEND}`);
  return failed ? 1 : 0;
}

interface DriverRun {
  /** Normalized outcomes, one per step. */
  results: unknown[];
  /** The steps as they resolved on that Core. */
  canonical: Op[];
}

/** A driver process for one Core. */
class Driver {
  private readonly child: ChildProcess;
  private next = 0;
  private readonly waiting = new Map<number, { resolve(v: DriverRun): void; reject(e: Error): void }>();
  readonly ready: Promise<string>;

  constructor(readonly name: string, env: Record<string, string>) {
    this.child = fork(fileURLToPath(new URL("./worker.ts", import.meta.url)), [], { execArgv: ["--import", "tsx"], env: { ...process.env, ...env } });
    this.ready = new Promise((resolve, reject) => {
      this.child.once("exit", (code) => reject(new Error(`${name} driver exited with ${code}`)));
      this.child.on("message", (msg: { ready?: string; id?: number; results?: unknown[]; canonical?: Op[]; error?: string }) => {
        if (msg.ready) return resolve(msg.ready);
        const w = this.waiting.get(msg.id ?? -1);
        this.waiting.delete(msg.id ?? -1);
        if (msg.error) w?.reject(new Error(`${name}: ${msg.error}`));
        else w?.resolve({ results: msg.results ?? [], canonical: msg.canonical ?? [] });
      });
    });
  }

  run(ops: Op[], ns: string): Promise<DriverRun> {
    const id = this.next++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.child.send({ id, ops, ns });
    });
  }

  stop(): void {
    this.child.kill();
  }
}

async function dual(url: string): Promise<number> {
  const real = new Driver("real Core", { DIFF_CORE_URL: url, DIFF_CORE_API_KEY: process.env.CORE_API_KEY ?? "" });
  const emb = new Driver("embedded core", { DIFF_CORE_URL: "embedded" });
  try {
    await Promise.all([real.ready, emb.ready]);
    console.log(`Dual mode: ${url} against a fresh embedded core, ${seeds.length} seed(s) × ${steps} steps.`);
    /** Runs on both Cores: [real answers, embedded answers, the steps as they resolved on the real Core]. */
    const both = async (ops: Op[]): Promise<[unknown[], unknown[], Op[]]> => {
      const ns = freshNamespace();
      const [x, y] = await Promise.all([real.run(ops, ns), emb.run(ops, ns)]);
      return [x.results, y.results, x.canonical];
    };
    if (replay) {
      const [x, y, canonical] = await both(replay);
      canonical.forEach((op, i) => {
        const same = isDeepStrictEqual(x[i], y[i]);
        console.log(`${script([op], undefined, i)}${same ? "" : "   <- differs"}\n       real Core: ${oneLine(x[i])}${same ? "" : `\n       embedded:  ${oneLine(y[i])}`}`);
      });
      return replay.every((_, i) => isDeepStrictEqual(x[i], y[i])) ? 0 : 1;
    }
    const groups = new Map<string, { count: number; seeds: Set<number>; first: { seed: number; index: number; ops: Op[]; shown: Op[]; real: unknown; embedded: unknown } }>();
    let total = 0;
    let differing = 0;
    for (const seed of seeds) {
      const ops = generate(seed, steps);
      const [a, b, canonical] = await both(ops);
      total += ops.length;
      const diffs = ops.map((_, i) => i).filter((i) => !isDeepStrictEqual(a[i], b[i]));
      differing += diffs.length;
      for (const i of diffs) {
        const key = `${(ops[i] as Op).k}: real ${signature(a[i])} / embedded ${signature(b[i])}`;
        const g = groups.get(key) ?? { count: 0, seeds: new Set<number>(), first: { seed, index: i, ops: ops.slice(0, i + 1), shown: canonical.slice(0, i + 1), real: a[i], embedded: b[i] } };
        g.count += 1;
        g.seeds.add(seed);
        groups.set(key, g);
      }
      console.log(`seed ${seed}: ${diffs.length} of ${ops.length} steps differ${diffs.length ? ` (first at step ${(diffs[0] as number) + 1}: ${(ops[diffs[0] as number] as Op).k})` : ""}`);
    }
    console.log(`\n${total - differing} of ${total} steps (${((100 * (total - differing)) / Math.max(total, 1)).toFixed(1)}%) gave the same normalized answer; ${groups.size} kind(s) of difference.`);
    for (const [key, g] of groups) {
      console.log(`\n=== ${key}: ${g.count} step(s) in seed(s) ${[...g.seeds].slice(0, 10).join(", ")}`);
      if (!doShrink) {
        // Run that prefix once more: the reference Core under load can fail a step once.
        const [x, y] = await both(g.first.ops);
        const again = !isDeepStrictEqual(x[g.first.index], y[g.first.index]);
        const from = Math.max(0, g.first.index - 11);
        console.log(`steps ${from + 1} to ${g.first.index + 1} of seed ${g.first.seed}${again ? "" : " (did NOT differ on a second run: a flake?)"}:`);
        console.log(script(g.first.shown.slice(from), g.first.index - from, from));
        console.log(`  real Core: ${oneLine(g.first.real)}`);
        console.log(`  embedded:  ${oneLine(g.first.embedded)}`);
        continue;
      }
      const repro = await shrink(
        g.first.ops,
        async (candidate) => {
          const [x, y] = await both(candidate);
          const last = candidate.length - 1;
          return !isDeepStrictEqual(x[last], y[last]);
        },
        budget,
      );
      const [x, y, shown] = await both(repro);
      console.log(`shortest sequence (${repro.length} steps, from seed ${g.first.seed} step ${g.first.index + 1}):\n${script(shown, repro.length - 1)}`);
      console.log(`  real Core: ${oneLine(x[repro.length - 1])}`);
      console.log(`  embedded:  ${oneLine(y[repro.length - 1])}`);
      console.log(`  replay:    ${replayCommand(shown)}`);
    }
    if (groups.size) console.log(`\nSymbols:\n${SYMBOL_LEGEND}`);
    return groups.size ? 1 : 0;
  } finally {
    real.stop();
    emb.stop();
  }
}

process.exitCode = coreUrl && !values.single ? await dual(coreUrl) : await single();
process.exit();
