/**
 * Migration progress over time: dated snapshots (one per scan, plus the demo's invented history),
 * the end criterion (a target share or a date), and the rate over the last 7 days with the ETA
 * to the criterion, worked out from what the progress store keeps (progress/store.ts: SQLite, or
 * PostgreSQL shared by several team-server instances).
 */
import type { z } from "zod";
import type { MigrationCriterion, MigrationSnapshot, migrationOps } from "../../shared/contract/operations/migration.ts";
import type { NewSnapshot, ProgressStore } from "./progress/store.ts";

type Out<N extends keyof typeof migrationOps> = z.input<(typeof migrationOps)[N]["output"]>;

export const RATE_WINDOW_DAYS = 7;
const DAY = 86_400_000;

export class Progress {
  constructor(
    private readonly store: ProgressStore,
    private readonly now: () => number,
  ) {}

  /** A scan's snapshot; the demo's invented past goes first when the profile has none of it yet (demo.ts). */
  addSnapshot(profileId: string, s: NewSnapshot, demoFirst: NewSnapshot[] = []): Promise<void> {
    return this.store.addSnapshots(profileId, [s], demoFirst);
  }

  hasSnapshots(profileId: string, kind?: MigrationSnapshot["kind"]): Promise<boolean> {
    return this.store.hasSnapshots(profileId, kind);
  }

  history(profileId: string, q: { from?: number | undefined; to?: number | undefined; limit: number }): Promise<{ snapshots: MigrationSnapshot[]; total: number }> {
    return this.store.history(profileId, q.from ?? Number.MIN_SAFE_INTEGER, q.to ?? Number.MAX_SAFE_INTEGER, q.limit);
  }

  async setCriterion(profileId: string, criterion: MigrationCriterion | null, by: string): Promise<void> {
    await this.store.setCriterion(profileId, criterion, by, this.now());
  }

  async criterion(profileId: string): Promise<Out<"migration.criterion.get">> {
    const [{ criterion, setBy, setAt }, latest] = await Promise.all([this.store.criterion(profileId), this.store.latest(profileId)]);
    const share = latest?.share ?? null;
    let met = false;
    let metAt: number | null = null;
    if (criterion?.kind === "date") {
      met = this.now() >= criterion.date;
      metAt = met ? criterion.date : null;
    } else if (criterion?.kind === "share") {
      met = share !== null && share >= criterion.targetShare;
      metAt = met ? ((await this.store.firstAtShare(profileId, criterion.targetShare)) ?? latest?.at ?? null) : null;
    }
    return { criterion, setBy, setAt, share, met, metAt };
  }

  /** The rate between the newest snapshot and the oldest one within the 7 days before it. */
  async rate(profileId: string): Promise<Out<"migration.rate">> {
    const [c, latest] = await Promise.all([this.criterion(profileId), this.store.latest(profileId)]);
    const base = { windowDays: RATE_WINDOW_DAYS, criterion: c.criterion, met: c.met };
    const none = { ...base, from: null, to: null, sharePerDay: null, usersPerDay: null, etaAt: c.criterion?.kind === "date" ? c.criterion.date : null, projectedShare: null };
    if (!latest) return none;
    const first = await this.store.oldestBetween(profileId, latest.at - RATE_WINDOW_DAYS * DAY, latest.at);
    if (!first) return none;
    const days = (latest.at - first.at) / DAY;
    const accounts = (s: MigrationSnapshot) => s.migrated + s.temporaryPassword;
    const sharePerDay = (latest.share - first.share) / days;
    const usersPerDay = (accounts(latest) - accounts(first)) / days;
    let etaAt: number | null = null;
    let projectedShare: number | null = null;
    if (c.criterion?.kind === "share") {
      if (latest.share >= c.criterion.targetShare) etaAt = c.metAt ?? latest.at;
      else if (sharePerDay > 0) etaAt = Math.round(latest.at + ((c.criterion.targetShare - latest.share) / sharePerDay) * DAY);
    } else if (c.criterion?.kind === "date") {
      etaAt = c.criterion.date;
      projectedShare = Math.min(1, Math.max(latest.share, latest.share + (sharePerDay * (c.criterion.date - latest.at)) / DAY));
    }
    return {
      ...base,
      from: { at: first.at, share: first.share, migrated: accounts(first) },
      to: { at: latest.at, share: latest.share, migrated: accounts(latest) },
      sharePerDay,
      usersPerDay,
      etaAt,
      projectedShare,
    };
  }
}
