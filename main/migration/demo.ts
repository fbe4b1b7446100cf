/**
 * The Local demo profile's migration, so a clean start shows one in progress: its roster is
 * LegacyAuth's default seed (generated in-process by the same deterministic code the service and
 * the embedded core's demo data use; disabled accounts left out as a read of the service would),
 * and, after its first real scan, daily snapshots of the six weeks before it. Those are invented
 * (kind "demo", `demo: true`, said so in the chart and the report): they climb to the first real
 * snapshot so the chart has a history; every snapshot after them is a real scan.
 */
import { legacyProfile } from "../embedded-core/demo/data-set.ts";
import { DEFAULT_LEGACY_SEED, DEFAULT_LEGACY_USERS, legacyRoster } from "../embedded-core/demo/legacy-roster.ts";
import type { TenantTotals } from "../../shared/contract/operations/migration.ts";
import type { Totals } from "./classify.ts";
import type { RosterEntry } from "./roster/types.ts";

export const DEMO_SOURCE_NAME = "LegacyAuth's default seed (demo data)";
const DAYS = 42;
const DAY = 86_400_000;

export function demoRoster(): RosterEntry[] {
  return legacyRoster(DEFAULT_LEGACY_SEED, DEFAULT_LEGACY_USERS)
    .filter((u) => !u.disabled)
    .map((u) => ({ legacyId: u.id, email: u.email, emailVerified: u.emailVerified, createdAt: u.createdAt, data: legacyProfile(u), tenantId: "public" }));
}

export function demoDisabledCount(): number {
  return legacyRoster(DEFAULT_LEGACY_SEED, DEFAULT_LEGACY_USERS).filter((u) => u.disabled).length;
}

/**
 * Daily made-up snapshots for the DAYS before `now`, rising to `current` (not reaching it): a
 * steady trickle of sign-ins with a weekly rhythm, deterministic so every machine shows the same.
 */
export function demoHistory(now: number, current: { overall: Totals; tenants: TenantTotals[] }): { at: number; overall: Totals; tenants: TenantTotals[] }[] {
  const out: { at: number; overall: Totals; tenants: TenantTotals[] }[] = [];
  for (let d = DAYS; d >= 1; d--) {
    // Fraction of today's accounts that existed d days ago: about 12% six weeks back, slower on weekends.
    const t = (DAYS - d) / DAYS;
    const weekly = 0.015 * Math.sin((2 * Math.PI * d) / 7);
    const f = Math.min(0.98, 0.12 + 0.86 * t ** 1.15 + weekly);
    const scale = (c: Totals): Totals => {
      const migrated = Math.floor(c.migrated * f);
      const temporaryPassword = Math.floor(c.temporaryPassword * f);
      const conflict = c.conflict;
      const notMigrated = c.rosterTotal - migrated - temporaryPassword - conflict;
      return { ...c, migrated, temporaryPassword, notMigrated, share: c.rosterTotal === 0 ? 0 : (migrated + temporaryPassword) / c.rosterTotal };
    };
    out.push({ at: now - d * DAY, overall: scale(current.overall), tenants: current.tenants.map((x) => ({ ...scale(x), tenantId: x.tenantId })) });
  }
  return out;
}
