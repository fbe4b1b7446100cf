/**
 * What the reset dialog shows before anything is done: the state, who else points at the same
 * phone user (so the operator reads plainly what a reset will and will not touch), what replace
 * and clear would do (decided as the reset decides, plan.ts), and any unfinished earlier reset
 * with what it changed on the Core. Phones are masked for operators who may not see them.
 */
import type { z } from "zod";
import type { secondFactorOps } from "../../../shared/contract/operations/second-factor.ts";
import type { SecondFactor } from "../../../shared/contract/schemas.ts";
import { maskPhone, maskPhonesIn } from "../../../shared/phone-mask.ts";
import type { ActiveConnection } from "../connection.ts";
import { actionOfKey, type ResetJournal } from "./journal.ts";
import { lookAtPending } from "./pending.ts";
import { planFor } from "./plan.ts";
import { scanPointers } from "./pointers.ts";
import { readLinkState } from "./state.ts";

type Output = z.output<(typeof secondFactorOps)["secondFactor.resetPreview"]["output"]>;

export interface PreviewDeps {
  connection: () => ActiveConnection;
  journal: ResetJournal;
  /** Whether the caller may see phones unmasked (auditors may not). */
  seesPhones: boolean;
  region: (profileId: string) => string | Promise<string>;
  pointerScanCap?: number;
}

export async function resetPreview(deps: PreviewDeps, requestedId: string): Promise<Output> {
  const { core, profile } = deps.connection();
  const show = deps.seesPhones;
  const read = await readLinkState(core, profile.contract, requestedId);
  const userId = read.user.id;
  const scan = read.phoneUser
    ? await scanPointers(core, profile.contract.secondFactorUserIdKey, [read.phoneUser.id], { maskPhones: !show, ...(deps.pointerScanCap ? { cap: deps.pointerScanCap } : {}) })
    : undefined;
  const plan = planFor(read, scan);
  const stored = await deps.journal.get(profile.id, userId);
  let pending: Output["pending"] = null;
  if (stored) {
    const look = await lookAtPending(core, stored, read);
    const action = actionOfKey(stored.action);
    pending = {
      action: action.kind === "replace" && !show ? { ...action, phoneNumber: maskPhone(action.phoneNumber) } : action,
      startedAt: stored.startedAt,
      changedOnCore: look.changed,
      summary: show ? look.summary : maskPhonesIn(look.summary),
    };
  }
  return {
    userId,
    state: show ? read.state : masked(read.state),
    shared: { others: plan.others, scanned: scan?.scanned ?? 0, complete: scan?.complete ?? true },
    replaceInPlace: plan.replaceInPlace,
    clearMayDelete: plan.clearMayDelete,
    keepReason: plan.keepReason,
    defaultRegion: await deps.region(profile.id),
    pending,
  };
}

const masked = (s: SecondFactor): SecondFactor => (s.state === "enrolled" ? { ...s, phoneNumber: maskPhone(s.phoneNumber) } : s);
