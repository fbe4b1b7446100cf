/**
 * Gatehouse in the bench's own process, driven through its dispatcher as the renderer would, with
 * an admin profile on a Core in force: what the job benches start from.
 */
import type { Gatehouse } from "../main/app.ts";
import type { OutputOf } from "../shared/contract/index.ts";
import { DEFAULT_DATA_CONTRACT } from "../shared/data-contract.ts";

/** Calls one operation; a refused or failed one throws with its code and message. */
export async function invokeOn<T>(gatehouse: Gatehouse, op: string, input: unknown): Promise<T> {
  const envelope = await gatehouse.dispatcher.invoke(op, input, gatehouse.desktopCaller());
  if (!envelope.ok) throw new Error(`${op}: ${envelope.error.code}: ${envelope.error.message}`);
  return envelope.value as T;
}

/** Creates the "Bench core" admin profile on `coreUrl` and switches to it. */
export async function useBenchProfile(gatehouse: Gatehouse, coreUrl: string, timeoutMs: number): Promise<void> {
  const profile = await invokeOn<OutputOf<"profiles.create">>(gatehouse, "profiles.create", {
    name: "Bench core",
    uris: [coreUrl],
    role: "admin",
    defaultTenant: "public",
    timeoutMs,
    contract: { ...DEFAULT_DATA_CONTRACT },
  });
  await invokeOn(gatehouse, "profiles.switch", { id: profile.id });
}
