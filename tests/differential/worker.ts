/**
 * One driver process per Core (supertokens-node is a process-wide singleton): it runs the
 * sequences the parent sends and answers with normalized outcomes.
 * DIFF_CORE_URL names the Core (with DIFF_CORE_API_KEY); "embedded" starts a fresh embedded core.
 */
import { startEmbeddedCore } from "../../main/embedded-core/index.ts";
import { initSdk } from "../support/sdk.ts";
import type { Op } from "./op.ts";
import { runNormalized } from "./run.ts";

interface Job {
  id: number;
  ops: Op[];
  ns: string;
}

const target = process.env.DIFF_CORE_URL ?? "embedded";
const core = target === "embedded" ? { url: (await startEmbeddedCore()).url, apiKey: undefined } : { url: target, apiKey: process.env.DIFF_CORE_API_KEY || undefined };
initSdk(core.url, core.apiKey);

process.on("message", (job: Job) => {
  runNormalized(job.ops, core, job.ns).then(
    (run) => process.send?.({ id: job.id, ...run }),
    (error: unknown) => process.send?.({ id: job.id, error: error instanceof Error ? (error.stack ?? error.message) : String(error) }),
  );
});
process.send?.({ ready: core.url });
