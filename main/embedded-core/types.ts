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
}

export interface RunningEmbeddedCore {
  /** e.g. http://127.0.0.1:3567 */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}
