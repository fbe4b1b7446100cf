/**
 * What a reset may do to a user's phone user, decided the same way for the dialog's preview and
 * for the reset itself: a reset acts on the chosen user alone. The phone user is changed in place
 * or deleted only when a complete scan found no one else pointing at it and it is a phone-only
 * Passwordless user (not someone's own account); otherwise this user gets a phone user of their
 * own (replace) or only loses their link (clear), and the phone user stays as it is for the others.
 */
import type { Pointer, PointerScan } from "./pointers.ts";
import { isDedicatedPhoneUser, type LinkState } from "./state.ts";

export type KeepReason = "shared" | "unsure" | "not-phone-only" | "none";

export interface ResetPlan {
  /** The other users pointing at this user's phone user (never the user itself). */
  others: Pointer[];
  /** Proven: a complete scan, and no one else. */
  alone: boolean;
  replaceInPlace: boolean;
  clearMayDelete: boolean;
  keepReason: KeepReason;
}

export function othersOn(scan: PointerScan | undefined, phoneUserId: string | undefined, userId: string): Pointer[] {
  if (!scan || phoneUserId === undefined) return [];
  return (scan.pointers.get(phoneUserId) ?? []).filter((p) => p.userId !== userId);
}

/** True when nothing but this user can depend on the phone user (a complete scan found no one else). */
export const aloneOn = (scan: PointerScan | undefined, phoneUserId: string, userId: string): boolean =>
  scan !== undefined && scan.complete && othersOn(scan, phoneUserId, userId).length === 0;

export function planFor(read: LinkState, scan: PointerScan | undefined): ResetPlan {
  const phoneUser = read.phoneUser;
  const userId = read.user.id;
  const others = othersOn(scan, phoneUser?.id, userId);
  const alone = phoneUser !== undefined && aloneOn(scan, phoneUser.id, userId);
  const dedicated = phoneUser !== undefined && isDedicatedPhoneUser(phoneUser);
  const keepReason: KeepReason = !phoneUser ? "none" : !dedicated ? "not-phone-only" : others.length > 0 ? "shared" : !alone ? "unsure" : "none";
  return {
    others,
    alone,
    replaceInPlace: read.state.state === "enrolled" && alone && dedicated,
    clearMayDelete: alone && dedicated,
    keepReason,
  };
}

/** Why the phone user is left as it is, in words (for step details and errors). */
export function keepWhy(plan: ResetPlan, scanned: number): string {
  if (plan.keepReason === "shared") {
    const names = plan.others.map((o) => o.label).join("; ");
    return `${plan.others.length} other user(s) still point at it (${names}): they keep it`;
  }
  if (plan.keepReason === "unsure") return `the scan for other users pointing at it stopped at ${scanned} users, so it cannot be shown to be this user's alone`;
  if (plan.keepReason === "not-phone-only") return "it is not a phone-only Passwordless user (it may be someone's own account)";
  return "";
}
