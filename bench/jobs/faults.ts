/**
 * How soon the console answers when the Core misbehaves or the input is absurd — the timings the
 * tests used to assert (tests/main/connection-faults.test.ts, tests/main/invites-bulk.test.ts),
 * which belong here: a test asserts what happens, the bench how fast.
 *
 * Goals:
 *   - a bulk-invite CSV over 50 MB is refused within 500 ms (its size is measured, it is not parsed);
 *   - a Core that accepts connections and never answers is a TIMEOUT within 2x the profile's
 *     timeout (500 ms here), through supertokens-node (users.list) and the raw path (tenants.list);
 *   - a Core that sends its headers and then stalls is a TIMEOUT within 2x the timeout too.
 *
 * Gatehouse initialises supertokens-node itself, so this runs as its own process:
 * `tsx bench/jobs/faults.ts` prints {"rows": BenchRow[]} as its last stdout line.
 */
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { startGatehouse } from "../../main/app.ts";
import { readInviteCsv } from "../../main/jobs/kinds/invites-csv.ts";
import { DEFAULT_DATA_CONTRACT } from "../../shared/data-contract.ts";
import { startFakeCore, startTcpFaultProxy } from "../../tests/main/helpers/faults.ts";
import { runAsChildBench } from "../child.ts";
import { median } from "../measure.ts";
import type { BenchRow } from "../table.ts";

const TIMEOUT_MS = 500;
const CSV_BUDGET_MS = 500;
const REPS = 5;

const ms = (n: number): string => `${n.toFixed(0)} ms`;

async function timedMs(fn: () => Promise<unknown> | unknown): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

function oversizedCsvRefusalMs(): Promise<number[]> {
  const row = "someone.with.a.long.name@example.com,public,admin\n";
  const big = `email,tenant,roles\n${row.repeat(Math.ceil((50 * 1024 * 1024) / row.length) + 10)}`;
  const refuse = () => {
    try {
      readInviteCsv(big, { defaultTenant: "public", defaultRegion: "US" });
    } catch {
      return;
    }
    throw new Error("a CSV over 50 MB was accepted");
  };
  return Promise.all(Array.from({ length: REPS }, () => timedMs(refuse)));
}

export async function benchFaults(log: (line: string) => void): Promise<BenchRow[]> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "gatehouse-bench-faults-"));
  const gatehouse = await startGatehouse({ dataDir: dir, embeddedCoreInMemory: true, operator: "bench" });
  const stalled = await startTcpFaultProxy(gatehouse.embeddedCoreUrl ?? "", { kind: "stall" });
  const halfway = await startFakeCore((_req, res) => {
    res.writeHead(200, { "content-type": "application/json;charset=UTF-8" });
    res.write('{"status":"OK","tenants":['); // and never ends
  });
  const invoke = async (op: string, input: unknown): Promise<{ ok: boolean; error?: { code: string } }> =>
    (await gatehouse.dispatcher.invoke(op, input, gatehouse.desktopCaller())) as { ok: boolean; error?: { code: string } };
  const useCore = async (name: string, uri: string) => {
    const created = (await gatehouse.dispatcher.invoke("profiles.create", {
      name,
      uris: [uri],
      role: "admin",
      defaultTenant: "public",
      timeoutMs: TIMEOUT_MS,
      contract: { ...DEFAULT_DATA_CONTRACT },
    }, gatehouse.desktopCaller())) as { ok: true; value: { id: string } };
    await invoke("profiles.switch", { id: created.value.id });
  };
  /** Median ms until `op` fails with TIMEOUT. */
  const untilTimeout = async (op: string, input: unknown) => {
    const samples: number[] = [];
    for (let i = 0; i < REPS; i++) {
      let code: string | undefined;
      samples.push(await timedMs(async () => (code = (await invoke(op, input)).error?.code)));
      if (code !== "TIMEOUT") throw new Error(`${op} ended ${code ?? "ok"}, not TIMEOUT`);
    }
    return median(samples);
  };
  try {
    const csv = median(await oversizedCsvRefusalMs());
    log(`CSV over 50 MB refused in ${ms(csv)}`);
    await useCore("Stalled", stalled.url);
    const sdk = await untilTimeout("users.list", { tenantId: "public", order: "newest", limit: 3 });
    const raw = await untilTimeout("tenants.list", {});
    await useCore("Half an answer", halfway.url);
    const half = await untilTimeout("tenants.list", {});
    log(`TIMEOUT after: stalled ${ms(sdk)} (SDK), ${ms(raw)} (raw); headers then stall ${ms(half)}`);
    const timeoutRow = (measure: string, value: number): BenchRow => ({
      measure,
      value: ms(value),
      baseline: `${TIMEOUT_MS} ms timeout`,
      ratio: value / TIMEOUT_MS,
      maxRatio: 2,
    });
    return [
      { measure: "bulk invite CSV over 50 MB: refused in", value: ms(csv), baseline: `${CSV_BUDGET_MS} ms budget`, ratio: csv / CSV_BUDGET_MS, maxRatio: 1 },
      timeoutRow("stalled Core: TIMEOUT after (users.list, SDK path)", sdk),
      timeoutRow("stalled Core: TIMEOUT after (tenants.list, raw path)", raw),
      timeoutRow("Core stalls after its headers: TIMEOUT after", half),
    ];
  } finally {
    await gatehouse.close();
    await stalled.close();
    await halfway.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

runAsChildBench(import.meta.url, () => benchFaults((line) => console.error(`[bench:faults] ${line}`)));
