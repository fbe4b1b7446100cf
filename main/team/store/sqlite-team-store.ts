/** The team store on Gatehouse's SQLite database (tables from main/store/migrations/team.ts). */
import type { StoreDb } from "../../store/database.ts";
import { preparedFor, type Prepared } from "../../store/statements.ts";
import { type LinkPurpose, type LinkRecord, type SessionRecord, type TeamStore, type ThrottleRecord, type TotpRecord, type SessionRow, toSession } from "./team-store.ts";

interface LinkRow {
  token_hash: string;
  purpose: LinkPurpose;
  user_id: string;
  created_at: number;
  expires_at: number;
  used_at: number | null;
}

interface TotpRow {
  user_id: string;
  sealed_secret: string;
  confirmed_at: number | null;
  last_step: number;
}

interface ThrottleRow {
  key: string;
  failures: number;
  last_failure_at: number;
  locked_until: number;
}

export class SqliteTeamStore implements TeamStore {
  /** Statements prepared once: every request of a signed-in page reads its session. */
  private readonly sql: Prepared;

  constructor(private readonly db: StoreDb) {
    this.sql = preparedFor(db);
  }

  async addSession(s: SessionRecord): Promise<void> {
    this
      .sql("INSERT INTO team_sessions (token_hash, user_id, email, role, address, created_at, last_seen_at, checked_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
      .run(s.tokenHash, s.userId, s.email, s.role, s.address, s.createdAt, s.lastSeenAt, s.checkedAt);
  }

  async session(tokenHash: string): Promise<SessionRecord | undefined> {
    const row = this.sql("SELECT * FROM team_sessions WHERE token_hash = ?").get(tokenHash) as SessionRow | undefined;
    return row && toSession(row);
  }

  async touchSession(tokenHash: string, lastSeenAt: number, checkedAt: number): Promise<void> {
    this.sql("UPDATE team_sessions SET last_seen_at = ?, checked_at = ? WHERE token_hash = ?").run(lastSeenAt, checkedAt, tokenHash);
  }

  async removeSession(tokenHash: string): Promise<boolean> {
    return this.sql("DELETE FROM team_sessions WHERE token_hash = ?").run(tokenHash).changes > 0;
  }

  async removeSessionsOf(userId: string): Promise<number> {
    return this.sql("DELETE FROM team_sessions WHERE user_id = ?").run(userId).changes;
  }

  async countSessionsOf(userId: string): Promise<number> {
    return (this.sql("SELECT COUNT(*) AS n FROM team_sessions WHERE user_id = ?").get(userId) as { n: number }).n;
  }

  async pruneSessions(idleBefore: number, createdBefore: number): Promise<number> {
    return this.sql("DELETE FROM team_sessions WHERE last_seen_at <= ? OR created_at <= ?").run(idleBefore, createdBefore).changes;
  }

  async addLink(l: LinkRecord): Promise<void> {
    this
      .sql("INSERT INTO team_links (token_hash, purpose, user_id, created_at, expires_at, used_at) VALUES (?, ?, ?, ?, ?, ?)")
      .run(l.tokenHash, l.purpose, l.userId, l.createdAt, l.expiresAt, l.usedAt);
  }

  async link(tokenHash: string): Promise<LinkRecord | undefined> {
    const row = this.sql("SELECT * FROM team_links WHERE token_hash = ?").get(tokenHash) as LinkRow | undefined;
    return row && { tokenHash: row.token_hash, purpose: row.purpose, userId: row.user_id, createdAt: row.created_at, expiresAt: row.expires_at, usedAt: row.used_at };
  }

  async useLink(tokenHash: string, purpose: LinkPurpose, now: number): Promise<boolean> {
    const sql = "UPDATE team_links SET used_at = ? WHERE token_hash = ? AND purpose = ? AND used_at IS NULL AND expires_at > ?";
    return this.sql(sql).run(now, tokenHash, purpose, now).changes === 1;
  }

  async releaseLink(tokenHash: string): Promise<void> {
    this.sql("UPDATE team_links SET used_at = NULL WHERE token_hash = ?").run(tokenHash);
  }

  async voidLinksOf(userId: string, purpose: LinkPurpose): Promise<number> {
    return this.sql("DELETE FROM team_links WHERE user_id = ? AND purpose = ? AND used_at IS NULL").run(userId, purpose).changes;
  }

  async pruneLinks(before: number): Promise<number> {
    return this.sql("DELETE FROM team_links WHERE expires_at < ?").run(before).changes;
  }

  async totp(userId: string): Promise<TotpRecord | undefined> {
    const row = this.sql("SELECT * FROM team_totp WHERE user_id = ?").get(userId) as TotpRow | undefined;
    return row && { userId: row.user_id, sealedSecret: row.sealed_secret, confirmedAt: row.confirmed_at, lastStep: row.last_step };
  }

  async beginTotp(userId: string, sealedSecret: string): Promise<boolean> {
    const sql = `INSERT INTO team_totp (user_id, sealed_secret, confirmed_at, last_step) VALUES (?, ?, NULL, -1)
                 ON CONFLICT (user_id) DO UPDATE SET sealed_secret = excluded.sealed_secret, last_step = -1 WHERE team_totp.confirmed_at IS NULL`;
    return this.sql(sql).run(userId, sealedSecret).changes === 1;
  }

  async confirmTotp(userId: string, at: number, step: number): Promise<boolean> {
    const sql = "UPDATE team_totp SET confirmed_at = ?, last_step = ? WHERE user_id = ? AND confirmed_at IS NULL";
    return this.sql(sql).run(at, step, userId).changes === 1;
  }

  async takeTotpStep(userId: string, step: number): Promise<boolean> {
    return this.sql("UPDATE team_totp SET last_step = ? WHERE user_id = ? AND last_step < ?").run(step, userId, step).changes === 1;
  }

  async removeTotp(userId: string): Promise<boolean> {
    return this.sql("DELETE FROM team_totp WHERE user_id = ?").run(userId).changes > 0;
  }

  async throttle(key: string): Promise<ThrottleRecord | undefined> {
    const row = this.sql("SELECT * FROM team_throttle WHERE key = ?").get(key) as ThrottleRow | undefined;
    return row && { key: row.key, failures: row.failures, lastFailureAt: row.last_failure_at, lockedUntil: row.locked_until };
  }

  async addFailure(key: string, now: number, windowCutoff: number): Promise<ThrottleRecord> {
    // One statement: a count whose last failure is older than the window (and holds no pause) starts again at 1.
    const sql = `INSERT INTO team_throttle (key, failures, last_failure_at, locked_until) VALUES (?, 1, ?, 0)
                 ON CONFLICT (key) DO UPDATE SET
                   failures = CASE WHEN team_throttle.last_failure_at <= ? AND team_throttle.locked_until <= ? THEN 1 ELSE team_throttle.failures + 1 END,
                   last_failure_at = excluded.last_failure_at
                 RETURNING *`;
    const row = this.sql(sql).get(key, now, windowCutoff, now) as ThrottleRow;
    return { key: row.key, failures: row.failures, lastFailureAt: row.last_failure_at, lockedUntil: row.locked_until };
  }

  async lock(key: string, until: number): Promise<void> {
    this.sql("UPDATE team_throttle SET locked_until = ? WHERE key = ?").run(until, key);
  }

  async clearThrottle(key: string): Promise<void> {
    this.sql("DELETE FROM team_throttle WHERE key = ?").run(key);
  }

  async forgetOperator(userId: string): Promise<void> {
    this.db.transaction(() => {
      this.sql("DELETE FROM team_sessions WHERE user_id = ?").run(userId);
      this.sql("DELETE FROM team_links WHERE user_id = ?").run(userId);
      this.sql("DELETE FROM team_totp WHERE user_id = ?").run(userId);
    })();
  }
}
