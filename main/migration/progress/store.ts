/**
 * Where migration progress is kept: the dated snapshots (one per scan, plus the demo's invented
 * past) and the end criterion of each connection profile. In Gatehouse's SQLite by default
 * (sqlite-store.ts: desktop, one team server), in PostgreSQL for two or more team-server
 * instances (postgres-store.ts), so every instance shows the same history and criterion.
 * The rate and ETA are worked out from these in progress.ts, the same for both.
 */
import type { MigrationCriterion, MigrationSnapshot, TenantTotals } from "../../../shared/contract/operations/migration.ts";
import type { Totals } from "../classify.ts";

export interface NewSnapshot {
  at: number;
  kind: MigrationSnapshot["kind"];
  overall: Totals;
  tenants: TenantTotals[];
  jobId?: string | null;
}

export interface CriterionRow {
  criterion: MigrationCriterion | null;
  setBy: string | null;
  setAt: number | null;
}

/** A snapshot as both stores keep it (totals and tenants as JSON text). */
export interface SnapshotRow {
  id: number;
  at: number;
  kind: MigrationSnapshot["kind"];
  totals: string;
  tenants: string;
}

export const toSnapshot = (r: SnapshotRow): MigrationSnapshot => ({
  id: r.id,
  at: r.at,
  kind: r.kind,
  demo: r.kind === "demo",
  ...(JSON.parse(r.totals) as Totals),
  tenants: JSON.parse(r.tenants) as TenantTotals[],
});

export const snapshotValues = (s: NewSnapshot) => ({ at: s.at, kind: s.kind, demo: s.kind === "demo", totals: JSON.stringify(s.overall), tenants: JSON.stringify(s.tenants), jobId: s.jobId ?? null });

export interface ProgressStore {
  /** Adds snapshots in one transaction; with `demoFirst`, the demo's history goes in before them unless the profile already has it. */
  addSnapshots(profileId: string, snapshots: NewSnapshot[], demoFirst?: NewSnapshot[]): Promise<void>;
  hasSnapshots(profileId: string, kind?: MigrationSnapshot["kind"]): Promise<boolean>;
  /** The newest `limit` snapshots with `at` in [from, to], oldest first, and how many there are in that range. */
  history(profileId: string, from: number, to: number, limit: number): Promise<{ snapshots: MigrationSnapshot[]; total: number }>;
  latest(profileId: string): Promise<MigrationSnapshot | null>;
  /** The oldest snapshot with `at` in [from, before). */
  oldestBetween(profileId: string, from: number, before: number): Promise<MigrationSnapshot | null>;
  /** When a snapshot first had at least this share. */
  firstAtShare(profileId: string, share: number): Promise<number | null>;
  criterion(profileId: string): Promise<CriterionRow>;
  setCriterion(profileId: string, criterion: MigrationCriterion | null, by: string, at: number): Promise<void>;
}
