/**
 * Metadata edits as the Core applies them: a shallow merge at the top level, where nested objects
 * and arrays are replaced whole and a top-level `null` deletes the key. So the update sent is the
 * changed and added keys with their new values, plus `null` for every removed key.
 */
import type { JsonObject } from "../../../shared/contract/schemas.ts";

export interface MetadataDiff {
  added: string[];
  changed: string[];
  removed: string[];
  /** What to send to users.updateMetadata to turn `current` into `proposed`. */
  update: JsonObject;
  /** True when there is nothing to save. */
  empty: boolean;
}

export function diffMetadata(current: JsonObject, proposed: JsonObject): MetadataDiff {
  const added: string[] = [];
  const changed: string[] = [];
  const removed: string[] = [];
  const update: JsonObject = {};
  for (const [key, value] of Object.entries(proposed)) {
    // A top-level null means "delete" to the Core; it can never be stored as a value.
    if (value === null || value === undefined) continue;
    if (!Object.hasOwn(current, key)) {
      added.push(key);
      update[key] = value;
    } else if (!sameJson(current[key], value)) {
      changed.push(key);
      update[key] = value;
    }
  }
  for (const key of Object.keys(current)) {
    const next = Object.hasOwn(proposed, key) ? proposed[key] : undefined;
    if (next === null || next === undefined) {
      removed.push(key);
      update[key] = null;
    }
  }
  return { added, changed, removed, update, empty: added.length + changed.length + removed.length === 0 };
}

/** What the Core will store after merging `update` into `current`. */
export function applyMetadataUpdate(current: JsonObject, update: JsonObject): JsonObject {
  const next: JsonObject = { ...current };
  for (const [key, value] of Object.entries(update)) {
    if (value === null) delete next[key];
    else next[key] = value;
  }
  return next;
}

/** Structural equality of JSON values, ignoring object key order. */
export function sameJson(a: unknown, b: unknown): boolean {
  return canonicalJson(a) === canonicalJson(b);
}

export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === "object" && !Array.isArray(v) ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0))) : v,
  );
}

export type ParsedJsonObject = { ok: true; value: JsonObject } | { ok: false; message: string };

/** Parses editor text that must be one JSON object. */
export function parseJsonObject(text: string): ParsedJsonObject {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return { ok: false, message: `Not valid JSON: ${err instanceof Error ? err.message : String(err)}` };
  }
  if (!value || typeof value !== "object" || Array.isArray(value)) return { ok: false, message: "Metadata must be one JSON object: { … }" };
  return { ok: true, value: value as JsonObject };
}

export const prettyJson = (value: unknown): string => JSON.stringify(value, null, 2);
