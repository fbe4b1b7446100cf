/**
 * The embedded local core: a SuperTokens-Core-compatible server on SQLite, for the demo
 * profile, for tests, and for developers who want an auth emulator (`npm run core`).
 */
import type { AddressInfo } from "node:net";
import { Accounts } from "./accounts/accounts.ts";
import { makeDeleteUser } from "./accounts/delete-user.ts";
import { DEFAULT_SETTINGS, type CoreDeps, type Route } from "./context.ts";
import { createCoreHttpServer } from "./http/server.ts";
import { coreInfoRoutes } from "./recipes/core-info.ts";
import { emailPasswordRoutes } from "./recipes/emailpassword.ts";
import { emailVerificationRoutes } from "./recipes/emailverification.ts";
import { MetadataStore, metadataRoutes } from "./recipes/metadata.ts";
import { Tenants, multitenancyRoutes } from "./recipes/multitenancy.ts";
import { makeRetireDevices, passwordlessRoutes } from "./recipes/passwordless.ts";
import { rolesRoutes } from "./recipes/roles.ts";
import { sessionRoutes } from "./recipes/session.ts";
import { SigningKeys } from "./recipes/signing-keys.ts";
import { updateUserRoute } from "./recipes/update-user.ts";
import { userIdMappingRoutes } from "./recipes/user-id-mapping.ts";
import { usersRoutes } from "./recipes/users.ts";
import { bulkImportRoutes } from "./recipes/bulk-import.ts";
import { passwordHashImportRoute } from "./recipes/password-hash-import.ts";
import { bulkImportOptions, createBulkImport } from "./bulk-import/index.ts";
import { openCoreDb } from "./storage/db.ts";
import type { EmbeddedCoreOptions, RunningEmbeddedCore } from "./types.ts";
import { loadDemoData } from "./demo/load.ts";

export type { EmbeddedCoreOptions, RunningEmbeddedCore } from "./types.ts";

/** The Core refuses to start with keys it would not accept; so does the embedded core. */
function checkApiKeys(keys: string[]): void {
  for (const key of keys) {
    if (!/^[a-zA-Z0-9=-]{20,}$/.test(key)) {
      throw new Error(`API key "${key}" is not valid: keys need at least 20 characters of a-z, A-Z, 0-9, "=" and "-" (as in the SuperTokens Core)`);
    }
  }
}

export async function startEmbeddedCore(options: EmbeddedCoreOptions = {}): Promise<RunningEmbeddedCore> {
  checkApiKeys(options.apiKeys ?? []);
  const runnerOptions = bulkImportOptions(options);
  const db = openCoreDb(options.dbFile);
  const deps: CoreDeps = {
    db,
    now: options.now ?? Date.now,
    settings: {
      ...DEFAULT_SETTINGS,
      ...(options.passwordlessCodeLifetimeMs !== undefined ? { passwordlessCodeLifetimeMs: options.passwordlessCodeLifetimeMs } : {}),
      ...(options.passwordlessMaxCodeInputAttempts !== undefined
        ? { passwordlessMaxCodeInputAttempts: options.passwordlessMaxCodeInputAttempts }
        : {}),
      ...(options.firebasePasswordHashingSignerKey !== undefined
        ? { firebasePasswordHashingSignerKey: options.firebasePasswordHashingSignerKey }
        : {}),
    },
  };
  const accounts = new Accounts(deps);
  const tenants = new Tenants(deps, options.apiKeys ?? []);
  tenants.ensurePublic();
  const keys = new SigningKeys(deps);
  const metadata = new MetadataStore(deps);
  if (options.demo) loadDemoData({ db, accounts, tenants, metadata });
  const multitenancyLicensed = options.multitenancyLicensed ?? true;
  const bulkImport = createBulkImport({ deps, accounts, tenants, metadata, multitenancyLicensed, runnerOptions });

  const routes: Route[] = [
    // The Core's router tries the APIs registered last first; bulk import came last, so e.g.
    // "/<app or tenant>/bulk-import/users/count" is its count, not the users count of tenant "bulk-import".
    ...bulkImportRoutes(bulkImport),
    ...coreInfoRoutes(),
    ...usersRoutes(deps, accounts, makeDeleteUser(db, accounts)),
    updateUserRoute(accounts, makeRetireDevices(deps)),
    ...passwordlessRoutes(deps, accounts, tenants),
    ...emailPasswordRoutes(deps, accounts, tenants),
    ...emailVerificationRoutes(deps, tenants),
    ...metadataRoutes(metadata),
    ...rolesRoutes(deps),
    ...userIdMappingRoutes(deps, accounts),
    ...sessionRoutes(deps, keys, tenants, accounts),
    ...multitenancyRoutes(deps, tenants, accounts, multitenancyLicensed),
    passwordHashImportRoute(deps, accounts),
  ];
  const server = createCoreHttpServer({ db, routes, apiKeys: options.apiKeys ?? [] });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  bulkImport.runner.start();
  let closed: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    runBulkImport: () => bulkImport.runner.runNow(),
    close() {
      closed ??= new Promise<void>((resolve) => {
        server.close(() => {
          void bulkImport.runner.stop().then(() => {
            db.close();
            resolve();
          });
        });
        server.closeAllConnections();
      });
      return closed;
    },
  };
}
