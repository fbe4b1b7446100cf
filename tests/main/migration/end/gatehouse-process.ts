/**
 * A Gatehouse in a process of its own for the end-of-migration crash tests: as
 * tests/main/jobs/gatehouse-process.ts, with the roster read from ROSTER_FILE (JSON: entries and
 * conflicts) and the bulk-import polling from BULK_POLL_MS. Started by forkGatehouse(…, { script }).
 */
import { readFileSync } from "node:fs";
import { startGatehouse } from "../../../../main/app.ts";
import type { JobsOptions } from "../../../../main/jobs/index.ts";
import type { RosterEntry } from "../../../../main/migration/roster/types.ts";
import type { Request } from "../../jobs/gatehouse-process.ts";
import { arrayRoster } from "./support.ts";

const dataDir = process.env.GATEHOUSE_DATA_DIR;
const rosterFile = process.env.ROSTER_FILE;
if (!dataDir || !rosterFile || !process.send) throw new Error("run through forkGatehouse(): GATEHOUSE_DATA_DIR, ROSTER_FILE and an IPC channel are needed");
const send = process.send.bind(process);
const jobs = JSON.parse(process.env.GATEHOUSE_JOBS ?? "{}") as JobsOptions;
const { entries, conflicts } = JSON.parse(readFileSync(rosterFile, "utf8")) as { entries: RosterEntry[]; conflicts?: Record<string, string> };
const pollMs = Number(process.env.BULK_POLL_MS ?? 50);

const gatehouse = await startGatehouse({
  dataDir,
  embeddedCore: false,
  operator: "tester",
  jobs,
  migrationEnd: { roster: arrayRoster(entries, conflicts), bulk: { pollMs, maxPollMs: pollMs * 4 } },
});
process.on("message", (request: Request) => {
  void gatehouse.dispatcher.invoke(request.op, request.input, gatehouse.desktopCaller()).then((envelope) => send({ id: request.id, envelope }));
});
send({ ready: true });
