/**
 * Brute-force protection for signing in, per account (the email tried, whether or not it exists,
 * so a pause says nothing about who is an operator) and per address (IPv6 by its /64, see
 * address-key.ts). The `lockAfter`th failure in a row (failures less than `windowMs` apart)
 * pauses sign-in for that key for `baseLockMs`, and each further one twice as long as the last,
 * up to `maxLockMs`. Attempts during a pause are refused without the password being checked and
 * do not lengthen it. A success clears the account's count, not the address's (one good account
 * must not let an address guess at others).
 */
import { TeamError } from "../errors.ts";
import type { TeamStore, ThrottleRecord } from "../store/team-store.ts";
import { addressKey } from "./address-key.ts";

export interface ThrottlePolicy {
  lockAfter: number;
  windowMs: number;
  baseLockMs: number;
  maxLockMs: number;
}

export const ACCOUNT_POLICY: ThrottlePolicy = { lockAfter: 5, windowMs: 15 * 60_000, baseLockMs: 60_000, maxLockMs: 15 * 60_000 };
export const ADDRESS_POLICY: ThrottlePolicy = { lockAfter: 20, windowMs: 15 * 60_000, baseLockMs: 5 * 60_000, maxLockMs: 60 * 60_000 };

type Scope = "account" | "address";

const WHOSE: Record<Scope, string> = { account: "for this account", address: "from your address" };

export class SignInThrottle {
  constructor(
    private readonly store: TeamStore,
    private readonly now: () => number,
    private readonly policies: Record<Scope, ThrottlePolicy> = { account: ACCOUNT_POLICY, address: ADDRESS_POLICY },
  ) {}

  /** A RATE_LIMITED error when sign-in is paused for the account or the address, else null. */
  async pausedFor(email: string, address: string): Promise<TeamError | null> {
    const now = this.now();
    for (const [scope, key] of this.keys(email, address)) {
      const record = await this.store.throttle(key);
      if (record && record.lockedUntil > now) return paused(scope, record.lockedUntil - now, "Too many failed sign-ins");
    }
    return null;
  }

  /** Counts a failure for both keys; answers the pause it started, if any. */
  async failed(email: string, address: string): Promise<TeamError | null> {
    const now = this.now();
    let longest: { scope: Scope; ms: number } | null = null;
    for (const [scope, key] of this.keys(email, address)) {
      const policy = this.policies[scope];
      const record = await this.store.addFailure(key, now, now - policy.windowMs);
      const ms = lockFor(policy, record);
      if (ms > 0) {
        await this.store.lock(key, now + ms);
        if (!longest || ms > longest.ms) longest = { scope, ms };
      }
    }
    return longest && paused(longest.scope, longest.ms, "That was too many failed sign-ins");
  }

  async succeeded(email: string): Promise<void> {
    await this.store.clearThrottle(`account:${email}`);
  }

  private keys(email: string, address: string): [Scope, string][] {
    return [
      ["account", `account:${email}`],
      ["address", `address:${addressKey(address)}`],
    ];
  }
}

function lockFor(policy: ThrottlePolicy, record: ThrottleRecord): number {
  const over = record.failures - policy.lockAfter;
  if (over < 0) return 0;
  return Math.min(policy.maxLockMs, policy.baseLockMs * 2 ** Math.min(over, 30));
}

function paused(scope: Scope, ms: number, lead: string): TeamError {
  const retryAfterSec = Math.max(1, Math.ceil(ms / 1000));
  const wait = retryAfterSec < 60 ? `${retryAfterSec} seconds` : retryAfterSec < 120 ? "1 minute" : `${Math.ceil(retryAfterSec / 60)} minutes`;
  return new TeamError("RATE_LIMITED", `${lead} ${WHOSE[scope]}. Sign-in is paused: try again in ${wait}.`, { retryAfterSec });
}
