/**
 * Every operation kind the generator draws from, and the generator itself: a seed and a step
 * count give the same sequence everywhere.
 */
import { ArgGen } from "./args.ts";
import type { Op, OpKind } from "./op.ts";
import { accountOps } from "./ops-accounts.ts";
import { dataOps } from "./ops-data.ts";
import { rawOps } from "./ops-raw.ts";
import { tenancyOps } from "./ops-tenancy.ts";
import { Rng } from "./prng.ts";
import { recordedOps } from "./recorded.ts";

export const KINDS: Record<string, OpKind> = { ...accountOps, ...dataOps, ...tenancyOps, ...rawOps, ...recordedOps };

const WEIGHTED = Object.entries(KINDS).map(([k, kind]) => [kind.weight, k] as const);

/** A sequence of `steps` operations; it starts by creating the run's two tenants (shrinking may drop that). */
export function generate(seed: number, steps: number): Op[] {
  const g = new ArgGen(new Rng(seed));
  const ops: Op[] = [
    { k: "Multitenancy.createOrUpdateTenant", a: { tenant: "$T1", config: {} } },
    { k: "Multitenancy.createOrUpdateTenant", a: { tenant: "$T2", config: { firstFactors: ["emailpassword", "otp-email"] } } },
  ];
  while (ops.length < steps) {
    const k = g.rng.weighted(WEIGHTED);
    ops.push({ k, a: (KINDS[k] as OpKind).gen(g) });
  }
  return ops.slice(0, steps);
}
