/**
 * A lease on an allow-list, held in the Core so that every console editing it takes turns.
 *
 * The Core has no compare-and-set on metadata, but its update is a top-level merge: writers that
 * each touch only their own key never overwrite one another. So each contender writes its own
 * flag `{ <owner>: <time> }` into one lock record, then reads the record: if no other live flag
 * is there it holds the lease; otherwise it takes its flag back and tries again after a random
 * pause. Two contenders can never both hold it (each writes before it reads, so the later reader
 * sees the earlier writer's flag). Owner names are never reused.
 *
 * Flags older than the lease time are from a console that died holding the lease: they are
 * ignored, and deleted on release along with our own flag (a top-level null deletes a key). A
 * flag this console could not take back (the Core vanished mid-apply) is remembered, counts as
 * its own on its next try, and goes then: a console's retry never waits for its own leftover.
 */
import { randomUUID } from "node:crypto";
import UserMetadata from "supertokens-node/recipe/usermetadata";
import { GatehouseError } from "../../../shared/contract/errors.ts";
import type { CoreClient } from "../../core/core-client.ts";

export interface LeaseOptions {
  /** How long a flag counts as live (a console that crashed mid-edit blocks no longer). */
  leaseMs?: number;
  /** How long to keep trying before giving up with CONFLICT. */
  waitMs?: number;
  /** The clock flags are written and aged with. */
  now?: () => number;
}

export const DEFAULT_LEASE_MS = 15_000;

export const lockIdFor = (metadataId: string): string => `gatehouse:lock:${metadataId}`;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

type Update = Parameters<typeof UserMetadata.updateUserMetadata>[1];

/** The leases of one console. */
export class Leases {
  /** Per Core and lock record: flags of ours that were never taken back. */
  private readonly leftovers = new Map<string, Set<string>>();

  constructor(private readonly options: LeaseOptions = {}) {}

  async hold<T>(core: CoreClient, metadataId: string, work: () => Promise<T>): Promise<T> {
    const leaseMs = this.options.leaseMs ?? DEFAULT_LEASE_MS;
    const waitMs = this.options.waitMs ?? 30_000;
    const now = this.options.now ?? Date.now;
    const lockId = lockIdFor(metadataId);
    const mine = this.leftoversOf(core, lockId);
    const owner = `gatehouse:${randomUUID()}`;
    mine.add(owner);
    const started = now();
    const setFlags = (flags: Record<string, number | null>) => core.sdk(() => UserMetadata.updateUserMetadata(lockId, flags as Update));
    let stale: string[] = [];

    for (let round = 0; ; round++) {
      await setFlags({ [owner]: now() });
      const { metadata } = await core.sdk(() => UserMetadata.getUserMetadata(lockId));
      const t = now();
      const others = Object.entries(metadata as Record<string, unknown>).filter(([key]) => !mine.has(key));
      const live = (at: unknown) => typeof at === "number" && t - at < leaseMs;
      stale = [...others.filter(([, at]) => !live(at)).map(([key]) => key), ...[...mine].filter((key) => key !== owner)];
      if (!others.some(([, at]) => live(at))) break;
      await setFlags({ [owner]: null });
      if (t - started > waitMs) {
        mine.delete(owner);
        throw new GatehouseError({
          code: "CONFLICT",
          message: `Another console has been editing this allow-list for over ${Math.round(waitMs / 1000)} s; nothing was changed. Try again.`,
        });
      }
      await sleep(2 + Math.random() * Math.min(200, 5 * 2 ** Math.min(round, 6)));
    }
    try {
      return await work();
    } finally {
      try {
        await setFlags(Object.fromEntries([owner, ...stale].map((key) => [key, null])));
        for (const key of [owner, ...stale]) mine.delete(key);
      } catch {
        // The Core is gone: the flag stays there, and here, until the next try takes it back.
      }
    }
  }

  private leftoversOf(core: CoreClient, lockId: string): Set<string> {
    const key = `${core.label}|${lockId}`;
    let set = this.leftovers.get(key);
    if (!set) this.leftovers.set(key, (set = new Set()));
    return set;
  }
}
