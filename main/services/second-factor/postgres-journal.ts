/**
 * The second-factor reset journal in PostgreSQL, shared by two or more team-server instances
 * (journal.ts says what it keeps): a reset one instance left unfinished is seen by all.
 */
import type pg from "pg";
import type { SecondFactor } from "../../../shared/contract/schemas.ts";
import { pendingOf, type JournalRow, type PendingReset, type ResetJournal } from "./journal.ts";

export const SECOND_FACTOR_POSTGRES_MIGRATIONS: readonly string[] = [
  `CREATE TABLE second_factor_resets (
     profile_id TEXT NOT NULL,
     user_id TEXT NOT NULL,
     action TEXT NOT NULL,
     before TEXT NOT NULL,
     started_at BIGINT NOT NULL,
     created_user_id TEXT,
     creating_phone TEXT,
     changed_at BIGINT,
     PRIMARY KEY (profile_id, user_id)
   );`,
];

export class PostgresResetJournal implements ResetJournal {
  constructor(private readonly pool: pg.Pool) {}

  async get(profileId: string, userId: string): Promise<PendingReset | undefined> {
    const { rows } = await this.pool.query<JournalRow>(
      "SELECT action, before, started_at, created_user_id, creating_phone, changed_at FROM second_factor_resets WHERE profile_id = $1 AND user_id = $2",
      [profileId, userId],
    );
    return rows[0] && pendingOf(rows[0]);
  }

  async start(profileId: string, userId: string, action: string, before: SecondFactor, at: number): Promise<PendingReset> {
    await this.pool.query(
      `INSERT INTO second_factor_resets (profile_id, user_id, action, before, started_at, created_user_id, creating_phone, changed_at) VALUES ($1, $2, $3, $4, $5, NULL, NULL, NULL)
       ON CONFLICT (profile_id, user_id) DO UPDATE SET action = excluded.action, before = excluded.before, started_at = excluded.started_at,
         created_user_id = NULL, creating_phone = NULL, changed_at = NULL`,
      [profileId, userId, action, JSON.stringify(before), at],
    );
    return { action, before, startedAt: at, createdUserId: undefined, creatingPhone: undefined, changedAt: undefined };
  }

  async creating(profileId: string, userId: string, phoneNumber: string): Promise<void> {
    await this.pool.query("UPDATE second_factor_resets SET creating_phone = $1 WHERE profile_id = $2 AND user_id = $3", [phoneNumber, profileId, userId]);
  }

  async createdUser(profileId: string, userId: string, createdUserId: string): Promise<void> {
    await this.pool.query("UPDATE second_factor_resets SET created_user_id = $1 WHERE profile_id = $2 AND user_id = $3", [createdUserId, profileId, userId]);
  }

  async changed(profileId: string, userId: string, at: number): Promise<void> {
    await this.pool.query("UPDATE second_factor_resets SET changed_at = COALESCE(changed_at, $1) WHERE profile_id = $2 AND user_id = $3", [at, profileId, userId]);
  }

  async finish(profileId: string, userId: string): Promise<void> {
    await this.pool.query("DELETE FROM second_factor_resets WHERE profile_id = $1 AND user_id = $2", [profileId, userId]);
  }
}
