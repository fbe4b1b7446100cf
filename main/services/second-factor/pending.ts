/**
 * Looking at an unfinished reset against the Core as it is now: did it change anything? One that
 * changed nothing (a check refused it, or the Core refused its first change) holds nothing back,
 * and a new choice simply proceeds; one that did is finished or abandoned, by the operator's choice.
 */
import supertokens from "supertokens-node";
import type { SecondFactor } from "../../../shared/contract/schemas.ts";
import type { CoreClient } from "../../core/core-client.ts";
import { actionOfKey, type PendingReset } from "./journal.ts";
import { phoneOf, type LinkState } from "./state.ts";

export interface PendingLook {
  changed: boolean;
  /** What it did on the Core, in words ("" when nothing). */
  summary: string;
}

export const sameFactor = (a: SecondFactor, b: SecondFactor): boolean => JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));

function canonical(f: SecondFactor): unknown[] {
  if (f.state === "none") return ["none"];
  if (f.state === "enrolled") return ["enrolled", f.passwordlessUserId, f.phoneNumber];
  return ["broken", f.passwordlessUserId, f.reason];
}

export function describeFactor(s: SecondFactor): string {
  if (s.state === "none") return "not enrolled";
  if (s.state === "enrolled") return `enrolled with ${s.phoneNumber} (phone user ${s.passwordlessUserId})`;
  return `broken: ${s.reason === "missing-user" ? "the linked user does not exist" : "the linked user has no phone"} (${s.passwordlessUserId})`;
}

export function describeActionKey(key: string): string {
  const a = actionOfKey(key);
  return a.kind === "replace" ? `replace the phone with ${a.phoneNumber}` : `clear the enrollment and ${a.deletePasswordlessUser ? "delete" : "keep"} the old phone user`;
}

export async function lookAtPending(core: CoreClient, pending: PendingReset, read: LinkState): Promise<PendingLook> {
  const did: string[] = [];
  if (!sameFactor(read.state, pending.before)) did.push(`the second factor is now ${describeFactor(read.state)} (was ${describeFactor(pending.before)})`);
  const beforeId = pending.before.state === "none" ? undefined : pending.before.passwordlessUserId;
  if (pending.createdUserId && pending.createdUserId !== read.linkedId) {
    const created = await core.sdk(() => supertokens.getUser(pending.createdUserId ?? ""));
    if (created) did.push(`it created phone user ${created.id} (${phoneOf(created) ?? "no phone"}), which no one is linked to yet`);
  } else if (!pending.createdUserId && pending.creatingPhone) {
    // It asked the Core for a new phone user and did not hear back: anyone holding the phone now
    // (but the old phone user) may be that user.
    const phone = pending.creatingPhone;
    const tenants = read.user.tenantIds.length ? read.user.tenantIds : ["public"];
    const holders = (await core.sdk(() => Promise.all(tenants.map((t) => supertokens.listUsersByAccountInfo(t, { phoneNumber: phone }))))).flat();
    const found = [...new Set(holders.map((h) => h.id))].filter((id) => id !== beforeId && id !== read.linkedId);
    if (found.length) did.push(`a user with ${phone} exists (${found.join(", ")}); the earlier run may have created it`);
  }
  if (did.length === 0 && pending.changedAt !== undefined) {
    did.push(`it recorded a change at ${new Date(pending.changedAt).toISOString()}, though the link looks as it was before`);
  }
  return { changed: did.length > 0, summary: did.join("; ") };
}
