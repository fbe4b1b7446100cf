/**
 * The migration source of a connection profile: the legacy provider's roster, one entry per
 * legacy user, as imported from a CSV or read page by page from a legacy service's listing.
 * The roster store, the user index (which classifies each entry against the Core) and the
 * end-of-migration job all speak these types.
 */
import type { JsonObject } from "../../../shared/contract/schemas.ts";

/** Hash algorithms a roster may carry, as the Core's bulk import and hash import name them. */
export type RosterHashAlgorithm = "bcrypt" | "argon2" | "firebase_scrypt";

export interface RosterEntry {
  /** The user's id at the legacy provider (becomes the external id of the user-id mapping). */
  legacyId: string;
  email: string;
  emailVerified: boolean;
  /** When the legacy account was made (ms since the epoch), when the source says. */
  createdAt: number | null;
  /** The legacy password hash and its algorithm, when the source has them (never shown to the renderer). */
  passwordHash?: string;
  hashAlgorithm?: RosterHashAlgorithm;
  /** Profile fields to import into the user's metadata (name, ...), when the source has them. */
  data?: JsonObject;
  /** The tenant the user belongs to (default "public"). */
  tenantId: string;
}

/** Where each roster user stands against the Core, as the last scan of the user index found. */
export type MigrationState = "migrated" | "temporary-password" | "not-migrated" | "conflict";

/** What the end-of-migration job reads from the roster and the index (async: the store may be PostgreSQL). */
export interface RosterReader {
  /** Roster users the last scan classified "not-migrated", in legacy-id order, after `afterLegacyId`. */
  notYetMigrated(profileId: string, page: { afterLegacyId?: string; limit: number }): Promise<RosterEntry[]>;
  /** Roster users in "conflict", with why (for the dry run's skip list). */
  conflicts(profileId: string, page: { afterLegacyId?: string; limit: number }): Promise<{ entry: RosterEntry; reason: string }[]>;
  /** One roster user by legacy id, or null. */
  get(profileId: string, legacyId: string): Promise<RosterEntry | null>;
  /** Roster users no scan has classified yet (a roster imported after the last scan of the index). */
  unclassified(profileId: string): Promise<number>;
}
