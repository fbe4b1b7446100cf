/**
 * Invite throughput, informational (a baseline for later issues): per invitee,
 * Passwordless.signInUp then Passwordless.createMagicLink against the embedded core, at
 * concurrency 1 and 8, on a fresh file-backed database.
 */
import path from "node:path";
import Passwordless from "supertokens-node/recipe/passwordless";
import { throughput } from "./measure.ts";
import { startCoreOnPort, stopCore } from "./sdk.ts";
import type { BenchRow } from "./table.ts";

export interface InvitesOptions {
  dir: string;
  port: number;
  /** Invites timed at concurrency 1 and at concurrency 8. */
  serial: number;
  parallel: number;
  log: (line: string) => void;
}

const WARMUP = 20;

export async function benchInvites({ dir, port, serial, parallel, log }: InvitesOptions): Promise<BenchRow[]> {
  const core = await startCoreOnPort(port, path.join(dir, "invites.db"));
  let sent = 0;
  const invite = async (): Promise<void> => {
    const email = `invitee${sent++}@example.com`;
    const user = await Passwordless.signInUp({ tenantId: "public", email });
    if (user.status !== "OK" || !user.createdNewRecipeUser) throw new Error(`invite ${email}: signInUp did not create a user`);
    const link = await Passwordless.createMagicLink({ tenantId: "public", email });
    if (!link.startsWith("http://localhost:3000/")) throw new Error(`invite ${email}: unexpected magic link ${link}`);
  };
  try {
    await throughput(WARMUP, 1, invite);
    const c1 = await throughput(serial, 1, invite);
    log(`${serial} invites at concurrency 1: ${c1.toFixed(0)}/s`);
    const c8 = await throughput(parallel, 8, invite);
    log(`${parallel} invites at concurrency 8: ${c8.toFixed(0)}/s`);
    return [
      { measure: `invites/s, concurrency 1 (${serial})`, value: perSecond(c1), baseline: "" },
      { measure: `invites/s, concurrency 8 (${parallel})`, value: perSecond(c8), baseline: `${perSecond(c1)} c1`, ratio: c8 / c1 },
    ];
  } finally {
    await stopCore(core);
  }
}

const perSecond = (value: number): string => `${value.toFixed(0)} /s`;
