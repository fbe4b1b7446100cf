/**
 * LegacyAuth's own user table, on SQLite (better-sqlite3). Seeded once per database with the
 * deterministic roster of a seed; a database file remembers its seed and size, and refuses to be
 * reopened with others (that would be a different user base under the same ids).
 */
import Database from "better-sqlite3";
import { legacyRosterUser, type LegacyPlan } from "../../main/embedded-core/demo/legacy-roster.ts";

export interface LegacyUserRow {
  number: number;
  id: string;
  email: string;
  emailVerified: boolean;
  passwordHash: string | null;
  givenName: string;
  familyName: string;
  locale: string;
  plan: LegacyPlan;
  createdAt: number;
  disabled: boolean;
}

interface Row {
  number: number;
  id: string;
  email: string;
  email_verified: number;
  password_hash: string | null;
  given_name: string;
  family_name: string;
  locale: string;
  plan: LegacyPlan;
  created_at: number;
  disabled: number;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS users (
  number INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  email TEXT NOT NULL UNIQUE COLLATE NOCASE,
  email_verified INTEGER NOT NULL,
  password_hash TEXT,
  given_name TEXT NOT NULL,
  family_name TEXT NOT NULL,
  locale TEXT NOT NULL,
  plan TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  disabled INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
`;

const toUser = (r: Row): LegacyUserRow => ({
  number: r.number,
  id: r.id,
  email: r.email,
  emailVerified: r.email_verified === 1,
  passwordHash: r.password_hash,
  givenName: r.given_name,
  familyName: r.family_name,
  locale: r.locale,
  plan: r.plan,
  createdAt: r.created_at,
  disabled: r.disabled === 1,
});

export class LegacyStore {
  private readonly db: Database.Database;
  private readonly byEmail: Database.Statement<[string], Row>;
  private readonly page: Database.Statement<[number, number], Row>;
  private readonly unhashed: Database.Statement<[number], Row>;
  private readonly setHash: Database.Statement<[string, number]>;

  /** Opens (and, when empty, seeds) the database; `file` omitted means in memory. */
  constructor(options: { file?: string; seed: number; users: number }) {
    this.db = new Database(options.file ?? ":memory:");
    this.db.pragma("journal_mode = WAL");
    this.db.exec(SCHEMA);
    this.seedOrCheck(options.seed, options.users, options.file);
    this.byEmail = this.db.prepare("SELECT * FROM users WHERE email = ?");
    this.page = this.db.prepare("SELECT * FROM users WHERE number > ? ORDER BY number LIMIT ?");
    this.unhashed = this.db.prepare("SELECT * FROM users WHERE password_hash IS NULL ORDER BY number LIMIT ?");
    this.setHash = this.db.prepare("UPDATE users SET password_hash = ? WHERE number = ? AND password_hash IS NULL");
  }

  private seedOrCheck(seed: number, users: number, file: string | undefined): void {
    const meta = new Map(
      (this.db.prepare("SELECT key, value FROM meta").all() as { key: string; value: string }[]).map((r) => [r.key, r.value]),
    );
    if (meta.size > 0) {
      if (meta.get("seed") !== String(seed) || meta.get("users") !== String(users)) {
        throw new Error(
          `${file} holds LegacyAuth users of --seed ${meta.get("seed")} --users ${meta.get("users")}, not --seed ${seed} --users ${users}: ` +
            "pass those, or another --db file",
        );
      }
      return;
    }
    const insert = this.db.prepare(
      "INSERT INTO users (number, id, email, email_verified, password_hash, given_name, family_name, locale, plan, created_at, disabled) " +
        "VALUES (?, ?, ?, ?, NULL, ?, ?, ?, ?, ?, ?)",
    );
    this.db.transaction(() => {
      for (let i = 0; i < users; i++) {
        const u = legacyRosterUser(seed, i);
        insert.run(u.number, u.id, u.email, u.emailVerified ? 1 : 0, u.givenName, u.familyName, u.locale, u.plan, u.createdAt, u.disabled ? 1 : 0);
      }
      this.db.prepare("INSERT INTO meta (key, value) VALUES ('seed', ?), ('users', ?)").run(String(seed), String(users));
    })();
  }

  findByEmail(email: string): LegacyUserRow | undefined {
    const row = this.byEmail.get(email.trim());
    return row ? toUser(row) : undefined;
  }

  /** Users after `afterNumber` in number order (the roster, a page at a time). */
  list(afterNumber: number, limit: number): LegacyUserRow[] {
    return this.page.all(afterNumber, limit).map(toUser);
  }

  count(): number {
    return (this.db.prepare("SELECT COUNT(*) AS n FROM users").get() as { n: number }).n;
  }

  countHashed(): number {
    return (this.db.prepare("SELECT COUNT(*) AS n FROM users WHERE password_hash IS NOT NULL").get() as { n: number }).n;
  }

  /** Users whose password hash is still to be computed. */
  withoutHash(limit: number): LegacyUserRow[] {
    return this.unhashed.all(limit).map(toUser);
  }

  /** Stores a hash unless one is there already (the first one computed wins); returns the stored hash. */
  storeHash(number: number, hash: string): string {
    this.setHash.run(hash, number);
    const row = this.db.prepare("SELECT password_hash FROM users WHERE number = ?").get(number) as { password_hash: string | null } | undefined;
    return row?.password_hash ?? hash;
  }

  close(): void {
    this.db.close();
  }
}
