/** Reading the end criterion as an admin types it: a share in percent, or a date (local day). */
import type { MigrationCriterion } from "../../../../shared/contract/operations/migration.ts";

export type CriterionKind = MigrationCriterion["kind"];

export type Parsed = { ok: true; criterion: MigrationCriterion } | { ok: false; field: "share" | "date"; message: string };

/** "80", "80%", "92.5" or "92,5" → 0.8, 0.925; anything else says what is expected. */
export function parseShare(text: string): Parsed {
  const cleaned = text.trim().replace(/\s*%$/, "").replace(",", ".");
  if (cleaned === "") return { ok: false, field: "share", message: "Type the share of the legacy users to reach, in percent (for example 80)." };
  if (!/^\d+(\.\d+)?$/.test(cleaned)) return { ok: false, field: "share", message: `“${text.trim()}” is not a percentage: type a number from 0.1 to 100, like 80 or 92.5.` };
  const pct = Number(cleaned);
  if (pct <= 0) return { ok: false, field: "share", message: "The target must be above 0%." };
  if (pct > 100) return { ok: false, field: "share", message: `${cleaned}% is more than everyone: the target is at most 100%.` };
  return { ok: true, criterion: { kind: "share", targetShare: Math.round(pct * 100) / 10_000 } };
}

/** A yyyy-mm-dd from <input type="date"> → the end of that local day (the migration runs through it). */
export function parseDate(text: string): Parsed {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text.trim());
  if (!m) return { ok: false, field: "date", message: "Pick the day the migration ends." };
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const end = new Date(y, mo - 1, d, 23, 59, 59, 999);
  if (end.getFullYear() !== y || end.getMonth() !== mo - 1 || end.getDate() !== d) return { ok: false, field: "date", message: `${text} is not a date in the calendar.` };
  return { ok: true, criterion: { kind: "date", date: end.getTime() } };
}

export const parseCriterion = (kind: CriterionKind, share: string, date: string): Parsed => (kind === "share" ? parseShare(share) : parseDate(date));
