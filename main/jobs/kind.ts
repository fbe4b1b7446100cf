/**
 * What a job kind is: the interface a new kind of bulk work implements to run on the JobRunner.
 *
 * The runner journals every item in its store (SQLite, or PostgreSQL shared by several team-server
 * instances) before and after each attempt, retries transport errors and Core 5xx with backoff,
 * and resumes jobs that were running when Gatehouse (or, on PostgreSQL, another instance)
 * stopped. Because a crash can fall between an item's effect in the Core and the journal entry
 * saying so, an item may be attempted again after its effect already happened. Hence the contract:
 *
 *   runItem MUST be idempotent: before doing its effect it checks whether the effect is already
 *   there (the user already holds the role, the invited user already exists, ...) and, if so,
 *   returns the result it would have returned (say so in the result, e.g. outcome "already had")
 *   instead of doing it again. It never creates a second of anything.
 *
 * runItem throws GatehouseErrors (CoreClient.sdk maps the Core's failures to them): TIMEOUT,
 * CORE_UNREACHABLE and CORE_ERROR for a 5xx are retried; anything else fails the item at once.
 * When the Core cannot be reached at all (a probe says so), the job waits for it instead: the
 * items cut off go back to pending with their attempt given back, and the job carries on when
 * the Core answers again.
 *
 * Before an item is reported failed, the runner asks the kind's reconcile() (if any) what is
 * really on the Core: an attempt may have done its effect although its answer was lost. The
 * kind finishes the item from there when it can (it then ends done), or says in the error what
 * the Core holds for it. An item thus ends done once, or failed with its true state.
 */
import type { z } from "zod";
import type { Permission } from "../../shared/contract/permissions.ts";
import type { JsonObject } from "../../shared/contract/schemas.ts";
import type { CoreClient } from "../core/core-client.ts";

/** One item of a dry run: its input, and either what will happen (`plan`) or why it cannot (`error`). */
export interface PreparedItem<P extends JsonObject = JsonObject> {
  input: P;
  plan?: string;
  /** A validation error: the item is shown in the dry run and result file but never run. */
  error?: string;
}

export interface PrepareContext {
  /** The Core of the profile the job is for. */
  core: CoreClient;
  /** The connection profile the job is for (its settings, data contract, default tenant). */
  profileId: string;
}

export interface ItemContext {
  core: CoreClient;
  /** The connection profile the job was planned for. */
  profileId: string;
  /** The operator who planned the job: whom its items act for (e.g. an invite's invitedBy). */
  createdBy: string;
  jobId: string;
  index: number;
  /** 1 on the first attempt; attempts are counted across restarts (not those given back after an outage). */
  attempt: number;
  /** Nothing was ever tried for this item (no earlier attempt, counted or given back, before a restart or not). */
  fresh: boolean;
}

/** What reconcile() found: the item is done after all (with its result), or fails with what the Core holds. */
export type Reconciled<R extends JsonObject = JsonObject> = { state: "done"; result: R } | { state: "failed"; error: string };

export interface JobKind<I = unknown, P extends JsonObject = JsonObject, R extends JsonObject = JsonObject> {
  /** e.g. "roles.bulkAssign"; what jobs.dryRun's `kind` names. */
  name: string;
  /** What the operator's role needs besides jobs:control to run this kind (e.g. "roles:write"). */
  permission: Permission;
  /** Validates jobs.dryRun's `input` (errors name the field under `input.`). */
  input: z.ZodType<I>;
  /** Items in flight at once against the Core. */
  concurrency: number;
  /**
   * The items must run on the instance that planned the job: they use state only it has (a
   * staging table in its own SQLite), or each goes on from where the one before it stopped, which
   * the per-instance concurrency cannot keep in order across instances (the migration's scan and
   * roster read). On a store shared by several team-server instances, only that instance runs them
   * (after a restart too), instead of whichever instance is free.
   */
  instanceBound?: boolean;
  /** One line for the jobs list, e.g. 'role "admin" in public to 120 users'. */
  describe(input: I, items: readonly PreparedItem<P>[]): string;
  /** The dry run: every item with its plan or validation error. Throw a GatehouseError to refuse the whole input. */
  prepare(input: I, ctx: PrepareContext): Promise<PreparedItem<P>[]>;
  /** True when the input asks for the dry run only: the plan is kept, closed ("cancelled"), and cannot be started. */
  dryRunOnly?(input: I): boolean;
  /** Does one item; idempotent (see above). */
  runItem(item: P, ctx: ItemContext): Promise<R>;
  /**
   * Before the item is failed with `error`: its real state on the Core, finished from there when
   * that can be done (e.g. the user was created but got no link: make the link). Throwing
   * CORE_UNREACHABLE or TIMEOUT makes the job wait for the Core instead of failing the item.
   */
  reconcile?(item: P, ctx: ItemContext & { error: string }): Promise<Reconciled<R>>;
  /** Keys of an item's input written to the result CSV, in order. */
  inputColumns: readonly string[];
  /** Keys of runItem's result written to the result CSV, in order. */
  resultColumns: readonly string[];
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyJobKind = JobKind<any, any, any>;

/**
 * Thrown by runItem when the item turns out, at run time, to need nothing (a user the dry run
 * would create signed up meanwhile, say): the item ends "skipped" with this reason, not "done",
 * so the counts and the result file say what happened. `result` fills its result columns.
 */
export class ItemSkipped extends Error {
  constructor(
    readonly reason: string,
    readonly result?: JsonObject,
  ) {
    super(reason);
    this.name = "ItemSkipped";
  }
}
