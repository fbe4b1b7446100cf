/**
 * The background task that imports staged users, run like Core 11.4.7's ProcessBulkImportUsers
 * cron on PostgreSQL: at start and then a fixed time after each run ends (5 minutes by default),
 * each run takes as many users as were NEW or PROCESSING when it began, claims them in batches
 * (bulk_migration_batch_size, 8000) and splits each batch into `parallelism` chunks (the Core's
 * bulk_migration_parallelism: the number of CPUs), of size n / parallelism + 1.
 *
 * A chunk is checked again (roles may have gone, an externalUserId may be staged twice), then
 * imported in one transaction. Users that fail the check or the import become FAILED with the
 * Core's message and the rest of their chunk stays PROCESSING for a later run (the Core rolls
 * the chunk back); an error the Core does not tie to a user fails the whole chunk; a user-id
 * mapping that already exists leaves the chunk PROCESSING. Imported users leave the staging table.
 */
import { availableParallelism } from "node:os";
import { scrypt } from "node:crypto";
import type { CoreDeps } from "../context.ts";
import { formatScryptHash, newScryptSalt, SCRYPT } from "../crypto.ts";
import type { GsonValue } from "../http/gson.ts";
import { parseGson } from "../http/gson.ts";
import type { ImportSteps } from "./import-steps.ts";
import type { StagedRow, StagedUsers } from "./store.ts";
import type { BulkImportUser } from "./types.ts";
import { BulkImportValidator, type ValidatorContext } from "./validate.ts";

export interface BulkImportRunnerOptions {
  /** Milliseconds between the end of one run and the start of the next; 0: no background runs (only runNow). */
  intervalMs: number;
  batchSize: number;
  parallelism: number;
}

export const DEFAULT_BULK_IMPORT_INTERVAL_MS = 5 * 60 * 1000;
export const DEFAULT_BULK_IMPORT_BATCH_SIZE = 8000;
export const defaultBulkImportParallelism = (): number => availableParallelism();

/** What one run did, for tests and logs. */
export interface BulkImportRunReport {
  /** Users waiting (NEW or PROCESSING) when the run began. */
  waiting: number;
  imported: number;
  failed: number;
}

function hashAsync(password: string): Promise<string> {
  const salt = newScryptSalt();
  return new Promise((resolve, reject) => {
    scrypt(password, salt, 32, SCRYPT, (err, key) => (err ? reject(err) : resolve(formatScryptHash(salt, key))));
  });
}

export class BulkImportRunner {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<BulkImportRunReport> | undefined;
  private stopped = false;

  constructor(
    private readonly deps: CoreDeps,
    private readonly staged: StagedUsers,
    private readonly steps: ImportSteps,
    private readonly validatorContext: () => Omit<ValidatorContext, "mode">,
    private readonly options: BulkImportRunnerOptions,
  ) {}

  /** Starts the schedule: a first run now (as the Core's cron, whose first wait is 0). */
  start(): void {
    if (this.options.intervalMs > 0) this.schedule(0);
  }

  /** Runs now (after a run in progress, if any) and resolves when this run has ended. */
  async runNow(): Promise<BulkImportRunReport> {
    while (this.running) await this.running.catch(() => undefined);
    clearTimeout(this.timer);
    return this.launch();
  }

  /** Stops the schedule and waits for a run in progress to end. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running?.catch(() => undefined);
  }

  private schedule(delayMs: number): void {
    if (this.stopped || this.options.intervalMs <= 0) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.launch().catch(() => undefined), delayMs);
    this.timer.unref();
  }

  private launch(): Promise<BulkImportRunReport> {
    const run = this.run().finally(() => {
      this.running = undefined;
      this.schedule(this.options.intervalMs);
    });
    this.running = run;
    return run;
  }

  private async run(): Promise<BulkImportRunReport> {
    const validator = new BulkImportValidator({ ...this.validatorContext(), mode: "READ_STORED" });
    const waiting = this.staged.count("NEW") + this.staged.count("PROCESSING");
    const report: BulkImportRunReport = { waiting, imported: 0, failed: 0 };
    let processed = 0;
    while (processed < waiting && !this.stopped) {
      const batch = this.deps.db.transaction(() => this.staged.claim(this.options.batchSize))();
      if (batch.length === 0) break;
      for (const chunk of chunksOf(batch, this.options.parallelism)) {
        await this.chunk(chunk, validator, report);
        processed += chunk.length;
        // Requests are served between chunks.
        await new Promise((resolve) => setImmediate(resolve));
      }
    }
    return report;
  }

  private async chunk(rows: StagedRow[], validator: BulkImportValidator, report: BulkImportRunReport): Promise<void> {
    const users: BulkImportUser[] = [];
    const invalid = new Map<string, string>();
    for (const row of rows) {
      const checked = validator.validate(asGson(row.data));
      if (checked.ok) users.push(checked.user);
      else invalid.set(row.id, `[${checked.errors.join(", ")}]`);
    }
    if (invalid.size > 0) {
      this.deps.db.transaction(() => this.staged.markFailed(invalid))();
      report.failed += invalid.size;
      return;
    }
    // Hash plain-text passwords off the main thread before the (synchronous) import.
    const plain = users.flatMap((u) => u.loginMethods).filter((m) => m.recipeId === "emailpassword" && m.passwordHash === undefined);
    const hashes = new Map<string, string>();
    // As many at once as there are CPUs: more only makes each hash slower (scrypt is memory-bound).
    let next = 0;
    const worker = async (): Promise<void> => {
      for (let m = plain[next++]; m; m = plain[next++]) hashes.set(m.superTokensUserId, await hashAsync(m.plainTextPassword ?? ""));
    };
    await Promise.all(Array.from({ length: availableParallelism() }, worker));
    if (this.stopped) return;
    this.deps.db.transaction(() => {
      const outcome = this.steps.run(users, hashes);
      if (outcome.kind === "ok") {
        this.staged.remove(users.map((u) => u.id));
        report.imported += users.length;
      } else if (outcome.kind === "users") {
        const failed = new Map<string, string>();
        for (const [key, message] of outcome.errors) {
          const user = users.find((u) => u.id === key || u.externalUserId === key || u.loginMethods.some((m) => m.superTokensUserId === key));
          if (user) failed.set(user.id, message);
        }
        this.staged.markFailed(failed);
        report.failed += failed.size;
      } else if (outcome.kind === "batch") {
        this.staged.markFailed(new Map(users.map((u) => [u.id, outcome.message])));
        report.failed += users.length;
      }
    })();
  }
}

/** The staged JSON as the Core reads it back (BulkImportUser.toJsonObject) for the check. */
function asGson(data: unknown): Map<string, GsonValue> {
  const v = parseGson(JSON.stringify(data));
  return v?.kind === "object" ? v.members : new Map();
}

/** ProcessBulkImportUsers.makeChunksOf: consecutive chunks of n / parallelism + 1 users. */
export function chunksOf<T>(items: T[], parallelism: number): T[][] {
  const size = Math.floor(items.length / parallelism) + 1;
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
  return chunks;
}
