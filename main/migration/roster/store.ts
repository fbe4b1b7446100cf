/**
 * Where the legacy roster of each connection profile is kept, with where it came from and the pages
 * of a legacy service's listing read so far. Gatehouse's SQLite by default (sqlite-store.ts:
 * desktop, one team server); PostgreSQL for team servers with two or more instances
 * (postgres-store.ts), so every instance sees the same roster, and a read of the legacy service
 * can go on on any of them.
 *
 * A roster is only ever replaced whole, in one transaction (an import, or the last item of a read
 * of a legacy service), so nothing is half-imported; what must happen together is one method.
 * The legacy service's token is kept sealed: the store never sees it open.
 * Implements RosterReader (roster users as the last classification left them) for the
 * end-of-migration job.
 */
import type { JsonObject } from "../../../shared/contract/schemas.ts";
import type { RosterProblem } from "./csv.ts";
import type { RosterEntry, RosterHashAlgorithm, RosterReader } from "./types.ts";

export type SourceKind = "csv" | "service" | "demo";

export interface SourceRow {
  profile_id: string;
  kind: SourceKind;
  file_name: string | null;
  url: string | null;
  token_sealed: string | null;
  tenant_id: string | null;
  set_at: number;
  set_by: string;
  updated_at: number | null;
  skipped_disabled: number;
  read_job_id: string | null;
  read_error: string | null;
  roster_version: number;
}

/** Where a roster came from, as a replacement records it. */
export interface NewSource {
  kind: SourceKind;
  fileName?: string | null;
  at: number;
  by: string;
  skippedDisabled?: number;
}

/** One page of a legacy service's listing, as a read job journals it. */
export interface ReadPageRow {
  cursor_out: string | null;
  users: number;
  skipped: number;
  total: number | null;
  problem_count: number;
}

/** A page read: its valid entries, the problems found (the first few kept) and its counts. */
export interface ReadPage {
  entries: RosterEntry[];
  cursorOut: string | null;
  skipped: number;
  total: number | null;
  problemCount: number;
  problems: RosterProblem[];
}

export interface RosterStore extends RosterReader {
  source(profileId: string): Promise<SourceRow | undefined>;
  /** Points the profile at a legacy service; the roster in force stays until a read completes. A null token keeps the stored one. */
  setService(profileId: string, s: { url: string; tokenSealed: string | null; tenantId: string; at: number; by: string }): Promise<void>;
  noteRead(profileId: string, jobId: string, error: string | null): Promise<void>;
  /** Replaces the roster whole with `entries` (a CSV, the demo's) and records the source; returns how many entries it replaced. */
  replace(profileId: string, entries: readonly RosterEntry[], source: NewSource): Promise<number>;
  count(profileId: string): Promise<number>;
  withHashes(profileId: string): Promise<number>;
  tenants(profileId: string): Promise<{ tenantId: string; count: number }[]>;
  version(profileId: string): Promise<number>;

  // A read of the legacy service (roster/read-kind.ts): its pages, staged by job.

  readPage(jobId: string, page: number): Promise<ReadPageRow | undefined>;
  /** Which of these legacy ids the job staged already. */
  staged(jobId: string, legacyIds: readonly string[]): Promise<Set<string>>;
  /** A page's entries staged and the page journaled, together. */
  stageReadPage(jobId: string, page: number, read: ReadPage): Promise<void>;
  /** The problems kept of every page of the job, in page order. */
  readProblems(jobId: string): Promise<RosterProblem[]>;
  /** The users staged and the disabled accounts skipped over the job's pages. */
  readTotals(jobId: string): Promise<{ users: number; skipped: number }>;
  /**
   * The roster in force becomes what the job staged (in `tenantId`), the source notes the read,
   * and page -1 marks the job's replacement done, in one transaction. False when page -1 was there
   * already (the item ran before).
   */
  replaceFromRead(profileId: string, jobId: string, r: { tenantId: string; at: number; skippedDisabled: number; users: number }): Promise<boolean>;
}

/** A roster row as both stores read it. */
export interface RosterRow {
  legacy_id: string;
  email: string;
  email_verified: number;
  created_at: number | null;
  password_hash: string | null;
  hash_algorithm: string | null;
  data: string | null;
  tenant_id: string;
}

export const ENTRY_COLUMNS = "legacy_id, email, email_verified, created_at, password_hash, hash_algorithm, data, tenant_id";
/** ENTRY_COLUMNS of the roster table aliased `r`. */
export const R_ENTRY_COLUMNS = ENTRY_COLUMNS.split(", ")
  .map((c) => `r.${c}`)
  .join(", ");

export function entryOf(r: RosterRow): RosterEntry {
  return {
    legacyId: r.legacy_id,
    email: r.email,
    emailVerified: r.email_verified === 1,
    createdAt: r.created_at,
    ...(r.password_hash !== null && r.hash_algorithm !== null ? { passwordHash: r.password_hash, hashAlgorithm: r.hash_algorithm as RosterHashAlgorithm } : {}),
    ...(r.data !== null ? { data: JSON.parse(r.data) as JsonObject } : {}),
    tenantId: r.tenant_id,
  };
}

/** An entry's column values, in ENTRY_COLUMNS order, then email_lower. */
export const entryValues = (e: RosterEntry): unknown[] => [
  e.legacyId,
  e.email,
  e.emailVerified ? 1 : 0,
  e.createdAt,
  e.passwordHash ?? null,
  e.hashAlgorithm ?? null,
  e.data ? JSON.stringify(e.data) : null,
  e.tenantId,
  e.email.toLowerCase(),
];
