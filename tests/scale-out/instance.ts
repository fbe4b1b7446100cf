/**
 * One team-server instance's job engine in a process of its own, for the scale-out test: a
 * JobRunner on the shared PostgreSQL, with the real roles.bulkAssign kind against the Core at
 * SCALE_CORE_URL. The parent drives it over IPC ({ id, plan: input } → { id, jobId }) and can
 * kill it with SIGKILL. Every 50 ms it reports the items it took up and finished since the last
 * report ({ started, finished }), so the parent knows who did what until the moment it died.
 *
 * Environment: SCALE_PG_URL, SCALE_CORE_URL, SCALE_INSTANCE (its instance id), SCALE_LEASE_MS.
 */
import { CoreClient } from "../../main/core/core-client.ts";
import { EventBus } from "../../main/events.ts";
import { rolesBulkAssignKind } from "../../main/jobs/kinds/roles-bulk-assign.ts";
import { JobRunner } from "../../main/jobs/runner.ts";
import { PostgresJobStore } from "../../main/jobs/store/postgres-job-store.ts";
import { openPostgres } from "../../main/store/postgres/pool.ts";

const { SCALE_PG_URL: pgUrl, SCALE_CORE_URL: coreUrl, SCALE_INSTANCE: instanceId, SCALE_LEASE_MS: leaseMs } = process.env;
if (!pgUrl || !coreUrl || !instanceId || !process.send) throw new Error("run by tests/scale-out: SCALE_PG_URL, SCALE_CORE_URL, SCALE_INSTANCE and an IPC channel are needed");
const send = process.send.bind(process);

const pool = await openPostgres(pgUrl);
const store = new PostgresJobStore({ pool, now: Date.now, instanceId, leaseMs: Number(leaseMs ?? 30_000) });
const runner = new JobRunner({ store, events: new EventBus(), now: Date.now, coreFor: () => new CoreClient({ uris: [coreUrl], apiKey: undefined, timeoutMs: 10_000 }) });

const report = { started: [] as number[], finished: [] as number[] };
const roles = rolesBulkAssignKind();
runner.register({
  ...roles,
  // More items in flight than the desktop's 4: two instances against one local Core.
  concurrency: 8,
  async runItem(item, ctx) {
    report.started.push(ctx.index);
    const result = await roles.runItem(item, ctx);
    report.finished.push(ctx.index);
    return result;
  },
});
await runner.resumeInterrupted();

setInterval(() => {
  if (report.started.length + report.finished.length === 0) return;
  send({ started: report.started.splice(0), finished: report.finished.splice(0) });
}, 50);

process.on("message", (message: { id: number; plan: unknown }) => {
  void runner
    .dryRun("roles.bulkAssign", message.plan, { profileId: "scale-out", createdBy: "tester" }, 1)
    .then(({ job }) => runner.start(job.id))
    .then(
      (job) => send({ id: message.id, jobId: job.id }),
      (err: unknown) => send({ id: message.id, error: String(err) }),
    );
});
send({ ready: true });
