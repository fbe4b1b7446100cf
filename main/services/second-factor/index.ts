/** The second-factor area, built from its dependencies, and its operations wired for the dispatcher. */
import type { Handlers } from "../../dispatch.ts";
import type { SecretBox } from "../../secrets/secret-box.ts";
import type { StoreDb } from "../../store/database.ts";
import type { ActiveConnection } from "../connection.ts";
import { InviteSettingsStore } from "../invites/settings.ts";
import { ResetJournal } from "./journal.ts";
import { reportCsv, secondFactorReport } from "./report.ts";
import { SecondFactorReset } from "./reset.ts";

export interface SecondFactorAreaDeps {
  db: StoreDb;
  secrets: SecretBox;
  now: () => number;
  connection: () => ActiveConnection;
  /** Whether the operator may see phones unmasked (auditors may not). */
  seesPhones: () => boolean;
}

type SecondFactorOpName = Extract<keyof Handlers, `secondFactor.${string}`>;

export function secondFactorHandlers(deps: SecondFactorAreaDeps): Pick<Handlers, SecondFactorOpName> {
  const settings = new InviteSettingsStore(deps.db, deps.secrets, deps.now);
  const reset = new SecondFactorReset({ connection: deps.connection, journal: new ResetJournal(deps.db), now: deps.now, defaultRegion: (id) => settings.get(id).defaultRegion });
  return {
    "secondFactor.reset": (i) => reset.run(i),
    "secondFactor.report": (i) => secondFactorReport(deps, i),
    "secondFactor.reportCsv": async (i) => reportCsv(await secondFactorReport(deps, i)),
  };
}
