/**
 * The local record of a reset that has started changing the Core and not finished: what a rerun
 * needs to resume it without repeating a step (the state before, the phone user it created or was
 * creating, when the change was in place). Written only once every check has passed, right before
 * the first change; removed once every step is done, or when the operator abandons it.
 */
import type { SecondFactorResetAction } from "../../../shared/contract/operations/second-factor.ts";
import type { SecondFactor } from "../../../shared/contract/schemas.ts";
import type { StoreDb } from "../../store/database.ts";

export interface PendingReset {
  action: string;
  before: SecondFactor;
  startedAt: number;
  createdUserId: string | undefined;
  /** Set before a new phone user is asked for, so a crash in between leaves a trace. */
  creatingPhone: string | undefined;
  changedAt: number | undefined;
}

interface Row {
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

export class ResetJournal {
  constructor(private readonly db: StoreDb) {}

  get(profileId: string, userId: string): PendingReset | undefined {
    const row = this.db
      .prepare("SELECT action, before, started_at, created_user_id, creating_phone, changed_at FROM second_factor_resets WHERE profile_id = ? AND user_id = ?")
      .get(profileId, userId) as Row | undefined;
    if (!row) return undefined;
    return {
      action: row.action,
      before: JSON.parse(row.before) as SecondFactor,
      startedAt: row.started_at,
      createdUserId: row.created_user_id ?? undefined,
      creatingPhone: row.creating_phone ?? undefined,
      changedAt: row.changed_at ?? undefined,
    };
  }

  start(profileId: string, userId: string, action: string, before: SecondFactor, at: number): PendingReset {
    this.db
      .prepare("INSERT OR REPLACE INTO second_factor_resets (profile_id, user_id, action, before, started_at, created_user_id, creating_phone, changed_at) VALUES (?, ?, ?, ?, ?, NULL, NULL, NULL)")
      .run(profileId, userId, action, JSON.stringify(before), at);
    return { action, before, startedAt: at, createdUserId: undefined, creatingPhone: undefined, changedAt: undefined };
  }

  creating(profileId: string, userId: string, phoneNumber: string): void {
    this.db.prepare("UPDATE second_factor_resets SET creating_phone = ? WHERE profile_id = ? AND user_id = ?").run(phoneNumber, profileId, userId);
  }

  createdUser(profileId: string, userId: string, createdUserId: string): void {
    this.db.prepare("UPDATE second_factor_resets SET created_user_id = ? WHERE profile_id = ? AND user_id = ?").run(createdUserId, profileId, userId);
  }

  changed(profileId: string, userId: string, at: number): void {
    this.db.prepare("UPDATE second_factor_resets SET changed_at = COALESCE(changed_at, ?) WHERE profile_id = ? AND user_id = ?").run(at, profileId, userId);
  }

  finish(profileId: string, userId: string): void {
    this.db.prepare("DELETE FROM second_factor_resets WHERE profile_id = ? AND user_id = ?").run(profileId, userId);
  }
}
