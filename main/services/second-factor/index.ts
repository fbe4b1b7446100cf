/** The second-factor area, built from its dependencies, and its operations wired for the dispatcher. */
import type pg from "pg";
import type { Caller } from "../../../shared/contract/caller.ts";
import { can } from "../../../shared/contract/permissions.ts";
import type { Handlers } from "../../dispatch.ts";
import type { SecretBox } from "../../secrets/secret-box.ts";
import type { StoreDb } from "../../store/database.ts";
import type { InviteStore } from "../invites/store/invite-store.ts";
import type { ActiveConnection } from "../connection.ts";
import { InviteSettingsStore } from "../invites/settings.ts";
import type { ResetJournal } from "./journal.ts";
import { PostgresResetJournal } from "./postgres-journal.ts";
import { resetPreview } from "./preview.ts";
import { reportCsv, secondFactorReport } from "./report.ts";
import { SecondFactorReset } from "./reset.ts";
import { SqliteResetJournal } from "./sqlite-journal.ts";

export interface SecondFactorAreaDeps {
  db: StoreDb;
  secrets: SecretBox;
  now: () => number;
  connection: () => ActiveConnection;
  /** The invites store: the default phone region is an invite setting. */
  inviteStore: InviteStore;
  /** How many users a scan for other users of a phone user looks at, at most (tests lower it). */
  pointerScanCap?: number;
  /** Several team-server instances on one PostgreSQL: the reset journal is kept there, shared. */
  postgres?: pg.Pool;
}

/** Whether the caller may see phones unmasked (auditors may not): scans mask what they label with it. */
const seesPhones = (caller: Caller): boolean => can(caller.role, "phones:read");

type SecondFactorOpName = Extract<keyof Handlers, `secondFactor.${string}`>;

export function secondFactorHandlers(deps: SecondFactorAreaDeps): Pick<Handlers, SecondFactorOpName> {
  const settings = new InviteSettingsStore(deps.inviteStore, deps.secrets, deps.now);
  const journal: ResetJournal = deps.postgres ? new PostgresResetJournal(deps.postgres) : new SqliteResetJournal(deps.db);
  const cap = deps.pointerScanCap ? { pointerScanCap: deps.pointerScanCap } : {};
  const reset = new SecondFactorReset({ connection: deps.connection, journal, now: deps.now, defaultRegion: async (id) => (await settings.get(id)).defaultRegion, ...cap });
  return {
    "secondFactor.reset": (i) => reset.run(i),
    "secondFactor.resetPreview": (i, caller) => resetPreview({ connection: deps.connection, journal, seesPhones: seesPhones(caller), region: (id) => reset.regionOf(id), ...cap }, i.userId),
    "secondFactor.report": (i, caller) => secondFactorReport({ connection: deps.connection, seesPhones: seesPhones(caller) }, i),
    "secondFactor.reportCsv": async (i, caller) => reportCsv(await secondFactorReport({ connection: deps.connection, seesPhones: seesPhones(caller) }, i)),
  };
}
