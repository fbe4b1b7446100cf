/**
 * The team store on PostgreSQL, for team servers with two or more instances: a session opened on
 * one instance is good on the others, and ending it on one ends it everywhere. Every check-and-
 * change is one statement, so two instances never both use one link or one TOTP step.
 */
import type pg from "pg";
import { inTransaction } from "../../store/postgres/transaction.ts";
import { type LinkPurpose, type LinkRecord, type SessionRecord, type TeamStore, type ThrottleRecord, type TotpRecord, type SessionRow, toSession } from "./team-store.ts";

interface ThrottleRow {
  key: string;
  failures: number;
  last_failure_at: number;
  locked_until: number;
}

const toThrottle = (r: ThrottleRow): ThrottleRecord => ({ key: r.key, failures: r.failures, lastFailureAt: r.last_failure_at, lockedUntil: r.locked_until });

export class PostgresTeamStore implements TeamStore {
  constructor(private readonly pool: pg.Pool) {}

  private async rows<R extends pg.QueryResultRow>(sql: string, args: unknown[]): Promise<R[]> {
    return (await this.pool.query<R>(sql, args)).rows;
  }

  private async count(sql: string, args: unknown[]): Promise<number> {
    return (await this.pool.query(sql, args)).rowCount ?? 0;
  }

  async addSession(s: SessionRecord): Promise<void> {
    await this.pool.query(
      "INSERT INTO team_sessions (token_hash, user_id, email, role, address, created_at, last_seen_at, checked_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
      [s.tokenHash, s.userId, s.email, s.role, s.address, s.createdAt, s.lastSeenAt, s.checkedAt],
    );
  }

  async session(tokenHash: string): Promise<SessionRecord | undefined> {
    const [row] = await this.rows<SessionRow>("SELECT * FROM team_sessions WHERE token_hash = $1", [tokenHash]);
    return row && toSession(row);
  }

  async touchSession(tokenHash: string, lastSeenAt: number, checkedAt: number): Promise<void> {
    // Two instances touching at once keep the later times.
    await this.pool.query("UPDATE team_sessions SET last_seen_at = GREATEST(last_seen_at, $1), checked_at = GREATEST(checked_at, $2) WHERE token_hash = $3", [
      lastSeenAt,
      checkedAt,
      tokenHash,
    ]);
  }

  async removeSession(tokenHash: string): Promise<boolean> {
    return (await this.count("DELETE FROM team_sessions WHERE token_hash = $1", [tokenHash])) > 0;
  }

  async removeSessionsOf(userId: string): Promise<number> {
    return this.count("DELETE FROM team_sessions WHERE user_id = $1", [userId]);
  }

  async countSessionsOf(userId: string): Promise<number> {
    const [row] = await this.rows<{ n: number }>("SELECT COUNT(*)::int AS n FROM team_sessions WHERE user_id = $1", [userId]);
    return row?.n ?? 0;
  }

  async pruneSessions(idleBefore: number, createdBefore: number): Promise<number> {
    return this.count("DELETE FROM team_sessions WHERE last_seen_at <= $1 OR created_at <= $2", [idleBefore, createdBefore]);
  }

  async addLink(l: LinkRecord): Promise<void> {
    await this.pool.query("INSERT INTO team_links (token_hash, purpose, user_id, created_at, expires_at, used_at) VALUES ($1, $2, $3, $4, $5, $6)", [
      l.tokenHash,
      l.purpose,
      l.userId,
      l.createdAt,
      l.expiresAt,
      l.usedAt,
    ]);
  }

  async link(tokenHash: string): Promise<LinkRecord | undefined> {
    const [row] = await this.rows<{ token_hash: string; purpose: LinkPurpose; user_id: string; created_at: number; expires_at: number; used_at: number | null }>(
      "SELECT * FROM team_links WHERE token_hash = $1",
      [tokenHash],
    );
    return row && { tokenHash: row.token_hash, purpose: row.purpose, userId: row.user_id, createdAt: row.created_at, expiresAt: row.expires_at, usedAt: row.used_at };
  }

  async useLink(tokenHash: string, purpose: LinkPurpose, now: number): Promise<boolean> {
    const sql = "UPDATE team_links SET used_at = $1 WHERE token_hash = $2 AND purpose = $3 AND used_at IS NULL AND expires_at > $1";
    return (await this.count(sql, [now, tokenHash, purpose])) === 1;
  }

  async releaseLink(tokenHash: string): Promise<void> {
    await this.pool.query("UPDATE team_links SET used_at = NULL WHERE token_hash = $1", [tokenHash]);
  }

  async voidLinksOf(userId: string, purpose: LinkPurpose): Promise<number> {
    return this.count("DELETE FROM team_links WHERE user_id = $1 AND purpose = $2 AND used_at IS NULL", [userId, purpose]);
  }

  async pruneLinks(before: number): Promise<number> {
    return this.count("DELETE FROM team_links WHERE expires_at < $1", [before]);
  }

  async totp(userId: string): Promise<TotpRecord | undefined> {
    const [row] = await this.rows<{ user_id: string; sealed_secret: string; confirmed_at: number | null; last_step: number }>("SELECT * FROM team_totp WHERE user_id = $1", [userId]);
    return row && { userId: row.user_id, sealedSecret: row.sealed_secret, confirmedAt: row.confirmed_at, lastStep: row.last_step };
  }

  async beginTotp(userId: string, sealedSecret: string): Promise<boolean> {
    const sql = `INSERT INTO team_totp (user_id, sealed_secret, confirmed_at, last_step) VALUES ($1, $2, NULL, -1)
                 ON CONFLICT (user_id) DO UPDATE SET sealed_secret = excluded.sealed_secret, last_step = -1 WHERE team_totp.confirmed_at IS NULL`;
    return (await this.count(sql, [userId, sealedSecret])) === 1;
  }

  async confirmTotp(userId: string, at: number, step: number): Promise<boolean> {
    return (await this.count("UPDATE team_totp SET confirmed_at = $1, last_step = $2 WHERE user_id = $3 AND confirmed_at IS NULL", [at, step, userId])) === 1;
  }

  async takeTotpStep(userId: string, step: number): Promise<boolean> {
    return (await this.count("UPDATE team_totp SET last_step = $1 WHERE user_id = $2 AND last_step < $1", [step, userId])) === 1;
  }

  async removeTotp(userId: string): Promise<boolean> {
    return (await this.count("DELETE FROM team_totp WHERE user_id = $1", [userId])) > 0;
  }

  async throttle(key: string): Promise<ThrottleRecord | undefined> {
    const [row] = await this.rows<ThrottleRow>("SELECT * FROM team_throttle WHERE key = $1", [key]);
    return row && toThrottle(row);
  }

  async addFailure(key: string, now: number, windowCutoff: number): Promise<ThrottleRecord> {
    // One statement: a count whose last failure is older than the window (and holds no pause) starts again at 1.
    const sql = `INSERT INTO team_throttle (key, failures, last_failure_at, locked_until) VALUES ($1, 1, $2, 0)
                 ON CONFLICT (key) DO UPDATE SET
                   failures = CASE WHEN team_throttle.last_failure_at <= $3 AND team_throttle.locked_until <= $2 THEN 1 ELSE team_throttle.failures + 1 END,
                   last_failure_at = excluded.last_failure_at
                 RETURNING *`;
    const [row] = await this.rows<ThrottleRow>(sql, [key, now, windowCutoff]);
    if (!row) throw new Error(`team_throttle: no row for ${key} after counting a failure`);
    return toThrottle(row);
  }

  async lock(key: string, until: number): Promise<void> {
    await this.pool.query("UPDATE team_throttle SET locked_until = GREATEST(locked_until, $1) WHERE key = $2", [until, key]);
  }

  async clearThrottle(key: string): Promise<void> {
    await this.pool.query("DELETE FROM team_throttle WHERE key = $1", [key]);
  }

  async forgetOperator(userId: string): Promise<void> {
    await inTransaction(this.pool, async (client) => {
      for (const table of ["team_sessions", "team_links", "team_totp"]) await client.query(`DELETE FROM ${table} WHERE user_id = $1`, [userId]);
    });
  }
}
