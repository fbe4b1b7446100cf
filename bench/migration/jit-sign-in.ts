/**
 * Just-in-time migration (seed 04): first sign-ins of legacy users through the backend kit's
 * override (EmailPassword.signIn: no account yet → LegacyAuth's credential check, sign-up,
 * user-id mapping, email verification, metadata) at concurrency 8, against a baseline measured in
 * the same run: LegacyAuth's credential check plus a plain EmailPassword.signUp per user (with
 * the same password, under a variant of the email, so both sides check the same legacy users).
 * Goal: ≤ 1.3x the baseline's time.
 *
 * The app backend (this process), the Core and LegacyAuth each run in their own process, as they
 * would in production: the embedded core on a fresh database file, LegacyAuth with its bcrypt on
 * worker threads at cost BENCH_MIGRATION_COST (default 8: below the 10-12 real providers use, which
 * would take minutes more here, above the 4 the tests use). The kit's first sign-in makes five Core
 * calls more than the baseline (look-up, mapping, metadata, email verification token and use), each
 * a few ms on a busy 2-core machine, while the embedded core hashes a password far faster than a
 * real Core (scrypt against bcrypt or argon2): so the lower the legacy cost, the larger the ratio
 * (about 1.5x at cost 4 here); against a real Core and provider the same five calls weigh less.
 * The sides take turns in rounds of the same legacy users, so drift hits both alike.
 *
 * supertokens-node is initialised with the kit's overrides, so this is its own process:
 * `tsx bench/migration/jit-sign-in.ts` prints {"rows": BenchRow[]} as its last stdout line.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import supertokens from "supertokens-node";
import EmailPassword from "supertokens-node/recipe/emailpassword";
import EmailVerification from "supertokens-node/recipe/emailverification";
import Session from "supertokens-node/recipe/session";
import UserMetadata from "supertokens-node/recipe/usermetadata";
import { allowLegacyEmail, httpLegacyProvider, legacyMigration } from "../../backend-kit/index.ts";
import { legacyPassword, legacyRosterUser, type LegacyRosterUser } from "../../main/embedded-core/demo/legacy-roster.ts";
import { startLegacyAuthProcess } from "../../tests/support/legacy-auth-process.ts";
import { runAsChildBench } from "../child.ts";
import { throughput } from "../measure.ts";
import type { BenchRow } from "../table.ts";

const TOKEN = "bench-legacy-token";
const CONCURRENCY = 8;
const ROUNDS = 10;
const WARMUP = 40;

const log = (line: string): void => console.error(`[bench] ${line}`);

/** `npm run core` in its own process on a database file; resolves with its URL and a stop function. */
async function startCoreProcess(dbFile: string): Promise<{ url: string; close(): Promise<void> }> {
  const child = spawn(process.execPath, ["--import", "tsx", path.join(process.cwd(), "main/embedded-core/cli.ts"), "--port", "0", "--db", dbFile], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = "";
    child.stdout.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      const m = /ready at (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.once("exit", (code) => reject(new Error(`the embedded core exited with ${code}: ${out}`)));
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

export async function benchJitSignIn(users: number, cost: number): Promise<BenchRow[]> {
  const perRound = Math.ceil(users / ROUNDS);
  // About 3% of legacy users are disabled (never migrated): room for them.
  const total = Math.ceil((WARMUP + perRound * ROUNDS) * 1.1);
  const dir = mkdtempSync(path.join(os.tmpdir(), "gatehouse-bench-migration-"));
  const legacy = await startLegacyAuthProcess(["--users", String(total), "--cost", String(cost), "--token", TOKEN]);
  const core = await startCoreProcess(path.join(dir, "core.db"));
  try {
    const provider = httpLegacyProvider({ url: legacy.url, token: TOKEN });
    supertokens.init({
      framework: "custom",
      supertokens: { connectionURI: core.url },
      appInfo: { appName: "gatehouse-bench", apiDomain: "http://localhost:3001", websiteDomain: "http://localhost:3000" },
      recipeList: [Session.init(), EmailPassword.init({ override: legacyMigration({ provider }).override }), EmailVerification.init({ mode: "OPTIONAL" }), UserMetadata.init()],
    });
    log(`LegacyAuth: ${total} users at bcrypt cost ${cost}, hashing…`);
    await legacy.hashesReady(); // every check below is one bcrypt comparison, none a first hash

    let nextIndex = 0;
    const take = (n: number): LegacyRosterUser[] => {
      const out: LegacyRosterUser[] = [];
      while (out.length < n) {
        if (nextIndex >= total) throw new Error("the bench ran out of legacy users");
        const user = legacyRosterUser(1, nextIndex++);
        if (!user.disabled) out.push(user);
      }
      return out;
    };
    // The baseline's account for a legacy user: same work for the Core, an email the migration never uses.
    const baselineEmail = (user: LegacyRosterUser) => `baseline.${user.email}`;

    const baseline = async (user: LegacyRosterUser): Promise<void> => {
      const checked = await provider.verifyCredentials(user.email, legacyPassword(user), { signal: AbortSignal.timeout(30_000) });
      if (!checked) throw new Error(`baseline: LegacyAuth refused ${user.id}`);
      const made = await EmailPassword.signUp("public", baselineEmail(user), legacyPassword(user), undefined, allowLegacyEmail());
      if (made.status !== "OK") throw new Error(`baseline: signUp of ${user.email} answered ${made.status}`);
    };
    const migration = async (user: LegacyRosterUser): Promise<void> => {
      const signedIn = await EmailPassword.signIn("public", user.email, legacyPassword(user));
      if (signedIn.status !== "OK" || signedIn.user.id !== user.id) throw new Error(`migration: ${user.id} answered ${JSON.stringify(signedIn.status)}`);
    };
    const run = async (batch: LegacyRosterUser[], job: (u: LegacyRosterUser) => Promise<void>): Promise<number> => {
      const rate = await throughput(batch.length, CONCURRENCY, (i) => job(batch[i]!));
      return batch.length / rate; // seconds
    };

    const warm = take(WARMUP);
    await run(warm, baseline);
    await run(warm, migration);
    const seconds = { baseline: 0, migration: 0 };
    const counts = { baseline: 0, migration: 0 };
    for (let round = 0; round < ROUNDS; round++) {
      // B M, M B, …: neither side always runs on the warmer (or busier) machine.
      const order = round % 2 === 0 ? (["baseline", "migration"] as const) : (["migration", "baseline"] as const);
      const batch = take(perRound);
      for (const side of order) {
        seconds[side] += await run(batch, side === "baseline" ? baseline : migration);
        counts[side] += batch.length;
      }
      log(`migration round ${round + 1}/${ROUNDS}: baseline ${seconds.baseline.toFixed(1)} s, kit ${seconds.migration.toFixed(1)} s so far`);
    }
    const perUser = (side: keyof typeof seconds) => (seconds[side] * 1000) / counts[side];
    const ratio = perUser("migration") / perUser("baseline");
    log(`first sign-ins: kit ${perUser("migration").toFixed(1)} ms/user, baseline ${perUser("baseline").toFixed(1)} ms/user (${ratio.toFixed(2)}x)`);
    return [
      {
        measure: `JIT migration: ${counts.migration} first sign-ins, c${CONCURRENCY}, bcrypt ${cost} (per user)`,
        value: `${perUser("migration").toFixed(2)} ms`,
        baseline: `${perUser("baseline").toFixed(2)} ms check+signUp`,
        ratio,
        maxRatio: 1.3,
      },
    ];
  } finally {
    await core.close();
    await legacy.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

runAsChildBench(import.meta.url, () => benchJitSignIn(Number(process.env.BENCH_MIGRATION_USERS ?? 2000), Number(process.env.BENCH_MIGRATION_COST ?? 8)));
