/**
 * Runs a sequence on one Core in this process (supertokens-node must be initialised for that
 * Core): each step's outcome, and with a model, the first rule it broke.
 */
import Multitenancy from "supertokens-node/recipe/multitenancy";
import UserRoles from "supertokens-node/recipe/userroles";
import { runStep, type StepResult } from "./execute.ts";
import { Model } from "./model.ts";
import { Normalizer } from "./normalize.ts";
import type { Op } from "./op.ts";
import { canonicalArgs, World, type CoreAddress } from "./world.ts";

let counter = 0;
const runId = Math.random().toString(36).slice(2, 7);

/**
 * A namespace no other run uses, even on a shared Core: [a-z0-9] only (valid in tenant ids and
 * emails), and never inside another run's (the closing "x" after the decimal counter), so that
 * "this run's" filters and prefix searches see nothing of other runs.
 */
export function freshNamespace(): string {
  counter += 1;
  return `d${runId}${counter}x`;
}

export interface Failure {
  /** Index of the step that broke a rule. */
  index: number;
  violations: string[];
}

export interface CheckedRun {
  results: StepResult[];
  failure: Failure | undefined;
  /** The steps run, with "$U7" and the like written as what they meant at the time. */
  canonical: Op[];
}

/** Removes what a run leaves that other runs could see (its tenants and roles); users stay, under its namespace. */
export async function cleanUp(world: World): Promise<void> {
  for (const t of [world.tenant(1), world.tenant(2)]) await Multitenancy.deleteTenant(t).catch(() => undefined);
  const roles = await UserRoles.getAllRoles().catch(() => ({ roles: [] as string[] }));
  for (const role of roles.roles) if (role.includes(world.ns)) await UserRoles.deleteRole(role).catch(() => undefined);
}

/** Runs the steps; with `check`, stops at the first step that breaks one of the model's rules. */
export async function runChecked(ops: Op[], core: CoreAddress, check = true): Promise<CheckedRun> {
  const world = new World(freshNamespace(), core);
  const model = new Model(world.ns);
  const results: StepResult[] = [];
  const canonical: Op[] = [];
  try {
    for (const [index, op] of ops.entries()) {
      canonical.push({ k: op.k, a: canonicalArgs(op.a, world.counts()) as Op["a"] });
      const result = await runStep(op, world);
      results.push(result);
      if (!check) continue;
      const violations = model.step(op.k, result.args, result.outcome);
      if (violations.length) return { results, failure: { index, violations }, canonical };
    }
    return { results, failure: undefined, canonical };
  } finally {
    await cleanUp(world);
  }
}

/** Runs the steps without the model; each outcome normalized (for comparing two Cores), and the steps as they resolved. */
export async function runNormalized(ops: Op[], core: CoreAddress, ns: string): Promise<{ results: unknown[]; canonical: Op[] }> {
  const world = new World(ns, core);
  const normalizer = new Normalizer(world);
  const results: unknown[] = [];
  const canonical: Op[] = [];
  try {
    for (const op of ops) {
      canonical.push({ k: op.k, a: canonicalArgs(op.a, world.counts()) as Op["a"] });
      results.push(normalizer.outcome((await runStep(op, world)).outcome));
    }
    return { results, canonical };
  } finally {
    await cleanUp(world);
  }
}
