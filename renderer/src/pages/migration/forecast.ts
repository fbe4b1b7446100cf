/**
 * Where the migration stands and where it is heading, from the dated snapshots of the user index:
 * the share migrated over time, the rate over the last 7 days, when the end criterion (a target
 * share, or a date) is reached at that rate, and whether (and since when) it is met.
 * Pure functions: the chart, the summary line and their tests read the same numbers.
 */

export const DAY_MS = 24 * 60 * 60 * 1000;
/** The rate is measured over this window (or over all history when it is shorter). */
export const RATE_WINDOW_MS = 7 * DAY_MS;

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

export const shareOf = (p: SharePoint): number | null => (p.total > 0 ? p.migrated / p.total : null);

/** Users that make the target share of `total` (rounded up: 80% of 5 is 4 users). */
export const usersForShare = (target: number, total: number): number => Math.ceil(target * total - 1e-9);

const reaches = (p: SharePoint, target: number): boolean => p.total > 0 && p.migrated >= usersForShare(target, p.total);

/** The snapshots in time order (the contract does not promise an order). */
export const inOrder = (points: readonly SharePoint[]): SharePoint[] => [...points].sort((a, b) => a.at - b.at);

/** The rate between the latest snapshot and the last one at least 7 days before it (or the first one). */
export function rateOf(points: readonly SharePoint[]): Rate | null {
  const sorted = inOrder(points);
  const latest = sorted[sorted.length - 1];
  if (!latest || sorted.length < 2) return null;
  let base = sorted[0] as SharePoint;
  for (const p of sorted) if (p.at <= latest.at - RATE_WINDOW_MS) base = p;
  const days = (latest.at - base.at) / DAY_MS;
  if (days <= 0) return null;
  const shareNow = shareOf(latest) ?? 0;
  const shareThen = shareOf(base) ?? 0;
  return { usersPerDay: (latest.migrated - base.migrated) / days, sharePerDay: (shareNow - shareThen) / days, days, from: base.at, to: latest.at };
}

export function forecast(points: readonly SharePoint[], criterion: Criterion | null, now: number): Forecast {
  const sorted = inOrder(points);
  const latest = sorted[sorted.length - 1] ?? null;
  const share = latest ? shareOf(latest) : null;
  const rate = rateOf(sorted);
  const target = criterion?.targetShare ?? null;
  const endsAt = criterion?.endsAt ?? null;

  let met: Forecast["met"] = null;
  if (target !== null && latest && reaches(latest, target)) {
    // Since when the share has stayed at or above the target (a roster that grew can drop it below again).
    let since = latest.at;
    for (let i = sorted.length - 1; i >= 0 && reaches(sorted[i] as SharePoint, target); i--) since = (sorted[i] as SharePoint).at;
    met = { at: since, by: "share" };
  }
  if (endsAt !== null && now >= endsAt && (!met || endsAt < met.at)) met = { at: endsAt, by: "date" };

  let eta: number | null = null;
  let stalled = false;
  if (target !== null && latest && !met) {
    const missing = usersForShare(target, latest.total) - latest.migrated;
    if (rate && rate.usersPerDay > 0) eta = latest.at + (missing / rate.usersPerDay) * DAY_MS;
    else stalled = true;
  }

  let shareAtEnd: number | null = null;
  if (endsAt !== null && !met && latest && share !== null && rate) {
    shareAtEnd = Math.max(0, Math.min(1, share + rate.sharePerDay * ((endsAt - latest.at) / DAY_MS)));
  }
  return { latest, share, rate, met, eta, stalled, shareAtEnd };
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
  if (days < 1) {
    const hours = Math.max(1, Math.round(ms / 3_600_000));
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
