/**
 * A team-server instance's Gatehouse on a shared PostgreSQL, as main/team-server/ starts one: its
 * own data folder, the server key it shares with the other instances (a key file), the connection
 * profile from the config under a stable id (every instance the same), no embedded core.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type pg from "pg";
import { startGatehouse, type Gatehouse } from "../../../main/app.ts";
import { FileKeySecretBox } from "../../../main/secrets/file-key-box.ts";
import { ProfilesService } from "../../../main/services/profiles.ts";
import { openStore } from "../../../main/store/database.ts";
import { createClient, type GatehouseClient } from "../../../shared/contract/client.ts";
import type { EventName } from "../../../shared/contract/events.ts";
import { DEFAULT_DATA_CONTRACT } from "../../../shared/data-contract.ts";

export const SHARED_PROFILE = "team-core";

export interface SharedInstance {
  gatehouse: Gatehouse;
  client: GatehouseClient;
}

export async function startSharedInstance(o: { dataDir: string; pool: pg.Pool; coreUrl: string; keyFile: string; leaseMs?: number }): Promise<SharedInstance> {
  mkdirSync(o.dataDir, { recursive: true });
  const secrets = new FileKeySecretBox(o.keyFile);
  const db = openStore(join(o.dataDir, "gatehouse.sqlite"));
  try {
    const profile = { id: SHARED_PROFILE, name: "Team Core", uris: [o.coreUrl], apiKey: undefined, defaultTenant: "public", timeoutMs: 10_000, contract: DEFAULT_DATA_CONTRACT };
    new ProfilesService({ db, secrets, now: Date.now, embeddedCoreUrl: () => undefined }).applyConfigured([profile], { active: SHARED_PROFILE, exclusive: true });
  } finally {
    db.close();
  }
  const gatehouse = await startGatehouse({ dataDir: o.dataDir, embeddedCore: false, operator: "tester", secrets, postgres: o.pool, ...(o.leaseMs ? { jobs: { leaseMs: o.leaseMs } } : {}) });
  const client = createClient({
    invoke: (op, input) => gatehouse.dispatcher.invoke(op, input, gatehouse.desktopCaller()),
    subscribe: (handler) => gatehouse.events.on((name, payload) => handler(name as EventName, payload)),
  });
  return { gatehouse, client };
}
