/**
 * Gives a conformance test a SuperTokens Core to talk to.
 *
 * With CORE_URL set (and CORE_API_KEY when that Core demands one), the suite runs against that
 * Core, e.g. a real SuperTokens Core 11.4.x, to prove parity. Otherwise it starts the embedded
 * local core in-process on a free port with a fresh in-memory database.
 */
import { startEmbeddedCore } from "../../main/embedded-core/index.ts";
import type { BulkImportRunReport } from "../../main/embedded-core/bulk-import/runner.ts";
import type { EmbeddedCoreOptions } from "../../main/embedded-core/types.ts";

export interface TestCore {
  url: string;
  apiKey: string | undefined;
  /** True when the tests run against the embedded core (so they may use its options). */
  embedded: boolean;
  /** Embedded core only: runs its bulk-import background task now (a real Core runs its own every 5 minutes). */
  runBulkImport?: () => Promise<BulkImportRunReport>;
  close(): Promise<void>;
}

export async function startTestCore(options: EmbeddedCoreOptions = {}): Promise<TestCore> {
  const external = process.env.CORE_URL;
  if (external) {
    return { url: external, apiKey: process.env.CORE_API_KEY || undefined, embedded: false, close: async () => {} };
  }
  const core = await startEmbeddedCore(options);
  return {
    url: core.url,
    apiKey: options.apiKeys?.[0],
    embedded: true,
    runBulkImport: () => core.runBulkImport(),
    close: () => core.close(),
  };
}
