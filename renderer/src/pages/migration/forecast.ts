/**
 * Where the migration stands and where it is heading, from the dated snapshots of the user index:
 * the share migrated over time, the rate over the last 7 days, when the end criterion (a target
 * share, or a date) is reached at that rate, and whether (and since when) it is met.
 * The rate, ETA and "met" are the main process's (one computation for the screen and the report);
 * here they are only put in the shape the chart and the summary line read.
 */
import type { OutputOf } from "../../../../shared/contract/index.ts";
import type { MigrationCriterion, MigrationSnapshot } from "../../../../shared/contract/operations/migration.ts";

export const DAY_MS = 24 * 60 * 60 * 1000;

/** One snapshot: how many roster users had migrated, of the legacy total then. */
export interface SharePoint {
  at: number;
  migrated: number;
  /** The legacy total (the roster's size) when the snapshot was taken: the denominator. */
  total: number;
}

/** The admin's end criterion: a target share (0–1), a date, or both (met when either is). */
export interface Criterion {
  targetShare: number | null;
  endsAt: number | null;
}

export interface Rate {
  /** Users migrated per day over the window. */
  usersPerDay: number;
  /** Share (0–1) gained per day over the window. */
  sharePerDay: number;
  /** How long the window really is (shorter than 7 days while history is). */
  days: number;
  from: number;
  to: number;
}

export interface Forecast {
  latest: SharePoint | null;
  /** The latest share, 0–1 (null without snapshots or with an empty roster). */
  share: number | null;
  rate: Rate | null;
  /** When the criterion was met (for a share: since when the share has stayed at or above it). */
  met: { at: number; by: "share" | "date" } | null;
  /** When the target share is reached at the current rate; null when met, without a target, or when the rate is not positive. */
  eta: number | null;
  /** A target share is set, not met, and the rate is zero or less: it is never reached at this pace. */
  stalled: boolean;
  /** With an end date still ahead: the share expected on that date at the current rate (0–1). */
  shareAtEnd: number | null;
}

export type MigrationRate = OutputOf<"migration.rate">;
export type CriterionView = OutputOf<"migration.criterion.get">;

export const shareOf = (p: SharePoint): number | null => (p.total > 0 ? p.migrated / p.total : null);

/** Users that make the target share of `total` (rounded up: 80% of 5 is 4 users). */
export const usersForShare = (target: number, total: number): number => Math.ceil(target * total - 1e-9);

/** The snapshots in time order (the contract does not promise an order). */
export const inOrder = (points: readonly SharePoint[]): SharePoint[] => [...points].sort((a, b) => a.at - b.at);

/** A snapshot as the chart plots it: accounts under a legacy id (temporary password or not) of the roster. */
export const pointOf = (s: Pick<MigrationSnapshot, "at" | "migrated" | "temporaryPassword" | "rosterTotal">): SharePoint => ({ at: s.at, migrated: s.migrated + s.temporaryPassword, total: s.rosterTotal });

export const criterionOf = (c: MigrationCriterion | null): Criterion | null =>
  c === null ? null : c.kind === "share" ? { targetShare: c.targetShare, endsAt: null } : { targetShare: null, endsAt: c.date };

/**
 * The forecast as the main process computed it (migration.rate and migration.criterion.get: the
 * screen, the report and the end-of-migration job read the same numbers), with the snapshots.
 */
export function forecastFrom(points: readonly SharePoint[], rate: MigrationRate | null, view: CriterionView | null): Forecast {
  const sorted = inOrder(points);
  const latest = sorted[sorted.length - 1] ?? null;
  const share = latest ? shareOf(latest) : null;
  const criterion = criterionOf(view?.criterion ?? rate?.criterion ?? null);
  const r: Rate | null =
    rate?.from && rate.to && rate.usersPerDay !== null && rate.sharePerDay !== null && rate.to.at > rate.from.at
      ? { usersPerDay: rate.usersPerDay, sharePerDay: rate.sharePerDay, days: (rate.to.at - rate.from.at) / DAY_MS, from: rate.from.at, to: rate.to.at }
      : null;
  const metFlag = view?.met ?? rate?.met ?? false;
  const met: Forecast["met"] = metFlag && criterion ? { at: view?.metAt ?? criterion.endsAt ?? latest?.at ?? 0, by: criterion.targetShare !== null ? "share" : "date" } : null;
  const target = criterion?.targetShare ?? null;
  const eta = target !== null && !met ? (rate?.etaAt ?? null) : null;
  return {
    latest,
    share,
    rate: r,
    met,
    eta,
    stalled: target !== null && !met && eta === null,
    shareAtEnd: criterion?.endsAt !== null && criterion?.endsAt !== undefined && !met ? (rate?.projectedShare ?? null) : null,
  };
}

/**
 * A share as a percentage with one decimal, rounded down so that "100%" only ever means everyone
 * (4,999 of 5,000 reads 99.9%, not 100.0%).
 */
export function formatShare(share: number | null): string {
  if (share === null) return "—";
  const tenths = Math.floor(share * 1000 + 1e-9) / 10;
  return `${tenths.toLocaleString(undefined, { minimumFractionDigits: 1, maximumFractionDigits: 1 })}%`;
}

/** A share target as typed and shown: 80% (no decimals unless it has them). */
export const formatTarget = (share: number): string => `${(Math.round(share * 10_000) / 100).toLocaleString()}%`;

/** "3 days", "about 5 weeks": how far off a date is, for the summary line. */
export function formatDuration(ms: number): string {
  const days = ms / DAY_MS;
  if (ms < 3_600_000) {
    const minutes = Math.max(1, Math.round(ms / 60_000));
    return minutes === 1 ? "1 minute" : `${minutes} minutes`;
  }
  if (days < 1) {
    const hours = Math.round(ms / 3_600_000);
    return hours === 1 ? "1 hour" : `${hours} hours`;
  }
  if (days < 14) {
    const d = Math.round(days);
    return d === 1 ? "1 day" : `${d} days`;
  }
  if (days < 120) return `about ${Math.round(days / 7)} weeks`;
  if (days < 730) return `about ${Math.round(days / 30.44)} months`;
  return `about ${Math.round(days / 365.25)} years`;
}
