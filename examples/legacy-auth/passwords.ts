/**
 * LegacyAuth's bcrypt hashes (bcryptjs: bcrypt in plain JavaScript, kept up to date, no native
 * build). Real providers hash at cost 10 or more, about 0.1 s a hash, so hashing thousands of
 * seeded users up front would keep the service from starting for minutes. Seeding stores no
 * hash; hashes are computed in the background after start, on worker threads (hash-pool.ts), and
 * kept in the database file when there is one; a user checked before theirs is ready has it
 * computed then. From outside, every check is one bcrypt comparison at the configured cost, as
 * at a real provider.
 */
import bcrypt from "bcryptjs";
import { legacyPassword } from "../../main/embedded-core/demo/legacy-roster.ts";
import { HashPool } from "./hash-pool.ts";
import type { LegacyStore, LegacyUserRow } from "./store.ts";

export const DEFAULT_COST = 10;
export const MIN_COST = 4;
export const MAX_COST = 15;

export class LegacyPasswords {
  private readonly pending = new Map<number, Promise<string>>();
  private readonly dummy: Promise<string>;
  private filling: Promise<void> | undefined;
  private pool: HashPool | undefined;
  private stopped = false;

  constructor(
    private readonly store: LegacyStore,
    readonly cost: number,
  ) {
    if (!Number.isInteger(cost) || cost < MIN_COST || cost > MAX_COST) throw new Error(`bcrypt cost must be ${MIN_COST}-${MAX_COST}, not ${cost}`);
    // Unknown emails are compared against this, so they take as long as known ones.
    this.dummy = bcrypt.hash("not-a-legacy-password", cost);
  }

  /** The user's hash, computing and storing it first if the background fill has not reached them yet. */
  hashOf(user: LegacyUserRow): Promise<string> {
    if (user.passwordHash) return Promise.resolve(user.passwordHash);
    let hash = this.pending.get(user.number);
    if (!hash) {
      hash = bcrypt
        .hash(legacyPassword(user), this.cost)
        .then((h) => this.store.storeHash(user.number, h))
        .finally(() => this.pending.delete(user.number));
      this.pending.set(user.number, hash);
    }
    return hash;
  }

  /** Whether `password` is the user's; an unknown user costs the same and is false. */
  async check(user: LegacyUserRow | undefined, password: string): Promise<boolean> {
    if (!user) {
      await bcrypt.compare(password, await this.dummy);
      return false;
    }
    return bcrypt.compare(password, await this.hashOf(user));
  }

  /** Hashes every user without a hash on worker threads, a batch at a time, until done or stopped. */
  fillInBackground(onProgress?: (hashed: number, total: number) => void): Promise<void> {
    this.filling ??= (async () => {
      const total = this.store.count();
      if (this.store.countHashed() >= total) return;
      const pool = (this.pool = new HashPool());
      try {
        for (;;) {
          if (this.stopped) return;
          const batch = this.store.withoutHash(pool.size * 25);
          if (batch.length === 0) break;
          try {
            await Promise.all(batch.map(async (user) => this.store.storeHash(user.number, await pool.hash(legacyPassword(user), this.cost))));
          } catch (err) {
            if (this.stopped) return; // closed mid-batch: the rest is hashed on demand next time
            throw err;
          }
          onProgress?.(this.store.countHashed(), total);
        }
      } finally {
        this.pool = undefined;
        await pool.close();
      }
    })();
    return this.filling;
  }

  /** Stops the background fill and waits for the hash in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.pool?.close();
    await this.filling;
    await Promise.allSettled([...this.pending.values()]);
  }
}
