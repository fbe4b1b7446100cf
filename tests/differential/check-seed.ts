/**
 * Single-Core mode for one seed: run its sequence against the model of the Core's rules and,
 * when a rule breaks, shrink the sequence and describe the shortest one that still breaks it.
 */
import { generate } from "./catalogue.ts";
import { oneLine, replayCommand, script, SYMBOL_LEGEND } from "./report.ts";
import { runChecked } from "./run.ts";
import { shrink } from "./shrink.ts";
import type { CoreAddress } from "./world.ts";

export interface SeedCheck {
  seed: number;
  steps: number;
  /** Undefined when every step kept every rule; otherwise a readable report. */
  failure: string | undefined;
}

/**
 * Which rule a violation message states: its first words, with ids, namespaces and numbers
 * blanked (they differ from run to run), so a shrunk sequence must break the same rule.
 */
export const ruleOf = (violation: string): string =>
  violation
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, "<id>")
    .replace(/\d+/g, "#")
    .split(/\s+/)
    .slice(0, 4)
    .join(" ");

export async function checkSeed(seed: number, steps: number, core: CoreAddress, options: { shrink?: boolean; budget?: number; legend?: boolean } = {}): Promise<SeedCheck> {
  const ops = generate(seed, steps);
  const run = await runChecked(ops, core);
  if (!run.failure) return { seed, steps, failure: undefined };
  const { index, violations } = run.failure;
  const rules = new Set(violations.map(ruleOf));
  let repro = ops.slice(0, index + 1);
  if (options.shrink !== false) {
    repro = await shrink(
      repro,
      async (candidate) => {
        const r = await runChecked(candidate, core);
        return r.failure?.index === candidate.length - 1 && r.failure.violations.some((v) => rules.has(ruleOf(v)));
      },
      options.budget ?? 300,
    );
  }
  const head = `seed ${seed}, step ${index + 1} of ${steps}: ${violations.join("\n    ")}`;
  if (options.shrink === false) {
    // Not shrunk: the steps just before the failure, for a first look.
    const from = Math.max(0, index - 11);
    const tail = script(run.canonical.slice(from), index - from, from);
    return { seed, steps, failure: `${head}\nlast steps:\n${tail}\n  answer: ${oneLine(run.results[index]?.outcome)}` };
  }
  const last = await runChecked(repro, core);
  repro = last.canonical;
  const report = [
    head,
    `shortest sequence (${repro.length} steps):`,
    script(repro, repro.length - 1),
    `  answer: ${oneLine(last.results[last.results.length - 1]?.outcome)}`,
    `  broke:  ${last.failure?.violations.join("; ") ?? "(the shortest sequence did not fail again)"}`,
    `  replay: ${replayCommand(repro)}`,
    ...(options.legend === false ? [] : [`Symbols:\n${SYMBOL_LEGEND}`]),
  ].join("\n");
  return { seed, steps, failure: report };
}
