/**
 * A lease on an allow-list, held in the Core so that every console editing it takes turns.
 *
 * The Core has no compare-and-set on metadata, but its update is a top-level merge: writers that
 * each touch only their own key never overwrite one another. So each contender writes its own
 * flag `{ <owner>: <time> }` into one lock record, then reads the record: if no other live flag
 * is there it holds the lease; otherwise it takes its flag back and tries again after a random
 * pause. Two contenders can never both hold it (each writes before it reads, so the later reader
 * sees the earlier writer's flag). Flags older than the lease time are from a crashed console
 * and are ignored; a top-level null deletes the flag on release.
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
  now?: () => number;
}

export const lockIdFor = (metadataId: string): string => `gatehouse:lock:${metadataId}`;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

type Update = Parameters<typeof UserMetadata.updateUserMetadata>[1];

export async function withLease<T>(core: CoreClient, metadataId: string, work: () => Promise<T>, options: LeaseOptions = {}): Promise<T> {
  const leaseMs = options.leaseMs ?? 15_000;
  const waitMs = options.waitMs ?? 30_000;
  const now = options.now ?? Date.now;
  const lockId = lockIdFor(metadataId);
  const owner = `gatehouse:${randomUUID()}`;
  const started = now();
  const setFlag = (value: number | null) => core.sdk(() => UserMetadata.updateUserMetadata(lockId, { [owner]: value } as Update));

  for (let round = 0; ; round++) {
    await setFlag(now());
    const { metadata } = await core.sdk(() => UserMetadata.getUserMetadata(lockId));
    const t = now();
    const others = Object.entries(metadata as Record<string, unknown>).filter(([key, at]) => key !== owner && typeof at === "number" && t - at < leaseMs);
    if (others.length === 0) break;
    await setFlag(null);
    if (t - started > waitMs) {
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
    await setFlag(null).catch(() => undefined); // an unreleased flag expires after leaseMs
  }
}
