import type { BulkImportRunReport } from "./bulk-import/runner.ts";

/** Options for starting the embedded local core (a SuperTokens-Core-compatible server). */
export interface EmbeddedCoreOptions {
  /** TCP port on 127.0.0.1; 0 (default) picks a free one. */
  port?: number;
  /** SQLite file; omitted means an in-memory database that is gone when the core stops. */
  dbFile?: string;
  /** When non-empty, every endpoint except /hello and /.well-known/jwks.json demands one of these in the `api-key` header. */
  apiKeys?: string[];
  /** Load the deterministic demo data set when the database is empty. */
  demo?: boolean;
  /** Milliseconds; overrides the Passwordless code lifetime (default 900000 = 15 min, like the Core). */
  passwordlessCodeLifetimeMs?: number;
  /** Passwordless attempts before the device is deleted (default 5, like the Core). */
  passwordlessMaxCodeInputAttempts?: number;
  /**
   * false makes the core behave like a real Core without a licence key: creating tenants other
   * than "public" answers 402. Default true, like the in-memory Core the fixtures come from.
   */
  multitenancyLicensed?: boolean;
  /** Clock, for tests that need to move time (defaults to Date.now). */
  now?: () => number;
  /**
   * Milliseconds between bulk-import runs (the end of one and the start of the next), like the
   * Core's ProcessBulkImportUsers cron: default 300000 (5 minutes). 0 turns the background runs
   * off; runBulkImport() still runs one.
   */
  bulkImportIntervalMs?: number;
  /** Chunks per bulk-import batch (the Core's bulk_migration_parallelism): default the number of CPUs. */
  bulkImportParallelism?: number;
  /** Users claimed per bulk-import batch (the Core's bulk_migration_batch_size): default 8000. */
  bulkImportBatchSize?: number;
  /** The Core's firebase_password_hashing_signer_key (base64), for imported Firebase scrypt hashes. */
  firebasePasswordHashingSignerKey?: string;
}

export interface RunningEmbeddedCore {
  /** e.g. http://127.0.0.1:3567 */
  readonly url: string;
  readonly port: number;
  /** Runs the bulk-import background task now and resolves with what it did once it has ended. */
  runBulkImport(): Promise<BulkImportRunReport>;
  close(): Promise<void>;
}
