/**
 * The legacy roster of each connection profile in SQLite, and where it came from. A roster is only
 * ever replaced whole, in one transaction (an import or a completed read of a legacy service), so
 * nothing is half-imported. Implements RosterReader for the end-of-migration job.
 */
import type { JsonObject } from "../../../shared/contract/schemas.ts";
import type { SecretBox } from "../../secrets/secret-box.ts";
import type { StoreDb } from "../../store/database.ts";
import { preparedFor, type Prepared } from "../../store/statements.ts";
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

interface RosterRow {
  legacy_id: string;
  email: string;
  email_verified: number;
  created_at: number | null;
  password_hash: string | null;
  hash_algorithm: string | null;
  data: string | null;
  tenant_id: string;
}

const ENTRY_COLUMNS = "legacy_id, email, email_verified, created_at, password_hash, hash_algorithm, data, tenant_id";

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

export class RosterStore implements RosterReader {
  private readonly sql: Prepared;

  constructor(
    private readonly db: StoreDb,
    private readonly secrets: SecretBox,
  ) {
    this.sql = preparedFor(db);
  }

  source(profileId: string): SourceRow | undefined {
    return this.sql("SELECT * FROM migration_sources WHERE profile_id = ?").get(profileId) as SourceRow | undefined;
  }

  /** The legacy service's token, unsealed (only for the read job's requests). */
  token(profileId: string): string | null {
    const sealed = this.source(profileId)?.token_sealed;
    return sealed ? this.secrets.open(sealed) : null;
  }

  /** Points the profile at a legacy service; the roster in force stays until a read completes. A null token keeps the stored one. */
  setService(profileId: string, s: { url: string; token: string | null; tenantId: string; at: number; by: string }): void {
    const sealed = s.token !== null ? this.secrets.seal(s.token) : (this.source(profileId)?.token_sealed ?? null);
    this.sql(
      `INSERT INTO migration_sources (profile_id, kind, url, token_sealed, tenant_id, set_at, set_by, file_name)
       VALUES (?, 'service', ?, ?, ?, ?, ?, NULL)
       ON CONFLICT (profile_id) DO UPDATE SET kind = 'service', url = excluded.url, token_sealed = excluded.token_sealed,
         tenant_id = excluded.tenant_id, set_at = excluded.set_at, set_by = excluded.set_by, file_name = NULL, read_error = NULL`,
    ).run(profileId, s.url, sealed, s.tenantId, s.at, s.by);
  }

  noteRead(profileId: string, jobId: string, error: string | null): void {
    this.sql("UPDATE migration_sources SET read_job_id = ?, read_error = ? WHERE profile_id = ?").run(jobId, error, profileId);
  }

  /**
   * Replaces the roster whole (one transaction) with `entries`, or with what a read job staged
   * (then in `tenantId`), and records the source; returns how many entries it replaced.
   */
  replace(
    profileId: string,
    entries: Iterable<RosterEntry> | { stagedBy: string; tenantId: string },
    source: { kind: SourceKind; fileName?: string | null; at: number; by: string; skippedDisabled?: number },
  ): number {
    return this.db.transaction(() => {
      const replaced = this.count(profileId);
      this.sql("DELETE FROM migration_roster WHERE profile_id = ?").run(profileId);
      if ("stagedBy" in entries) {
        this.sql(
          `INSERT INTO migration_roster (profile_id, ${ENTRY_COLUMNS}, email_lower)
           SELECT ?, legacy_id, email, email_verified, created_at, NULL, NULL, data, ?, lower(email) FROM migration_roster_staging WHERE job_id = ?`,
        ).run(profileId, entries.tenantId, entries.stagedBy);
        this.sql("DELETE FROM migration_roster_staging WHERE job_id = ?").run(entries.stagedBy);
      } else {
        const insert = this.sql(`INSERT INTO migration_roster (profile_id, ${ENTRY_COLUMNS}, email_lower) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
        for (const e of entries) {
          insert.run(profileId, e.legacyId, e.email, e.emailVerified ? 1 : 0, e.createdAt, e.passwordHash ?? null, e.hashAlgorithm ?? null, e.data ? JSON.stringify(e.data) : null, e.tenantId, e.email.toLowerCase());
        }
      }
      if (source.kind === "service") {
        this.sql("UPDATE migration_sources SET updated_at = ?, skipped_disabled = ?, read_error = NULL, roster_version = roster_version + 1 WHERE profile_id = ?").run(
          source.at,
          source.skippedDisabled ?? 0,
          profileId,
        );
      } else {
        this.sql(
          `INSERT INTO migration_sources (profile_id, kind, file_name, set_at, set_by, updated_at, skipped_disabled, roster_version)
           VALUES (?, ?, ?, ?, ?, ?, ?, 1)
           ON CONFLICT (profile_id) DO UPDATE SET kind = excluded.kind, file_name = excluded.file_name, url = NULL, token_sealed = NULL, tenant_id = NULL,
             set_at = excluded.set_at, set_by = excluded.set_by, updated_at = excluded.updated_at, skipped_disabled = excluded.skipped_disabled,
             read_job_id = NULL, read_error = NULL, roster_version = roster_version + 1`,
        ).run(profileId, source.kind, source.fileName ?? null, source.at, source.by, source.at, source.skippedDisabled ?? 0);
      }
      return replaced;
    })();
  }

  count(profileId: string): number {
    return (this.sql("SELECT COUNT(*) AS n FROM migration_roster WHERE profile_id = ?").get(profileId) as { n: number }).n;
  }

  withHashes(profileId: string): number {
    return (this.sql("SELECT COUNT(*) AS n FROM migration_roster WHERE profile_id = ? AND password_hash IS NOT NULL").get(profileId) as { n: number }).n;
  }

  tenants(profileId: string): { tenantId: string; count: number }[] {
    return this.sql("SELECT tenant_id AS tenantId, COUNT(*) AS count FROM migration_roster WHERE profile_id = ? GROUP BY tenant_id ORDER BY tenant_id").all(profileId) as {
      tenantId: string;
      count: number;
    }[];
  }

  version(profileId: string): number {
    return this.source(profileId)?.roster_version ?? 0;
  }

  // RosterReader (the end-of-migration job)

  notYetMigrated(profileId: string, page: { afterLegacyId?: string; limit: number }): RosterEntry[] {
    const rows = this.sql(
      `SELECT ${ENTRY_COLUMNS.split(", ").map((c) => `r.${c}`).join(", ")} FROM migration_status s
       JOIN migration_roster r ON r.profile_id = s.profile_id AND r.legacy_id = s.legacy_id
       WHERE s.profile_id = ? AND s.state = 'not-migrated' AND s.legacy_id > ? ORDER BY s.legacy_id LIMIT ?`,
    ).all(profileId, page.afterLegacyId ?? "", page.limit) as RosterRow[];
    return rows.map(entryOf);
  }

  conflicts(profileId: string, page: { afterLegacyId?: string; limit: number }): { entry: RosterEntry; reason: string }[] {
    const rows = this.sql(
      `SELECT ${ENTRY_COLUMNS.split(", ").map((c) => `r.${c}`).join(", ")}, s.reason FROM migration_status s
       JOIN migration_roster r ON r.profile_id = s.profile_id AND r.legacy_id = s.legacy_id
       WHERE s.profile_id = ? AND s.state = 'conflict' AND s.legacy_id > ? ORDER BY s.legacy_id LIMIT ?`,
    ).all(profileId, page.afterLegacyId ?? "", page.limit) as (RosterRow & { reason: string | null })[];
    return rows.map((r) => ({ entry: entryOf(r), reason: r.reason ?? "conflict" }));
  }

  unclassified(profileId: string): number {
    return (
      this.sql(
        "SELECT COUNT(*) AS n FROM migration_roster r WHERE r.profile_id = ? AND NOT EXISTS (SELECT 1 FROM migration_status s WHERE s.profile_id = r.profile_id AND s.legacy_id = r.legacy_id)",
      ).get(profileId) as { n: number }
    ).n;
  }

  get(profileId: string, legacyId: string): RosterEntry | null {
    const row = this.sql(`SELECT ${ENTRY_COLUMNS} FROM migration_roster WHERE profile_id = ? AND legacy_id = ?`).get(profileId, legacyId) as RosterRow | undefined;
    return row ? entryOf(row) : null;
  }
}
