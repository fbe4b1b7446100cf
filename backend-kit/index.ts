/**
 * Gatehouse's backend kit: the seeds' Passwordless guards, admin API, SMS second factor and
 * just-in-time migration from a legacy provider, for an app backend on supertokens-node, using the
 * same data contract as the console. See README.md.
 */
export { SIGN_UP_DISABLED_MESSAGE, signUpDisabled } from "./messages.ts";
export { findPasswordlessUser, type Contact } from "./contact.ts";
export { composeOverrides, extendAPIs, type PasswordlessAPIOverride, type PasswordlessAPIs } from "./types.ts";
export { inviteOnlyGuard } from "./invite-only-guard.ts";
export { allowListGuard, type AllowListGuardOptions } from "./allow-list-guard.ts";
export * from "./allow-list.ts";
export { inviteUser, readInviteRecord, type InviteUserInput, type InviteUserResult } from "./invite.ts";
export { markInviteAccepted, recordInviteAcceptance, type InviteAcceptanceOptions } from "./invite-acceptance.ts";
export { createInviteHandler, parseInviteBody, type InviteApiOptions } from "./invite-api.ts";
export { SecondFactorClaim, createSecondFactorClaim } from "./second-factor-claim.ts";
export { readEnrollment, linkSecondFactor, maskPhone, type Enrollment } from "./second-factor-enrollment.ts";
export {
  secondFactorSession,
  getFirstFactorSession,
  requireSecondFactor,
  secondFactorVerifyOptions,
  type SecondFactorOptions,
  type SecondFactorSessionOptions,
} from "./second-factor-session.ts";
export { secondFactorApis, SECOND_FACTOR_MESSAGES } from "./second-factor-apis.ts";
export * from "./node-http.ts";
export * from "./data-contract.ts";
export {
  LegacyProviderUnavailableError,
  MigrationFailedError,
  callLegacyProvider,
  type JsonObject,
  type JsonValue,
  type LegacyCallOptions,
  type LegacyProvider,
  type LegacyUser,
} from "./legacy-provider.ts";
export {
  httpLegacyProvider,
  legacyAuthUserData,
  type HttpLegacyProvider,
  type HttpLegacyProviderOptions,
  type LegacyAuthUser,
  type LegacyRosterPage,
} from "./legacy-http-provider.ts";
export { inProcessLock, migrationLockKey, type MigrationLock } from "./migration-lock.ts";
export { LegacyMigration, temporaryPassword, type Account, type LegacyMigrationOptions } from "./legacy-migration.ts";
export {
  LEGACY_MIGRATION_MESSAGES,
  allowLegacyEmail,
  extendImplementation,
  legacyMigration,
  type LegacyMigrationOverrideOptions,
  type LegacyMigrationOverrides,
} from "./legacy-migration-overrides.ts";
