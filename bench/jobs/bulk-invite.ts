/**
 * Goal: bulk-inviting N people through the job engine ("invites.bulk": CSV, dry run, then the
 * journaled job with its invite records, metadata and outbox delivery) runs at no less than 0.8x
 * the throughput of a hand-written supertokens-node loop doing Passwordless.signInUp +
 * createMagicLink at the same concurrency (8); and the process's RSS, sampled every 50 ms during
 * the job, stays under 300 MB.
 *
 * Gatehouse initialises the supertokens-node singleton itself, so this runs in a child process
 * (like bench/console/page-load.ts): `tsx bench/jobs/bulk-invite.ts` prints {"rows": BenchRow[]}
 * as its last stdout line. Every side gets a fresh embedded core, in a process of its own (a Core
 * is a server of its own; the RSS is then Gatehouse's alone), on an empty database file:
 *   1. the job, through Gatehouse's dispatcher (it runs first: its RSS is not inflated by the others);
 *   2. the baseline: the hand-written loop as a developer writes it — plain supertokens-node in a
 *      process of its own, with the SDK's own fetch (hand-written-invites.ts);
 *   3. for information, the same loop in this process through Gatehouse's CoreClient, i.e. over
 *      Gatehouse's Core transport (main/core/http-transport.ts): the job against that shows what
 *      the engine itself costs, apart from the cheaper transport.
 * The job makes one Core call per invite more than the loop (the invite record in metadata, made
 * alongside the magic link) and writes its journal, invite record and outbox in SQLite.
 */
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import Passwordless from "supertokens-node/recipe/passwordless";
import { startGatehouse } from "../../main/app.ts";
import { CoreClient } from "../../main/core/core-client.ts";
import type { OutputOf } from "../../shared/contract/index.ts";
import { invokeOn, useBenchProfile } from "../console.ts";
import { spawnCore } from "../core-process.ts";
import { runAsChildBench, runChildJson } from "../child.ts";
import { throughput } from "../measure.ts";
import type { BenchRow } from "../table.ts";

const CONCURRENCY = 8;
const RSS_LIMIT_MB = 300;

export interface BulkInviteOptions {
  count: number;
  log: (line: string) => void;
}


interface Side {
  perSecond: number;
  /** CPU seconds of the side's own process and of its core, over the timed part. */
  cpuSeconds: number;
  coreCpuSeconds: number;
}

/** The baseline: plain supertokens-node in a process of its own (hand-written-invites.ts). */
async function handWritten(dir: string, count: number): Promise<Side> {
  const core = await spawnCore(path.join(dir, "hand-written.sqlite"));
  try {
    const coreCpu0 = core.cpuSeconds();
    const out = (await runChildJson("bench/jobs/hand-written-invites.ts", { CORE_URL: core.url, COUNT: String(count), CONCURRENCY: String(CONCURRENCY) })) as Partial<Side>;
    if (typeof out.perSecond !== "number" || typeof out.cpuSeconds !== "number") throw new Error(`hand-written-invites.ts printed ${JSON.stringify(out)}`);
    return { perSecond: out.perSecond, cpuSeconds: out.cpuSeconds, coreCpuSeconds: core.cpuSeconds() - coreCpu0 };
  } finally {
    await core.close();
  }
}

/** The same loop in this process through Gatehouse's CoreClient (its Core transport), for information. */
async function handWrittenViaCoreClient(dir: string, count: number): Promise<Side> {
  const core = await spawnCore(path.join(dir, "via-core-client.sqlite"));
  try {
    const client = new CoreClient({ uris: [core.url], apiKey: undefined, timeoutMs: 30_000 });
    await throughput(20, 4, async (i) => void (await client.sdk(() => Passwordless.signInUp({ tenantId: "public", email: `warm${i}@example.com` }))));
    const cpu0 = process.cpuUsage();
    const coreCpu0 = core.cpuSeconds();
    const perSecond = await throughput(count, CONCURRENCY, async (i) => {
      const email = `invitee${i}@example.com`;
      await client.sdk(async () => {
        const user = await Passwordless.signInUp({ tenantId: "public", email });
        if (user.status !== "OK" || !user.createdNewRecipeUser) throw new Error(`${email}: signInUp did not create a user`);
        const link = await Passwordless.createMagicLink({ tenantId: "public", email });
        if (!link.includes("/verify?")) throw new Error(`${email}: unexpected magic link ${link}`);
      });
    });
    const cpu = process.cpuUsage(cpu0);
    return { perSecond, cpuSeconds: (cpu.user + cpu.system) / 1e6, coreCpuSeconds: core.cpuSeconds() - coreCpu0 };
  } finally {
    await core.close();
  }
}

async function viaJob(dir: string, count: number, log: (line: string) => void): Promise<Side & { peakRssMb: number; dryRunMs: number; outbox: number }> {
  const core = await spawnCore(path.join(dir, "job-core.sqlite"));
  const gatehouse = await startGatehouse({ dataDir: path.join(dir, "gatehouse"), embeddedCore: false, operator: "bench" });
  try {
    const invoke = <T>(op: string, input: unknown): Promise<T> => invokeOn<T>(gatehouse, op, input);
    await useBenchProfile(gatehouse, core.url, 30_000);
    const csv = `email,tenant\n${Array.from({ length: count }, (_, i) => `invitee${i}@example.com,public`).join("\n")}\n`;

    let started = performance.now();
    const { job } = await invoke<OutputOf<"jobs.dryRun">>("jobs.dryRun", { kind: "invites.bulk", input: { csv } });
    const dryRunMs = performance.now() - started;
    if (job.valid !== count) throw new Error(`the dry run found ${job.valid} valid rows of ${count}`);
    log(`dry run of ${count} rows: ${(dryRunMs / 1000).toFixed(1)} s`);

    let peak = process.memoryUsage().rss;
    log(`RSS before the job: ${(peak / 2 ** 20).toFixed(0)} MB (heap ${(process.memoryUsage().heapUsed / 2 ** 20).toFixed(0)} MB)`);
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
    const finished = new Promise<void>((resolve, reject) => {
      const off = gatehouse.events.on((name, payload) => {
        const p = payload as { jobId?: string; state?: string };
        if (name !== "job.progress" || p.jobId !== job.id) return;
        if (p.state === "completed") resolve();
        else if (p.state === "failed" || p.state === "cancelled") reject(new Error(`the job ended ${p.state}`));
        if (p.state !== "running") off();
      });
    });
    started = performance.now();
    const cpu0 = process.cpuUsage();
    const coreCpu0 = core.cpuSeconds();
    await invoke("jobs.start", { jobId: job.id });
    await finished;
    const seconds = (performance.now() - started) / 1000;
    const cpu = process.cpuUsage(cpu0);
    const coreCpuSeconds = core.cpuSeconds() - coreCpu0;
    clearInterval(sampler);
    peak = Math.max(peak, process.memoryUsage().rss);

    const { job: done } = await invoke<OutputOf<"jobs.get">>("jobs.get", { jobId: job.id, limit: 1 });
    if (done.done !== count || done.failed !== 0) throw new Error(`the job did ${done.done} of ${count}, ${done.failed} failed`);
    const outbox = await invoke<OutputOf<"invites.outbox.list">>("invites.outbox.list", {});
    return { perSecond: count / seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6, coreCpuSeconds, peakRssMb: peak / 2 ** 20, dryRunMs, outbox: outbox.total };
  } finally {
    await gatehouse.close();
    await core.close();
  }
}

const perItemMs = (side: Side, count: number): string =>
  `${side.perSecond.toFixed(0)}/s; CPU per invite ${((side.cpuSeconds / count) * 1000).toFixed(2)} ms, its core's ${((side.coreCpuSeconds / count) * 1000).toFixed(2)} ms`;

export async function benchBulkInvite({ count, log }: BulkInviteOptions): Promise<BenchRow[]> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "gatehouse-bench-bulk-"));
  try {
    const job = await viaJob(dir, count, log);
    log(`invites.bulk job, ${count} rows at concurrency ${CONCURRENCY}: ${perItemMs(job, count)}; peak RSS ${job.peakRssMb.toFixed(0)} MB, ${job.outbox} outbox messages`);
    const skip: Side = { perSecond: NaN, cpuSeconds: NaN, coreCpuSeconds: NaN };
    const hand = process.env.BENCH_BULK_JOB_ONLY ? skip : await handWritten(dir, count);
    log(`hand-written loop, plain supertokens-node: ${perItemMs(hand, count)}`);
    const same = process.env.BENCH_BULK_JOB_ONLY ? skip : await handWrittenViaCoreClient(dir, count);
    log(`hand-written loop through Gatehouse's CoreClient: ${perItemMs(same, count)}`);
    const k = count >= 1000 ? `${count / 1000}k` : String(count);
    return [
      { measure: `bulk invite ${k} via job (c${CONCURRENCY}) vs hand-written loop, slowdown`, value: `${job.perSecond.toFixed(0)} /s`, baseline: `${hand.perSecond.toFixed(0)} /s by hand`, ratio: hand.perSecond / job.perSecond, maxRatio: 1.25 },
      { measure: `bulk invite ${k}: the loop over Gatehouse's Core transport (info)`, value: `${job.perSecond.toFixed(0)} /s`, baseline: `${same.perSecond.toFixed(0)} /s`, ratio: same.perSecond / job.perSecond },
      { measure: `bulk invite ${k}: peak RSS during the job`, value: `${job.peakRssMb.toFixed(0)} MB`, baseline: `${RSS_LIMIT_MB} MB`, ratio: job.peakRssMb / RSS_LIMIT_MB, maxRatio: 1 },
      { measure: `bulk invite ${k}: dry run (CSV, lookups, draft)`, value: `${(job.dryRunMs / 1000).toFixed(1)} s`, baseline: "" },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

runAsChildBench(import.meta.url, () =>
  benchBulkInvite({ count: Number(process.env.BENCH_BULK_INVITES ?? 10_000), log: (line) => console.error(`[bench:bulk-invite] ${line}`) }),
);
