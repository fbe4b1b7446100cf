/**
 * "migration.end": the end of the migration with plain supertokens-node calls, one roster user per
 * item (account-sdk.ts), then the reset link (reset-links/deliver.ts: once per item). For Cores
 * without the bulk import (older ones answer 404; a Core on its in-memory database refuses it).
 */
import type { z } from "zod";
import { GatehouseError } from "../../../shared/contract/errors.ts";
import { migrationEndInput, type MigrationEndItem } from "../../../shared/contract/operations/migration-end.ts";
import { ItemSkipped, type JobKind } from "../../jobs/kind.ts";
import { isOutage } from "../../jobs/retry.ts";
import { perJobContexts, type ResetLinkDeps } from "../reset-links/context.ts";
import { deliverResetLink, deliveredBefore } from "../reset-links/deliver.ts";
import type { RosterReader } from "../roster/types.ts";
import { ensureAccountSdk } from "./account-sdk.ts";
import type { Marks } from "./marks.ts";
import { planEnd } from "./plan.ts";
import { describeEnd, doneResult, END_INPUT_COLUMNS, END_RESULT_COLUMNS, skippedResult, type EndResult } from "./results.ts";

type Input = z.output<typeof migrationEndInput>;

export interface EndKindDeps extends ResetLinkDeps {
  roster: RosterReader;
  marks: Marks;
}

const ITEM_CONCURRENCY = 8;

export async function entryFor(deps: Pick<EndKindDeps, "roster">, profileId: string, item: MigrationEndItem) {
  const entry = await deps.roster.get(profileId, item.legacyId);
  if (!entry) throw new GatehouseError({ code: "NOT_FOUND", message: `${item.legacyId} is no longer in the roster (it was replaced since the dry run); nothing done for them.` });
  return entry;
}

export function migrationEndSdkKind(deps: EndKindDeps): JobKind<Input, MigrationEndItem, EndResult> {
  const contextFor = perJobContexts(deps);
  const kind: JobKind<Input, MigrationEndItem, EndResult> = {
    name: "migration.end",
    permission: "migration:end",
    input: migrationEndInput,
    concurrency: ITEM_CONCURRENCY,
    inputColumns: END_INPUT_COLUMNS,
    resultColumns: END_RESULT_COLUMNS,
    dryRunOnly: (input) => input.dryRunOnly === true,
    describe: (input, items) => describeEnd("supertokens-node calls", input, items),
    async prepare(input, { core, profileId }) {
      return planEnd(deps.roster, core, profileId, input);
    },

    async runItem(item, ctx) {
      const ref = { marks: deps.marks, jobId: ctx.jobId, index: ctx.index };
      const mark = await deps.marks.get(ctx.jobId, ctx.index);
      const sent = await deliveredBefore(ref, mark);
      if (sent) return doneResult(item, mark?.superTokensId ?? "", false, sent);
      const context = await contextFor(ctx.jobId, ctx.profileId, ctx.core);
      let superTokensId = mark?.phase === "account" ? mark.superTokensId : null;
      let created = false;
      if (superTokensId === null) {
        const entry = await entryFor(deps, ctx.profileId, item);
        const account = await ensureAccountSdk(
          { core: ctx.core, contract: context.profile.contract, provider: item.provider, marks: deps.marks, jobId: ctx.jobId, index: ctx.index, fresh: ctx.fresh, now: deps.now },
          item,
          entry,
          mark,
        );
        if ("skip" in account) throw new ItemSkipped(account.skip, { ...skippedResult(account.skip) });
        ({ superTokensId, created } = account);
        await deps.marks.set(ctx.jobId, ctx.index, "account", { superTokensId });
      }
      if (item.password === "legacy hash") return doneResult(item, superTokensId, created, null);
      const delivered = await deliverResetLink(context, { tenantId: item.tenantId, userId: item.legacyId, email: item.email }, ref);
      return doneResult(item, superTokensId, created, delivered);
    },

    // Before an item is failed: what the Core holds. An account of ours that got everything but
    // its link gets the link now (and the item is done); otherwise the error says what is there.
    async reconcile(item, ctx) {
      const mark = await deps.marks.get(ctx.jobId, ctx.index);
      const ref = { marks: deps.marks, jobId: ctx.jobId, index: ctx.index };
      const sent = await deliveredBefore(ref, mark);
      if (sent) return { state: "done", result: doneResult(item, mark?.superTokensId ?? "", false, sent) };
      const error = ctx.error.replace(/\.$/, "");
      if (mark?.phase !== "account" || !mark.superTokensId) {
        return { state: "failed", error: `${error}. ${mark?.phase === "signing-up" ? "A sign-up may have reached the Core: retrying this item adopts that account instead of making another." : "Nothing was created for this user."}` };
      }
      if (item.password === "legacy hash") return { state: "done", result: doneResult(item, mark.superTokensId, false, null) };
      try {
        const context = await contextFor(ctx.jobId, ctx.profileId, ctx.core);
        const delivered = await deliverResetLink(context, { tenantId: item.tenantId, userId: item.legacyId, email: item.email }, ref);
        return { state: "done", result: doneResult(item, mark.superTokensId, false, delivered) };
      } catch (err) {
        if (isOutage(err)) throw err;
        return { state: "failed", error: `${error}. On the Core: the account ${item.legacyId} (${mark.superTokensId}) is there with its mapping, flag and data, but no reset link reached ${item.email}.` };
      }
    },
  };
  return kind;
}
