/** The second-factor reset journal in Gatehouse's SQLite (journal.ts says what it keeps). */
import type { SecondFactor } from "../../../shared/contract/schemas.ts";
import type { StoreDb } from "../../store/database.ts";
import { preparedFor, type Prepared } from "../../store/statements.ts";
import { pendingOf, type JournalRow, type PendingReset, type ResetJournal } from "./journal.ts";

export class SqliteResetJournal implements ResetJournal {
  private readonly sql: Prepared;

  constructor(db: StoreDb) {
    this.sql = preparedFor(db);
  }

  async get(profileId: string, userId: string): Promise<PendingReset | undefined> {
    const row = this.sql("SELECT action, before, started_at, created_user_id, creating_phone, changed_at FROM second_factor_resets WHERE profile_id = ? AND user_id = ?").get(profileId, userId) as
      | JournalRow
      | undefined;
    return row && pendingOf(row);
  }

  async start(profileId: string, userId: string, action: string, before: SecondFactor, at: number): Promise<PendingReset> {
    this.sql(
      "INSERT OR REPLACE INTO second_factor_resets (profile_id, user_id, action, before, started_at, created_user_id, creating_phone, changed_at) VALUES (?, ?, ?, ?, ?, NULL, NULL, NULL)",
    ).run(profileId, userId, action, JSON.stringify(before), at);
    return { action, before, startedAt: at, createdUserId: undefined, creatingPhone: undefined, changedAt: undefined };
  }

  async creating(profileId: string, userId: string, phoneNumber: string): Promise<void> {
    this.sql("UPDATE second_factor_resets SET creating_phone = ? WHERE profile_id = ? AND user_id = ?").run(phoneNumber, profileId, userId);
  }

  async createdUser(profileId: string, userId: string, createdUserId: string): Promise<void> {
    this.sql("UPDATE second_factor_resets SET created_user_id = ? WHERE profile_id = ? AND user_id = ?").run(createdUserId, profileId, userId);
  }

  async changed(profileId: string, userId: string, at: number): Promise<void> {
    this.sql("UPDATE second_factor_resets SET changed_at = COALESCE(changed_at, ?) WHERE profile_id = ? AND user_id = ?").run(at, profileId, userId);
  }

  async finish(profileId: string, userId: string): Promise<void> {
    this.sql("DELETE FROM second_factor_resets WHERE profile_id = ? AND user_id = ?").run(profileId, userId);
  }
}
