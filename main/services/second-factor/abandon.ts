/**
 * Abandoning an unfinished reset: the operator's explicit choice (audited like any reset, with
 * reason and ticket) to forget it rather than finish it. Nothing on the Core is touched: what the
 * earlier run did stays, and the result says what that is, so a new reset starts from the truth.
 */
import type { z } from "zod";
import type { secondFactorOps } from "../../../shared/contract/operations/second-factor.ts";
import type { DataContract } from "../../../shared/data-contract.ts";
import type { CoreClient } from "../../core/core-client.ts";
import type { ResetJournal } from "./journal.ts";
import { describeActionKey, describeFactor, lookAtPending } from "./pending.ts";
import { readLinkState } from "./state.ts";

type Output = z.output<(typeof secondFactorOps)["secondFactor.reset"]["output"]>;

export interface AbandonDeps {
  core: CoreClient;
  contract: DataContract;
  journal: ResetJournal;
  profileId: string;
}

export async function abandonReset(deps: AbandonDeps, requestedId: string): Promise<Output> {
  const read = await readLinkState(deps.core, deps.contract, requestedId);
  const userId = read.user.id;
  const pending = await deps.journal.get(deps.profileId, userId);
  const base = { userId, action: { kind: "abandon" as const }, resumed: false, after: read.state, sessionsRevoked: 0, sessionsEndedFor: [], oldPasswordlessUser: "none" as const, shared: null };
  const readStep = { step: "read" as const, status: "done" as const, detail: describeFactor(read.state) };
  if (!pending) {
    return { ...base, alreadyDone: true, before: read.state, steps: [readStep, { step: "abandon", status: "already", detail: "there is no unfinished reset of this user" }] };
  }
  const look = await lookAtPending(deps.core, pending, read);
  await deps.journal.finish(deps.profileId, userId);
  const what = look.changed
    ? `The Core keeps what it did: ${look.summary}. Sessions it had not ended yet were not ended; a new reset ends those that carry the old phone.`
    : "It had changed nothing on the Core.";
  return {
    ...base,
    alreadyDone: false,
    before: pending.before,
    steps: [readStep, { step: "abandon", status: "done", detail: `forgot the unfinished reset (${describeActionKey(pending.action)}, started ${new Date(pending.startedAt).toISOString()}). ${what}` }],
  };
}
