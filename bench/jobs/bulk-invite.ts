/**
 * Goal: bulk-inviting N people through the job engine ("invites.bulk": CSV, dry run, then the
 * journaled job with its invite records, metadata and outbox delivery) runs at no less than 0.8x
 * the throughput of a hand-written supertokens-node loop doing Passwordless.signInUp +
 * createMagicLink at the same concurrency (8), each side on a fresh, empty, file-backed embedded
 * core; and the process's RSS, sampled every 50 ms during the job, stays under 300 MB.
 *
 * Gatehouse initialises the supertokens-node singleton itself, so this runs in a child process
 * (like bench/console/page-load.ts): `tsx bench/jobs/bulk-invite.ts` prints {"rows": BenchRow[]}
 * as its last stdout line. Each side's core is the embedded core in a process of its own (a Core
 * is a server of its own; the RSS is then Gatehouse's alone), started fresh on an empty database.
 * The job side runs first (its RSS is not inflated by the other side; the hand-written side gets
 * the warmer process). The hand-written calls go through Gatehouse's CoreClient only so that they
 * reach their core.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import Passwordless from "supertokens-node/recipe/passwordless";
import { startGatehouse } from "../../main/app.ts";
import { CoreClient } from "../../main/core/core-client.ts";
import type { OutputOf } from "../../shared/contract/index.ts";
import { DEFAULT_DATA_CONTRACT } from "../../shared/data-contract.ts";
import { runAsChildBench } from "../child.ts";
import { throughput } from "../measure.ts";
import type { BenchRow } from "../table.ts";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const CONCURRENCY = 8;
const RSS_LIMIT_MB = 300;

export interface BulkInviteOptions {
  count: number;
  log: (line: string) => void;
}

/** The embedded core in a process of its own, on a fresh database file. */
async function spawnCore(dbFile: string): Promise<{ url: string; close(): Promise<void> }> {
  const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", path.join(ROOT, "main/embedded-core/cli.ts"), "--port", "0", "--db", dbFile], {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "inherit"],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = "";
    child.stdout?.setEncoding("utf8");
    child.stdout?.on("data", (chunk: string) => {
      out += chunk;
      const match = /ready at (http:\/\/\S+)/.exec(out);
      if (match?.[1]) resolve(match[1]);
    });
    child.once("exit", (code) => reject(new Error(`the core process ended (exit ${code}) before it was ready: ${out}`)));
    child.once("error", reject);
  });
  return {
    url,
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}

async function handWritten(dir: string, count: number): Promise<number> {
  const core = await spawnCore(path.join(dir, "hand-written.sqlite"));
  try {
    const client = new CoreClient({ uris: [core.url], apiKey: undefined, timeoutMs: 30_000 });
    // A short warm-up on other emails (the job's side gets its dry run as one).
    await throughput(20, 4, async (i) => void (await client.sdk(() => Passwordless.signInUp({ tenantId: "public", email: `warm${i}@example.com` }))));
    return await throughput(count, CONCURRENCY, async (i) => {
      const email = `invitee${i}@example.com`;
      await client.sdk(async () => {
        const user = await Passwordless.signInUp({ tenantId: "public", email });
        if (user.status !== "OK" || !user.createdNewRecipeUser) throw new Error(`${email}: signInUp did not create a user`);
        const link = await Passwordless.createMagicLink({ tenantId: "public", email });
        if (!link.includes("/verify?")) throw new Error(`${email}: unexpected magic link ${link}`);
      });
    });
  } finally {
    await core.close();
  }
}

async function viaJob(dir: string, count: number, log: (line: string) => void): Promise<{ perSecond: number; peakRssMb: number; dryRunMs: number; outbox: number }> {
  const core = await spawnCore(path.join(dir, "job-core.sqlite"));
  const gatehouse = await startGatehouse({ dataDir: path.join(dir, "gatehouse"), embeddedCore: false, operator: "bench" });
  try {
    const invoke = async <T>(op: string, input: unknown): Promise<T> => {
      const envelope = await gatehouse.dispatcher.invoke(op, input);
      if (!envelope.ok) throw new Error(`${op}: ${envelope.error.code}: ${envelope.error.message}`);
      return envelope.value as T;
    };
    const profile = await invoke<OutputOf<"profiles.create">>("profiles.create", {
      name: "Bench core",
      uris: [core.url],
      role: "admin",
      defaultTenant: "public",
      timeoutMs: 30_000,
      contract: { ...DEFAULT_DATA_CONTRACT },
    });
    await invoke("profiles.switch", { id: profile.id });
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
    await invoke("jobs.start", { jobId: job.id });
    await finished;
    const seconds = (performance.now() - started) / 1000;
    clearInterval(sampler);
    peak = Math.max(peak, process.memoryUsage().rss);

    const { job: done } = await invoke<OutputOf<"jobs.get">>("jobs.get", { jobId: job.id, limit: 1 });
    if (done.done !== count || done.failed !== 0) throw new Error(`the job did ${done.done} of ${count}, ${done.failed} failed`);
    const outbox = await invoke<OutputOf<"invites.outbox.list">>("invites.outbox.list", {});
    return { perSecond: count / seconds, peakRssMb: peak / 2 ** 20, dryRunMs, outbox: outbox.entries.length };
  } finally {
    await gatehouse.close();
    await core.close();
  }
}

export async function benchBulkInvite({ count, log }: BulkInviteOptions): Promise<BenchRow[]> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "gatehouse-bench-bulk-"));
  try {
    const job = await viaJob(dir, count, log);
    log(`invites.bulk job, ${count} rows at concurrency ${CONCURRENCY}: ${job.perSecond.toFixed(0)}/s, peak RSS ${job.peakRssMb.toFixed(0)} MB, ${job.outbox} outbox messages`);
    const hand = process.env.BENCH_BULK_JOB_ONLY ? NaN : await handWritten(dir, count);
    log(`hand-written signInUp + createMagicLink, ${count} at concurrency ${CONCURRENCY}: ${hand.toFixed(0)}/s`);
    const k = count >= 1000 ? `${count / 1000}k` : String(count);
    return [
      { measure: `bulk invite ${k} via job (c${CONCURRENCY}) vs hand-written, slowdown`, value: `${job.perSecond.toFixed(0)} /s`, baseline: `${hand.toFixed(0)} /s by hand`, ratio: hand / job.perSecond, maxRatio: 1.25 },
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
