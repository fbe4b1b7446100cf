/**
 * The bulk-import part of the embedded core, put together: the staged users, the import steps,
 * what the checks need to know of the app, and the background task with its options.
 */
import type { Accounts } from "../accounts/accounts.ts";
import type { CoreDeps } from "../context.ts";
import type { MetadataStore } from "../recipes/metadata.ts";
import type { Tenants } from "../recipes/multitenancy.ts";
import type { EmbeddedCoreOptions } from "../types.ts";
import { ImportSteps } from "./import-steps.ts";
import {
  BulkImportRunner,
  DEFAULT_BULK_IMPORT_BATCH_SIZE,
  DEFAULT_BULK_IMPORT_INTERVAL_MS,
  defaultBulkImportParallelism,
  type BulkImportRunnerOptions,
} from "./runner.ts";
import { StagedUsers } from "./store.ts";
import type { ValidatorContext } from "./validate.ts";

export interface BulkImportParts {
  accounts: Accounts;
  staged: StagedUsers;
  steps: ImportSteps;
  runner: BulkImportRunner;
  validatorContext(): Omit<ValidatorContext, "mode">;
}

function positive(name: string, value: number | undefined, fallback: number, allowZero = false): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < (allowZero ? 0 : 1)) throw new Error(`${name} must be a whole number ${allowZero ? ">= 0" : ">= 1"}, not ${value}`);
  return value;
}

/** The background task's options, checked before the core opens its database. */
export function bulkImportOptions(options: EmbeddedCoreOptions): BulkImportRunnerOptions {
  return {
    intervalMs: positive("bulkImportIntervalMs", options.bulkImportIntervalMs, DEFAULT_BULK_IMPORT_INTERVAL_MS, true),
    batchSize: positive("bulkImportBatchSize", options.bulkImportBatchSize, DEFAULT_BULK_IMPORT_BATCH_SIZE),
    parallelism: positive("bulkImportParallelism", options.bulkImportParallelism, defaultBulkImportParallelism()),
  };
}

export function createBulkImport(input: {
  deps: CoreDeps;
  accounts: Accounts;
  tenants: Tenants;
  metadata: MetadataStore;
  multitenancyLicensed: boolean;
  runnerOptions: BulkImportRunnerOptions;
}): BulkImportParts {
  const { deps, accounts, tenants, metadata } = input;
  const staged = new StagedUsers(deps);
  const steps = new ImportSteps(deps, accounts, metadata);
  const validatorContext = (): Omit<ValidatorContext, "mode"> => ({
    roles: (deps.db.prepare("SELECT role FROM roles").all() as { role: string }[]).map((r) => r.role),
    tenantExists: (tenantId) => tenants.exists(tenantId),
    multitenancyLicensed: input.multitenancyLicensed,
    firebaseSignerKey: deps.settings.firebasePasswordHashingSignerKey,
    now: deps.now,
  });
  const runner = new BulkImportRunner(deps, staged, steps, validatorContext, input.runnerOptions);
  return { accounts, staged, steps, runner, validatorContext };
}
