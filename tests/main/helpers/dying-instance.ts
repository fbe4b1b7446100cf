/**
 * A team-server instance (shared-instance.ts) in a process of its own that dies (SIGKILL, by its
 * own hand) the moment its job engine is about to journal an item's end: whatever the item did
 * (its mail, its local records) is done, and the shared job store still says the item is running,
 * held by this instance, as when a process is killed between the two. The fault is injected into
 * its pool's query (the job store's item updates go through it); nothing else is changed.
 * Driven over IPC like gatehouse-process.ts (crash.ts: forkGatehouse with this script).
 *
 * Environment: GATEHOUSE_DATA_DIR, GATEHOUSE_JOBS (JobsOptions as JSON), SHARED_PG_URL,
 * SHARED_CORE_URL, SHARED_KEY_FILE.
 */
import type { JobsOptions } from "../../../main/jobs/index.ts";
import { openPostgres } from "../../../main/store/postgres/pool.ts";
import type { Request } from "../jobs/gatehouse-process.ts";
import { startSharedInstance } from "./shared-instance.ts";

const { GATEHOUSE_DATA_DIR: dataDir, SHARED_PG_URL: pgUrl, SHARED_CORE_URL: coreUrl, SHARED_KEY_FILE: keyFile } = process.env;
if (!dataDir || !pgUrl || !coreUrl || !keyFile || !process.send) throw new Error("run through forkGatehouse(): GATEHOUSE_DATA_DIR, SHARED_PG_URL, SHARED_CORE_URL, SHARED_KEY_FILE and an IPC channel are needed");
const send = process.send.bind(process);
const jobs = JSON.parse(process.env.GATEHOUSE_JOBS ?? "{}") as JobsOptions;

const pool = await openPostgres(pgUrl, { max: 4 });
/** The job store's end of an item: UPDATE job_items SET state = $n (finishItem, or claimNext with the finished item). */
const ITEM_END = /UPDATE job_items SET state = \$\d/;
const query = pool.query.bind(pool) as (...args: unknown[]) => unknown;
(pool as unknown as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
  const first = args[0];
  const text = typeof first === "string" ? first : ((first as { text?: string } | undefined)?.text ?? "");
  if (ITEM_END.test(text)) process.kill(process.pid, "SIGKILL");
  return query(...args);
};

const { gatehouse } = await startSharedInstance({ dataDir, pool, coreUrl, keyFile, ...(jobs.leaseMs ? { leaseMs: jobs.leaseMs } : {}) });
process.on("message", (request: Request) => {
  void gatehouse.dispatcher.invoke(request.op, request.input, gatehouse.desktopCaller()).then((envelope) => send({ id: request.id, envelope }));
});
send({ ready: true });
