/**
 * Delta debugging: the shortest sequence (found greedily) that still fails the same way. The
 * failing step stays last; earlier steps are dropped in chunks, then one at a time, while the
 * failure remains.
 */
import type { Op } from "./op.ts";

export async function shrink(ops: Op[], stillFails: (candidate: Op[]) => Promise<boolean>, budget = 400): Promise<Op[]> {
  const target = ops[ops.length - 1];
  if (!target) return ops;
  let prefix = ops.slice(0, -1);
  let tries = 0;
  const attempt = async (candidate: Op[]): Promise<boolean> => {
    tries += 1;
    return stillFails([...candidate, target]);
  };
  let chunk = Math.max(1, Math.floor(prefix.length / 2));
  while (chunk >= 1 && tries < budget) {
    let removed = false;
    for (let start = 0; start < prefix.length && tries < budget; ) {
      const candidate = [...prefix.slice(0, start), ...prefix.slice(start + chunk)];
      if (await attempt(candidate)) {
        prefix = candidate;
        removed = true;
      } else {
        start += chunk;
      }
    }
    if (!removed) chunk = Math.floor(chunk / 2);
  }
  return [...prefix, target];
}
