/**
 * Where the seeds' backends keep things in SuperTokens, and so where the console looks for them.
 * The defaults are the seeds' own; every key can be changed per connection profile because a
 * team that followed the guides may have varied them. The main process, the backend kit and the
 * embedded core's demo data all read them from here: this file ships in the kit's package
 * (`@gatehouse/backend-kit/data-contract`), and shared/data-contract.ts re-exports it for the
 * console, so the keys are declared once.
 */
export interface DataContract {
  /** UserMetadata id holding the email allow-list of the public tenant (seed 02). */
  emailAllowListId: string;
  /** UserMetadata id holding the phone allow-list of the public tenant (seed 02). */
  phoneAllowListId: string;
  /** Key inside an allow-list's metadata that holds the array (seed 02). */
  allowListKey: string;
  /** First-factor user's metadata key naming the Passwordless user whose phone is the 2FA phone (seed 03). */
  secondFactorUserIdKey: string;
  /** Session claim set once the second factor is done (seed 03). */
  secondFactorClaim: string;
  /** Access-token payload key carrying the 2FA phone number (seed 03). */
  phoneNumberPayloadKey: string;
  /** Metadata flag of a migrated user still on a random temporary password (seed 04). */
  temporaryPasswordKey: string;
  /** Role whose holders may invite (seed 01). */
  inviterRole: string;
  /** Metadata key where Gatehouse and the backend kit record an invite and its acceptance. */
  inviteKey: string;
  /** Metadata key where the backend kit records when and how a legacy user was migrated (seed 04). */
  migrationKey: string;
}

export const DEFAULT_DATA_CONTRACT: Readonly<DataContract> = Object.freeze({
  emailAllowListId: "emailAllowList",
  phoneAllowListId: "phoneNumberAllowList",
  allowListKey: "allowList",
  secondFactorUserIdKey: "passwordlessUserId",
  secondFactorClaim: "2fa-completed",
  phoneNumberPayloadKey: "phoneNumber",
  temporaryPasswordKey: "isUsingTemporaryPassword",
  inviterRole: "admin",
  inviteKey: "gatehouseInvite",
  migrationKey: "gatehouseMigration",
});

/** What the invite record in a user's metadata holds. */
export interface InviteRecord {
  invitedAt: number;
  invitedBy: string;
  /** Set by the backend kit on the invited person's first sign-in. */
  acceptedAt?: number;
}

/**
 * What the migration record in a migrated user's metadata holds (seed 04), so the console can chart
 * migration over time. Written whole with the user's first metadata, right after the user-id mapping.
 */
export interface MigrationRecord {
  /** The user's id at the legacy provider (also the external id of the user-id mapping). */
  legacyId: string;
  /** The legacy provider's name. */
  provider: string;
  /** How the account came to be: a first sign-in with the legacy password, a password reset, or the end-of-migration bulk job. */
  via: "sign-in" | "password-reset" | "bulk";
  /** When the SuperTokens account was made (ms since the epoch). */
  migratedAt: number;
  /** When the temporary-password flag was cleared, for accounts that had one. */
  temporaryPasswordClearedAt?: number;
  /** How: a finished password reset, or a sign-in with the legacy password after all. */
  clearedBy?: "password-reset" | "legacy-sign-in";
}

/**
 * The metadata id of an allow-list. The seed only names the public tenant's lists; other tenants
 * get "<id>:<tenantId>" (DESIGN.md), so one tenant's list never admits sign-ups to another.
 */
export function allowListUserId(kind: "email" | "phone", tenantId: string, contract: DataContract = DEFAULT_DATA_CONTRACT): string {
  const base = kind === "email" ? contract.emailAllowListId : contract.phoneAllowListId;
  return tenantId === "public" ? base : `${base}:${tenantId}`;
}
