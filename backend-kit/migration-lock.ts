/**
 * One migration at a time per (tenant, email). Sign-up, user-id mapping, email verification and
 * metadata are separate writes on the Core, so two first sign-ins of one legacy user must not
 * interleave: the second waits, then finds the account the first made. The default lock holds
 * within one process; with several app instances, plug in a distributed one (the kit also copes
 * with losing a race across processes: the Core refuses the second sign-up for the email).
 */
export interface MigrationLock {
  /** Runs `fn` alone for `key`; `waited` tells it whether another run held the key first. */
  run<T>(key: string, fn: (waited: boolean) => Promise<T>): Promise<T>;
}

export function inProcessLock(): MigrationLock {
  const tails = new Map<string, Promise<void>>();
  return {
    async run(key, fn) {
      const previous = tails.get(key);
      let release!: () => void;
      const mine = new Promise<void>((resolve) => (release = resolve));
      const tail = (previous ?? Promise.resolve()).then(() => mine);
      tails.set(key, tail);
      try {
        if (previous) await previous;
        return await fn(previous !== undefined);
      } finally {
        release();
        // The last one out leaves no entry behind.
        if (tails.get(key) === tail) tails.delete(key);
      }
    },
  };
}

/** The lock key of a legacy identity: tenant and the email as the provider would match it. */
export const migrationLockKey = (tenantId: string, email: string): string => `${tenantId}\n${email.trim().toLowerCase()}`;
