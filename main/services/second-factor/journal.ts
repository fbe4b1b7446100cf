/**
 * The local record of a reset that has started changing the Core and not finished: what a rerun
 * needs to resume it without repeating a step (the state before, the phone user it created or was
 * creating, when the change was in place). Written only once every check has passed, right before
 * the first change; removed once every step is done, or when the operator abandons it.
 */
import type { SecondFactorResetAction } from "../../../shared/contract/operations/second-factor.ts";
import type { SecondFactor } from "../../../shared/contract/schemas.ts";

export interface PendingReset {
  action: string;
  before: SecondFactor;
  startedAt: number;
  createdUserId: string | undefined;
  /** Set before a new phone user is asked for, so a crash in between leaves a trace. */
  creatingPhone: string | undefined;
  changedAt: number | undefined;
}

/** A record's row as both stores keep it. */
export interface JournalRow {
  action: string;
  before: string;
  started_at: number;
  created_user_id: string | null;
  creating_phone: string | null;
  changed_at: number | null;
}

type ChangeAction = Exclude<SecondFactorResetAction, { kind: "abandon" }>;

/** The action as a stable string (phone already normalised), to tell a rerun from a new choice. */
export const actionKey = (a: ChangeAction): string => (a.kind === "replace" ? `replace:${a.phoneNumber}` : `clear:${a.deletePasswordlessUser ? "delete" : "keep"}`);

/** The action a key was made from (what "finish it" runs again). */
export function actionOfKey(key: string): ChangeAction {
  if (key.startsWith("replace:")) return { kind: "replace", phoneNumber: key.slice("replace:".length) };
  return { kind: "clear", deletePasswordlessUser: key === "clear:delete" };
}

export const pendingOf = (row: JournalRow): PendingReset => ({
  action: row.action,
  before: JSON.parse(row.before) as SecondFactor,
  startedAt: row.started_at,
  createdUserId: row.created_user_id ?? undefined,
  creatingPhone: row.creating_phone ?? undefined,
  changedAt: row.changed_at ?? undefined,
});

export interface ResetJournal {
  get(profileId: string, userId: string): Promise<PendingReset | undefined>;
  /** Opens (or opens anew) the record of a reset about to make its first change. */
  start(profileId: string, userId: string, action: string, before: SecondFactor, at: number): Promise<PendingReset>;
  creating(profileId: string, userId: string, phoneNumber: string): Promise<void>;
  createdUser(profileId: string, userId: string, createdUserId: string): Promise<void>;
  /** When the change was first in place (a later call keeps the first time). */
  changed(profileId: string, userId: string, at: number): Promise<void>;
  finish(profileId: string, userId: string): Promise<void>;
}
