/**
 * The operator directory's Core. By default an embedded core of its own, kept in the data folder
 * (operators-core.sqlite), apart from any Core the console manages, listening on 127.0.0.1 with a
 * random API key (sealed in the store's settings) so other local processes cannot add an admin.
 * Or a real SuperTokens Core the admin points at, with its API key (see index.ts on tenants).
 */
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { CoreClient } from "../core/core-client.ts";
import { startEmbeddedCore } from "../embedded-core/index.ts";
import type { SecretBox } from "../secrets/secret-box.ts";
import type { StoreDb } from "../store/database.ts";

export interface DirectoryCoreConfig {
  /** A real Core's URI(s); omitted: the embedded core in dataDir. */
  uris?: string[];
  apiKey?: string;
  /** Default "public": see index.ts on why operators need a Core (or app) of their own. */
  tenantId?: string;
  timeoutMs?: number;
}

export interface DirectoryCore {
  core: CoreClient;
  tenantId: string;
  /** true for the embedded core started here. */
  embedded: boolean;
  close(): Promise<void>;
}

const KEY_SETTING = "team_directory_core_key";

export async function openDirectoryCore(options: { dataDir: string; db: StoreDb; secrets: SecretBox; config?: DirectoryCoreConfig }): Promise<DirectoryCore> {
  const config = options.config ?? {};
  const tenantId = config.tenantId ?? "public";
  const timeoutMs = config.timeoutMs ?? 10_000;
  if (config.uris && config.uris.length > 0) {
    return { core: new CoreClient({ uris: config.uris, apiKey: config.apiKey, timeoutMs }), tenantId, embedded: false, close: async () => {} };
  }
  const apiKey = embeddedKey(options.db, options.secrets);
  const running = await startEmbeddedCore({ dbFile: join(options.dataDir, "operators-core.sqlite"), apiKeys: [apiKey], bulkImportIntervalMs: 0 });
  return { core: new CoreClient({ uris: [running.url], apiKey, timeoutMs }), tenantId, embedded: true, close: () => running.close() };
}

function embeddedKey(db: StoreDb, secrets: SecretBox): string {
  const row = db.prepare("SELECT value FROM settings WHERE key = ?").get(KEY_SETTING) as { value: string } | undefined;
  if (row) return secrets.open(row.value);
  const key = randomBytes(32).toString("hex");
  db.prepare("INSERT INTO settings (key, value) VALUES (?, ?)").run(KEY_SETTING, secrets.seal(key));
  return key;
}
