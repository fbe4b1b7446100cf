import type { Accounts } from "../accounts/accounts.ts";
import type { MetadataStore } from "../recipes/metadata.ts";
import type { Tenants } from "../recipes/multitenancy.ts";
import type { Db } from "../storage/db.ts";

export interface DemoDeps {
  db: Db;
  accounts: Accounts;
  tenants: Tenants;
  metadata: MetadataStore;
  now: () => number;
}

/** Loads the demo data set once (a database that already has users is left alone). */
export function loadDemoData(_deps: DemoDeps): void {
  // Filled in by demo/data-set.ts.
}
