/**
 * Runs one step and turns whatever happened into plain JSON: the SDK's answer (class instances
 * flattened, functions dropped) or the error it threw (its message, and a session error's type).
 */
import { KINDS } from "./catalogue.ts";
import type { Args, Op, OpKind } from "./op.ts";
import type { World } from "./world.ts";

export type Outcome = { ok: unknown } | { threw: string; type?: string };

/** JSON-able copy: RecipeUserId → its string; undefined → null (so "no user" survives a round trip). */
export function plain(value: unknown): unknown {
  if (value === undefined) return null;
  return JSON.parse(
    JSON.stringify(value, (_key, v: unknown) => {
      if (v !== null && typeof v === "object" && typeof (v as { getAsString?: unknown }).getAsString === "function") {
        return (v as { getAsString(): string }).getAsString();
      }
      return v;
    }),
  ) as unknown;
}

export interface StepResult {
  /** The arguments as sent (symbols resolved against the world before the step). */
  args: Args;
  outcome: Outcome;
}

/**
 * The in-memory real Core (SQLite with a shared cache) sometimes fails a call with
 * SQLITE_LOCKED when other clients use it at the same time; the transaction is rolled back, so
 * the step is run again. That is the reference Core's load, not its behaviour.
 */
const CONTENTION = /SQLITE_LOCKED|SQLITE_BUSY|database table is locked/;

async function attempt(kind: OpKind, args: Args, world: World): Promise<Outcome> {
  try {
    return { ok: plain(await kind.run(args, world)) };
  } catch (error) {
    const e = error as { message?: unknown; type?: unknown };
    return { threw: String(e.message ?? error), ...(typeof e.type === "string" ? { type: e.type } : {}) };
  }
}

export async function runStep(op: Op, world: World): Promise<StepResult> {
  const kind = KINDS[op.k];
  if (!kind) throw new Error(`unknown operation ${op.k}`);
  const args = world.resolve(op.a) as Args;
  let outcome = await attempt(kind, args, world);
  for (let retry = 1; retry <= 10 && CONTENTION.test(JSON.stringify(outcome)); retry++) {
    await new Promise((resolve) => setTimeout(resolve, 50 * retry));
    outcome = await attempt(kind, args, world);
  }
  return { args, outcome };
}
