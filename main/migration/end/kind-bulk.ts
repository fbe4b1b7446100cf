/**
 * "migration.endBulk": the end of the migration through the Core's bulk import. The runner takes
 * up to 10,000 items at once; their accounts are staged in one request and imported by the Core
 * (bulk/batcher.ts); then each gets its reset link, at most LINK_CONCURRENCY at a time (the same
 * concurrency as the per-user path, so the two compare). Pausing takes effect once the staged
 * users are imported: the Core imports them whatever this job does.
 */
import supertokens from "supertokens-node";
import type { z } from "zod";
import { GatehouseError } from "../../../shared/contract/errors.ts";
import { migrationEndInput, type BulkImportProgress, type MigrationEndItem } from "../../../shared/contract/operations/migration-end.ts";
import { ItemSkipped, type JobKind } from "../../jobs/kind.ts";
import { isOutage } from "../../jobs/retry.ts";
import { perJobContexts } from "../reset-links/context.ts";
import { deliverResetLink, deliveredBefore } from "../reset-links/deliver.ts";
import { BULK_IMPORT_MAX } from "./bulk/api.ts";
import { DEFAULT_BATCH_OPTIONS, JobBatch, type BatchOptions } from "./bulk/batcher.ts";
import { Limiter } from "./bulk/limiter.ts";
import { entryFor, type EndKindDeps } from "./kind-sdk.ts";
import { planEnd } from "./plan.ts";
import { describeEnd, doneResult, END_INPUT_COLUMNS, END_RESULT_COLUMNS, skippedResult, type EndResult } from "./results.ts";

type Input = z.output<typeof migrationEndInput>;

export const LINK_CONCURRENCY = 8;

export interface BulkKindDeps extends EndKindDeps {
  batch?: Partial<BatchOptions>;
  /** Where a job's last look at the Core is kept (migrationEnd.status reads it). */
  saveProgress: (jobId: string, profileId: string, progress: BulkImportProgress) => Promise<void>;
}

export function migrationEndBulkKind(deps: BulkKindDeps): { kind: JobKind<Input, MigrationEndItem, EndResult>; progress: (jobId: string) => BulkImportProgress | undefined; stop: () => void } {
  const contextFor = perJobContexts(deps);
  const batches = new Map<string, JobBatch>();
  const links = new Limiter(LINK_CONCURRENCY);
  const options = { ...DEFAULT_BATCH_OPTIONS, ...deps.batch };
  const batchFor = (jobId: string, profileId: string, core: Parameters<typeof contextFor>[2]) => {
    let batch = batches.get(jobId);
    if (!batch) {
      const contract = deps.profileFor(profileId).contract;
      batch = new JobBatch(jobId, core, contract, deps.marks, deps.now, options, (p) => deps.saveProgress(jobId, profileId, p));
      batches.set(jobId, batch);
    }
    return batch;
  };

  const kind: JobKind<Input, MigrationEndItem, EndResult> = {
    name: "migration.endBulk",
    permission: "migration:end",
    input: migrationEndInput,
    concurrency: BULK_IMPORT_MAX,
    inputColumns: END_INPUT_COLUMNS,
    resultColumns: END_RESULT_COLUMNS,
    dryRunOnly: (input) => input.dryRunOnly === true,
    describe: (input, items) => describeEnd("the Core's bulk import", input, items),
    prepare: (input, { core, profileId }) => planEnd(deps.roster, core, profileId, input),

    async runItem(item, ctx) {
      const ref = { marks: deps.marks, jobId: ctx.jobId, index: ctx.index };
      const mark = await deps.marks.get(ctx.jobId, ctx.index);
      const sent = await deliveredBefore(ref, mark);
      if (sent) return doneResult(item, mark?.superTokensId ?? "", false, sent);
      let superTokensId = mark?.phase === "account" ? mark.superTokensId : null;
      if (superTokensId === null) {
        const entry = await entryFor(deps, ctx.profileId, item);
        const account = await batchFor(ctx.jobId, ctx.profileId, ctx.core).account({ index: ctx.index, item, entry, mark, fresh: ctx.fresh });
        if ("skip" in account) throw new ItemSkipped(account.skip, { ...skippedResult(account.skip) });
        superTokensId = account.superTokensId;
        await deps.marks.set(ctx.jobId, ctx.index, "account", { superTokensId });
      }
      const id = superTokensId;
      return links.run(async () => {
        if (item.password === "legacy hash") {
          // No link to make, which would have shown the account exists: ask for its mapping.
          const mapped = await ctx.core.sdk(() => supertokens.getUserIdMapping({ userId: item.legacyId, userIdType: "EXTERNAL" }));
          if (mapped.status !== "OK") throw new GatehouseError({ code: "NOT_FOUND", message: `The Core has no account for ${item.legacyId} after its import (was it unstaged by someone else?).` });
          return doneResult(item, id, true, null);
        }
        const delivered = await deliverResetLink(await contextFor(ctx.jobId, ctx.profileId, ctx.core), { tenantId: item.tenantId, userId: item.legacyId, email: item.email }, ref);
        return doneResult(item, id, true, delivered);
      });
    },

    async reconcile(item, ctx) {
      const mark = await deps.marks.get(ctx.jobId, ctx.index);
      const sent = await deliveredBefore({ marks: deps.marks, jobId: ctx.jobId, index: ctx.index }, mark);
      if (sent) return { state: "done", result: doneResult(item, mark?.superTokensId ?? "", true, sent) };
      const error = ctx.error.replace(/\.$/, "");
      const mapping = await ctx.core.sdk(() => supertokens.getUserIdMapping({ userId: item.legacyId, userIdType: "EXTERNAL" }));
      if (mapping.status !== "OK") return { state: "failed", error: `${error}. On the Core: no account for ${item.legacyId}; retrying stages it again.` };
      if (mark?.phase !== "account" && mark?.phase !== "staged" && mark?.phase !== "staging") {
        return { state: "failed", error: `${error}. On the Core: ${item.legacyId} has an account this job did not make.` };
      }
      if (item.password === "legacy hash") return { state: "done", result: doneResult(item, mapping.superTokensUserId, true, null) };
      try {
        const delivered = await deliverResetLink(await contextFor(ctx.jobId, ctx.profileId, ctx.core), { tenantId: item.tenantId, userId: item.legacyId, email: item.email }, { marks: deps.marks, jobId: ctx.jobId, index: ctx.index });
        return { state: "done", result: doneResult(item, mapping.superTokensUserId, true, delivered) };
      } catch (err) {
        if (isOutage(err)) throw err;
        return { state: "failed", error: `${error}. On the Core: the account ${item.legacyId} is imported, but no reset link reached ${item.email}.` };
      }
    },
  };
  return {
    kind,
    progress: (jobId) => batches.get(jobId)?.progress(),
    stop: () => {
      for (const b of batches.values()) b.stop();
      batches.clear();
    },
  };
}
