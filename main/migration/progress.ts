/**
 * Migration progress over time: dated snapshots (one per scan, plus the demo's invented history),
 * the end criterion (a target share or a date), and the rate over the last 7 days with the ETA
 * to the criterion.
 */
import type { z } from "zod";
import type { MigrationCriterion, MigrationSnapshot, migrationOps, TenantTotals } from "../../shared/contract/operations/migration.ts";
import type { StoreDb } from "../store/database.ts";
import { preparedFor, type Prepared } from "../store/statements.ts";
import type { Totals } from "./classify.ts";

type Out<N extends keyof typeof migrationOps> = z.input<(typeof migrationOps)[N]["output"]>;

export const RATE_WINDOW_DAYS = 7;
const DAY = 86_400_000;

interface SnapshotRow {
  id: number;
  at: number;
  kind: "full" | "refresh" | "demo";
  demo: number;
  totals: string;
  tenants: string;
}

const toSnapshot = (r: SnapshotRow): MigrationSnapshot => ({
  id: r.id,
  at: r.at,
  kind: r.kind,
  demo: r.demo === 1,
  ...(JSON.parse(r.totals) as Totals),
  tenants: JSON.parse(r.tenants) as TenantTotals[],
});

export class Progress {
  private readonly sql: Prepared;

  constructor(
    db: StoreDb,
    private readonly now: () => number,
  ) {
    this.sql = preparedFor(db);
  }

  addSnapshot(profileId: string, s: { at: number; kind: MigrationSnapshot["kind"]; overall: Totals; tenants: TenantTotals[]; jobId?: string | null }): void {
    this.sql("INSERT INTO migration_snapshots (profile_id, at, kind, demo, totals, tenants, job_id) VALUES (?, ?, ?, ?, ?, ?, ?)").run(
      profileId,
      s.at,
      s.kind,
      s.kind === "demo" ? 1 : 0,
      JSON.stringify(s.overall),
      JSON.stringify(s.tenants),
      s.jobId ?? null,
    );
  }

  hasSnapshots(profileId: string, kind?: MigrationSnapshot["kind"]): boolean {
    return kind
      ? this.sql("SELECT 1 FROM migration_snapshots WHERE profile_id = ? AND kind = ? LIMIT 1").get(profileId, kind) !== undefined
      : this.sql("SELECT 1 FROM migration_snapshots WHERE profile_id = ? LIMIT 1").get(profileId) !== undefined;
  }

  history(profileId: string, q: { from?: number | undefined; to?: number | undefined; limit: number }): { snapshots: MigrationSnapshot[]; total: number } {
    const from = q.from ?? Number.MIN_SAFE_INTEGER;
    const to = q.to ?? Number.MAX_SAFE_INTEGER;
    const total = (this.sql("SELECT COUNT(*) AS n FROM migration_snapshots WHERE profile_id = ? AND at BETWEEN ? AND ?").get(profileId, from, to) as { n: number }).n;
    // The newest `limit` of them, oldest first.
    const rows = this.sql("SELECT * FROM (SELECT * FROM migration_snapshots WHERE profile_id = ? AND at BETWEEN ? AND ? ORDER BY at DESC, id DESC LIMIT ?) ORDER BY at, id").all(
      profileId,
      from,
      to,
      q.limit,
    ) as SnapshotRow[];
    return { snapshots: rows.map(toSnapshot), total };
  }

  latest(profileId: string): MigrationSnapshot | null {
    const row = this.sql("SELECT * FROM migration_snapshots WHERE profile_id = ? ORDER BY at DESC, id DESC LIMIT 1").get(profileId) as SnapshotRow | undefined;
    return row ? toSnapshot(row) : null;
  }

  criterionRow(profileId: string): { criterion: MigrationCriterion | null; setBy: string | null; setAt: number | null } {
    const row = this.sql("SELECT criterion, set_by, set_at FROM migration_criteria WHERE profile_id = ?").get(profileId) as { criterion: string | null; set_by: string; set_at: number } | undefined;
    return { criterion: row?.criterion ? (JSON.parse(row.criterion) as MigrationCriterion) : null, setBy: row?.set_by ?? null, setAt: row?.set_at ?? null };
  }

  setCriterion(profileId: string, criterion: MigrationCriterion | null, by: string): void {
    this.sql(
      `INSERT INTO migration_criteria (profile_id, criterion, set_by, set_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (profile_id) DO UPDATE SET criterion = excluded.criterion, set_by = excluded.set_by, set_at = excluded.set_at`,
    ).run(profileId, criterion ? JSON.stringify(criterion) : null, by, this.now());
  }

  criterion(profileId: string): Out<"migration.criterion.get"> {
    const { criterion, setBy, setAt } = this.criterionRow(profileId);
    const latest = this.latest(profileId);
    const share = latest?.share ?? null;
    let met = false;
    let metAt: number | null = null;
    if (criterion?.kind === "date") {
      met = this.now() >= criterion.date;
      metAt = met ? criterion.date : null;
    } else if (criterion?.kind === "share") {
      const first = this.sql(
        "SELECT at FROM migration_snapshots WHERE profile_id = ? AND json_extract(totals, '$.share') >= ? ORDER BY at, id LIMIT 1",
      ).get(profileId, criterion.targetShare) as { at: number } | undefined;
      met = share !== null && share >= criterion.targetShare;
      metAt = met ? (first?.at ?? latest?.at ?? null) : null;
    }
    return { criterion, setBy, setAt, share, met, metAt };
  }

  /** The rate between the newest snapshot and the oldest one within the 7 days before it. */
  rate(profileId: string): Out<"migration.rate"> {
    const c = this.criterion(profileId);
    const latest = this.latest(profileId);
    const base = { windowDays: RATE_WINDOW_DAYS, criterion: c.criterion, met: c.met };
    const none = { ...base, from: null, to: null, sharePerDay: null, usersPerDay: null, etaAt: c.criterion?.kind === "date" ? c.criterion.date : null, projectedShare: null };
    if (!latest) return none;
    const row = this.sql("SELECT * FROM migration_snapshots WHERE profile_id = ? AND at >= ? AND at < ? ORDER BY at, id LIMIT 1").get(
      profileId,
      latest.at - RATE_WINDOW_DAYS * DAY,
      latest.at,
    ) as SnapshotRow | undefined;
    if (!row) return none;
    const first = toSnapshot(row);
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
