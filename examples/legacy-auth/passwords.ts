/**
 * LegacyAuth's bcrypt hashes (bcryptjs: bcrypt in plain JavaScript, kept up to date, no native
 * build). Real providers hash at cost 10 or more, about 0.1 s a hash, so hashing thousands of
 * seeded users up front would keep the service from starting for minutes. Seeding stores no
 * hash; hashes are computed in the background after start and kept in the database file when
 * there is one; a user checked before theirs is ready has it computed then. From outside, every
 * check is one bcrypt comparison at the configured cost, as at a real provider. All bcrypt work
 * runs on worker threads (hash-pool.ts), one per core, as a provider would use its cores; the
 * service's own thread only answers requests.
 */
import { legacyPassword } from "../../main/embedded-core/demo/legacy-roster.ts";
import { HashPool } from "./hash-pool.ts";
import type { LegacyStore, LegacyUserRow } from "./store.ts";

export const DEFAULT_COST = 10;
export const MIN_COST = 4;
export const MAX_COST = 15;

export class LegacyPasswords {
  private readonly pending = new Map<number, Promise<string>>();
  private readonly pool = new HashPool();
  private readonly dummy: Promise<string>;
  private filling: Promise<void> | undefined;
  private stopped = false;

  constructor(
    private readonly store: LegacyStore,
    readonly cost: number,
  ) {
    if (!Number.isInteger(cost) || cost < MIN_COST || cost > MAX_COST) {
      void this.pool.close();
      throw new Error(`bcrypt cost must be ${MIN_COST}-${MAX_COST}, not ${cost}`);
    }
    // Unknown emails are compared against this, so they take as long as known ones.
    this.dummy = this.pool.hash("not-a-legacy-password", cost);
  }

  /** The user's hash, computing and storing it first if the background fill has not reached them yet. */
  hashOf(user: LegacyUserRow): Promise<string> {
    if (user.passwordHash) return Promise.resolve(user.passwordHash);
    let hash = this.pending.get(user.number);
    if (!hash) {
      hash = this.pool
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
      await this.pool.compare(password, await this.dummy);
      return false;
    }
    return this.pool.compare(password, await this.hashOf(user));
  }

  /** Hashes every user without a hash, a batch at a time, until done or stopped. */
  fillInBackground(onProgress?: (hashed: number, total: number) => void): Promise<void> {
    this.filling ??= (async () => {
      const total = this.store.count();
      for (;;) {
        if (this.stopped) return;
        const batch = this.store.withoutHash(this.pool.size * 25);
        if (batch.length === 0) return;
        try {
          await Promise.all(batch.map((user) => this.hashOf(user)));
        } catch (err) {
          if (this.stopped) return; // closed mid-batch: the rest is hashed on demand next time
          throw err;
        }
        onProgress?.(this.store.countHashed(), total);
      }
    })();
    return this.filling;
  }

  /** Stops the background fill and the workers. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.pool.close();
    await this.filling;
  }
}
