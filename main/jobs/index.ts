/**
 * The jobs area wired for the composition root: the runner with its kinds, and the handlers of
 * the jobs.* operations. A new kind of bulk work implements JobKind (kind.ts) and is added to
 * `kinds` below (or passed in GatehouseOptions.jobs.kinds).
 */
import { GatehouseError } from "../../shared/contract/errors.ts";
import type { jobsOps } from "../../shared/contract/operations/jobs.ts";
import type { Caller } from "../../shared/contract/caller.ts";
import { can } from "../../shared/contract/permissions.ts";
import { CoreClient } from "../core/core-client.ts";
import type { Handlers } from "../dispatch.ts";
import type { EventBus } from "../events.ts";
import type { ProfilesService } from "../services/profiles.ts";
import type { StoreDb } from "../store/database.ts";
import type { AnyJobKind } from "./kind.ts";
import { rolesBulkAssignKind } from "./kinds/roles-bulk-assign.ts";
import type { ProbePolicy, RetryPolicy } from "./retry.ts";
import { JobRunner } from "./runner.ts";
import type { JobStore } from "./store/job-store.ts";

export type { JobKind, AnyJobKind, ItemContext, PrepareContext, PreparedItem } from "./kind.ts";
export { JobRunner } from "./runner.ts";

/** Tuning for tests and the odd deployment. */
export interface JobsOptions {
  retry?: Partial<RetryPolicy>;
  /** How often a job waiting for its Core looks again. */
  probe?: Partial<ProbePolicy>;
  closeGraceMs?: number;
  /** How long an item's claim holds without renewal on a shared store (PostgreSQL; tests shorten it). */
  leaseMs?: number;
  progressIntervalMs?: number;
  /** More kinds (tests; areas that have not wired theirs in yet). */
  kinds?: AnyJobKind[];
}

export interface JobsDeps {
  db: StoreDb;
  /** Where jobs are kept when not in `db` (PostgreSQL, shared by two or more team-server instances). */
  store?: JobStore;
  events: EventBus;
  now: () => number;
  profiles: ProfilesService;
  /** Called when a job changed roles (drops the users page's role index). */
  rolesChanged: () => void;
  /** The kinds other areas bring (e.g. invites.bulk). */
  kinds?: AnyJobKind[];
  options?: JobsOptions;
}

type JobHandlers = Pick<Handlers, keyof typeof jobsOps>;

export function createJobs(deps: JobsDeps): { runner: JobRunner; handlers: JobHandlers } {
  const runner = new JobRunner({
    ...(deps.store ? { store: deps.store } : { db: deps.db }),
    events: deps.events,
    now: deps.now,
    coreFor: (profileId) => new CoreClient(deps.profiles.target(deps.profiles.get(profileId))),
    profileName: (profileId) => {
      try {
        return deps.profiles.get(profileId).name;
      } catch {
        return ""; // the profile was removed since
      }
    },
    ...(deps.options?.retry ? { retry: deps.options.retry } : {}),
    ...(deps.options?.probe ? { probe: deps.options.probe } : {}),
    ...(deps.options?.closeGraceMs !== undefined ? { closeGraceMs: deps.options.closeGraceMs } : {}),
    ...(deps.options?.progressIntervalMs !== undefined ? { progressIntervalMs: deps.options.progressIntervalMs } : {}),
  });
  runner.register(rolesBulkAssignKind({ onChange: deps.rolesChanged }));
  for (const kind of [...(deps.kinds ?? []), ...(deps.options?.kinds ?? [])]) runner.register(kind);

  /** jobs:control is checked by the dispatcher; the kind's own permission (e.g. roles:write) here. */
  const mayRun = (kind: AnyJobKind, { role }: Caller) => {
    if (!can(role, kind.permission)) {
      throw new GatehouseError({ code: "FORBIDDEN", message: `The ${role} role cannot run "${kind.name}" jobs (they need ${kind.permission}).` });
    }
  };

  /** The profile in force: jobs are seen and controlled from it only (their results hold its links). */
  const profileInForce = (): string => {
    const profile = deps.profiles.active();
    if (!profile) throw new GatehouseError({ code: "NO_PROFILE", message: "No connection profile is active. Add one under Connections, or switch to one." });
    return profile.id;
  };
  /** A job of another profile is NOT_FOUND from here, as if it did not exist. */
  const inForce = async (jobId: string): Promise<string> => {
    const profileId = profileInForce();
    let owner: string | undefined;
    try {
      owner = await runner.profileOf(jobId);
    } catch {
      owner = undefined;
    }
    if (owner !== profileId) throw new GatehouseError({ code: "NOT_FOUND", message: `There is no job ${jobId} for this connection profile.` });
    return jobId;
  };

  const handlers: JobHandlers = {
    "jobs.list": (i) => runner.list(profileInForce(), i.offset, i.limit),
    "jobs.get": async (i) => runner.get(await inForce(i.jobId), i.offset, i.limit, i.state),
    "jobs.result": async (i) => runner.result(await inForce(i.jobId)),
    "jobs.dryRun": (i, caller) => {
      const kind = runner.kind(i.kind);
      mayRun(kind, caller);
      return runner.dryRun(kind.name, i.input, { profileId: profileInForce(), createdBy: caller.operator });
    },
    "jobs.start": async (i, caller) => {
      mayRun(await runner.kindOfJob(await inForce(i.jobId)), caller);
      return { job: await runner.start(i.jobId) };
    },
    "jobs.pause": async (i) => ({ job: await runner.pause(await inForce(i.jobId)) }),
    "jobs.resume": async (i, caller) => {
      mayRun(await runner.kindOfJob(await inForce(i.jobId)), caller);
      return { job: await runner.resume(i.jobId) };
    },
    "jobs.retryFailed": async (i, caller) => {
      mayRun(await runner.kindOfJob(await inForce(i.jobId)), caller);
      return runner.retryFailed(i.jobId);
    },
    "jobs.cancel": async (i) => ({ job: await runner.cancel(await inForce(i.jobId)) }),
  };
  return { runner, handlers };
}
