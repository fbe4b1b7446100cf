/**
 * Planning a change to an allow-list: what each added and removed entry does against the list as
 * it is, and the list that results. Pure: the service plans against a fresh read on every attempt.
 */
import type { AllowListChangeItem, AllowListKind } from "../../../shared/contract/operations/allowlists.ts";
import { flagEntries, normaliseEntry } from "./normalise.ts";

export interface Given {
  entry: string;
  line: number | null;
  /** Remove only the entry stored exactly like this (not others with the same normal form). */
  exact?: boolean;
}

export type PlannedItem = Omit<AllowListChangeItem, "account">;

export interface Plan {
  items: PlannedItem[];
  errors: { entry: string; line: number | null; message: string }[];
  /** Normalised entries that will be appended. */
  add: string[];
  /** Stored entries (exactly as stored) that will be taken out. */
  remove: string[];
  after: string[];
}

const at = (line: number | null) => (line === null ? "" : `Line ${line}: `);

export function planChange(kind: AllowListKind, current: readonly string[], add: readonly Given[], remove: readonly Given[], region?: string): Plan {
  const stored = flagEntries(kind, current, region);
  const items: PlannedItem[] = [];
  const errors: Plan["errors"] = [];
  const removing = new Set<string>();

  for (const r of remove) {
    const n = normaliseEntry(kind, r.entry, region);
    const matches = stored.filter((s) => s.value === r.entry || (!r.exact && n.ok && s.normalised === n.value)).map((s) => s.value);
    const value = n.ok ? n.value : r.entry;
    if (matches.length === 0) {
      const message = n.ok ? `${at(r.line)}"${value}" is not on the list` : `${at(r.line)}${n.message}; no entry like it is on the list`;
      items.push({ action: "remove", entry: r.entry, line: r.line, value: n.ok ? n.value : null, outcome: "not-listed", message });
      continue;
    }
    if (matches.every((m) => removing.has(m))) {
      items.push({ action: "remove", entry: r.entry, line: r.line, value, outcome: "duplicate", message: `${at(r.line)}"${value}" is removed once already` });
      continue;
    }
    for (const m of matches) removing.add(m);
    const message = matches.length > 1 || matches[0] !== value ? `takes out ${matches.map((m) => JSON.stringify(m)).join(", ")}` : null;
    items.push({ action: "remove", entry: r.entry, line: r.line, value, outcome: "removed", message });
  }

  const remaining = current.filter((v) => !removing.has(v));
  const present = new Set(remaining);
  const adding: string[] = [];
  const addingSet = new Set<string>();
  for (const a of add) {
    const n = normaliseEntry(kind, a.entry, region);
    if (!n.ok) {
      const message = `${at(a.line)}${n.message}`;
      items.push({ action: "add", entry: a.entry, line: a.line, value: null, outcome: "invalid", message });
      errors.push({ entry: a.entry, line: a.line, message });
      continue;
    }
    if (addingSet.has(n.value)) {
      items.push({ action: "add", entry: a.entry, line: a.line, value: n.value, outcome: "duplicate", message: `${at(a.line)}"${n.value}" is added once already` });
      continue;
    }
    if (present.has(n.value)) {
      items.push({ action: "add", entry: a.entry, line: a.line, value: n.value, outcome: "already-listed", message: null });
      continue;
    }
    addingSet.add(n.value);
    adding.push(n.value);
    const message = n.value !== a.entry ? `normalised from "${a.entry}"` : null;
    items.push({ action: "add", entry: a.entry, line: a.line, value: n.value, outcome: "new", message });
  }
  // An entry both added and removed in one change stays (the add wins) — say so.
  for (const item of items) {
    if (item.action === "remove" && item.outcome === "removed" && item.value !== null && addingSet.has(item.value)) {
      item.message = `${item.message ? `${item.message}; ` : ""}added again by this change in its normal form`;
    }
  }
  return { items, errors, add: adding, remove: [...removing], after: [...remaining, ...adding] };
}

export const sameList = (a: readonly string[], b: readonly string[]): boolean => a.length === b.length && a.every((v, i) => v === b[i]);
