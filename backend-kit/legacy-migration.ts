/**
 * The steps of seed 04 ("user creation without password hashes") on supertokens-node 24, as plain
 * functions the overrides (legacy-migration-overrides.ts) call:
 *
 * 1. sign-up refused for an email the legacy provider has;
 * 2. first sign-in with valid legacy credentials: EmailPassword user, user-id mapping to the
 *    legacy id, email verification copied, user data imported into metadata;
 * 3. password reset of a legacy user without an account: the account is made with a random
 *    temporary password and `isUsingTemporaryPassword: true`, then the reset goes on;
 * 4. a successful reset clears the flag;
 * 5. a sign-in on an account with the flag succeeds only with the valid legacy password (the
 *    password is then updated and the flag cleared).
 *
 * Account creation is all-or-nothing: the legacy provider is asked before anything is written,
 * the mapping is made before any metadata (the Core refuses it otherwise), and if a later write
 * fails the new user is deleted again. Each identity migrates under a lock (migration-lock.ts).
 */
import { randomBytes } from "node:crypto";
// Default import only: Node's ESM loader sees no named exports of the SDK's CommonJS build.
import supertokens from "supertokens-node";
import type { User } from "supertokens-node";
import type { RecipeInterface } from "supertokens-node/recipe/emailpassword";
import EmailVerification from "supertokens-node/recipe/emailverification";
import UserMetadata from "supertokens-node/recipe/usermetadata";
import { DEFAULT_DATA_CONTRACT, type DataContract, type MigrationRecord } from "./data-contract.ts";
import {
  MigrationFailedError,
  callLegacyProvider,
  type JsonObject,
  type LegacyProvider,
  type LegacyUser,
} from "./legacy-provider.ts";
import { inProcessLock, migrationLockKey, type MigrationLock } from "./migration-lock.ts";

export type EmailPasswordFunctions = RecipeInterface;
type UserContext = Parameters<RecipeInterface["signIn"]>[0]["userContext"];
type SignInResult = Awaited<ReturnType<RecipeInterface["signIn"]>>;
type SignUpResult = Awaited<ReturnType<RecipeInterface["signUp"]>>;
export type MigratedSignIn = Extract<SignInResult, { status: "OK" }>;
type LoginMethod = User["loginMethods"][number];

export interface LegacyMigrationOptions {
  provider: LegacyProvider;
  contract?: DataContract;
  /** How long to wait for the legacy provider on each call (default 5000 ms); then the person is told to try again. */
  providerTimeoutMs?: number;
  /** Default: one migration per identity within this process (see migration-lock.ts). */
  lock?: MigrationLock;
  /** Clock for the migration record (default Date.now). */
  now?: () => number;
  /**
   * How long a sign-in waits for another process's migration of the same identity to finish
   * (default 5000 ms); also how young an account without a migration record must be to count as
   * one being migrated right now.
   */
  raceWaitMs?: number;
}

/** The EmailPassword account of an email in a tenant, as the Core returns it (the legacy id once mapped). */
export interface Account {
  user: User;
  loginMethod: LoginMethod;
}

/** What the recipe's signIn gets (email, password, tenant, session, user context). */
type Input = Parameters<RecipeInterface["signIn"]>[0];
/** What a password reset knows: no password, no session. */
type ResetInput = { email: string; tenantId: string; userContext: UserContext };

const WRONG_CREDENTIALS = { status: "WRONG_CREDENTIALS_ERROR" } as const;

/** A random password nobody knows: 32 bytes, with a letter and a digit for any password policy. */
export const temporaryPassword = (): string => `${randomBytes(32).toString("base64url")}a1`;

export class LegacyMigration {
  readonly provider: LegacyProvider;
  readonly contract: DataContract;
  private readonly timeoutMs: number;
  private readonly lock: MigrationLock;
  private readonly now: () => number;
  private readonly raceWaitMs: number;

  constructor(options: LegacyMigrationOptions) {
    this.provider = options.provider;
    this.contract = options.contract ?? DEFAULT_DATA_CONTRACT;
    this.timeoutMs = options.providerTimeoutMs ?? 5000;
    this.lock = options.lock ?? inProcessLock();
    this.now = options.now ?? Date.now;
    this.raceWaitMs = options.raceWaitMs ?? 5000;
  }

  /** Step 1: does the legacy provider have this email (disabled accounts too)? */
  async isLegacyEmail(email: string): Promise<boolean> {
    return (await this.findLegacy(email)) !== undefined;
  }

  async findAccount(tenantId: string, email: string, userContext: UserContext): Promise<Account | undefined> {
    const users = await supertokens.listUsersByAccountInfo(tenantId, { email }, false, userContext);
    for (const user of users) {
      const loginMethod = user.loginMethods.find((m) => m.recipeId === "emailpassword" && m.hasSameEmailAs(email));
      if (loginMethod) return { user, loginMethod };
    }
    return undefined;
  }

  /**
   * Step 2, for an email without an account: the legacy credentials decide. Valid ones create
   * the account (OK, as the Core will return it: the legacy id); anything else is
   * WRONG_CREDENTIALS_ERROR. If another request or process migrated the identity meanwhile, this
   * is an ordinary sign-in on that account (step 5 included).
   */
  async signInFirstTime(base: EmailPasswordFunctions, input: Input): Promise<SignInResult> {
    return this.lock.run(migrationLockKey(input.tenantId, input.email), async (waited) => {
      if (waited) {
        const account = await this.findAccount(input.tenantId, input.email, fresh(input.userContext));
        if (account) return this.signInUnlocked(base, input, (await this.settle(input, account)).account);
      }
      const legacy = await callLegacyProvider(this.provider, "the credential check", this.timeoutMs, (o) =>
        this.provider.verifyCredentials(input.email, input.password, o),
      );
      if (!legacy) return WRONG_CREDENTIALS;
      const created = await this.createRecipeUser(base, input, input.password);
      if (created.status !== "OK") {
        // Another process made the account between our look and our sign-up: sign in on it
        // once that migration is done (the legacy password was just checked).
        const { account } = await this.waitForMigration(input);
        return this.signInUnlocked(base, input, account, legacy);
      }
      const user = await this.completeAccount(created, legacy, input, { via: "sign-in", temporary: false });
      return { status: "OK", user, recipeUserId: user.loginMethods[0]!.recipeUserId };
    });
  }

  /** Steps 5 and the ordinary sign-in, for an email that has an account. */
  async signInExisting(base: EmailPasswordFunctions, input: Input, found: Account): Promise<SignInResult> {
    const { account, metadata } = await this.settle(input, found);
    // Only accounts on a temporary password need the lock (their password may change here).
    if (metadata[this.contract.temporaryPasswordKey] !== true) return base.signIn(input);
    return this.lock.run(migrationLockKey(input.tenantId, input.email), () => this.signInUnlocked(base, input, account));
  }

  /**
   * Step 3: before a password reset of an email without an account, make the account for a
   * legacy user with a random temporary password and the flag, so the reset has someone to reset.
   * Unknown emails and disabled legacy accounts get nothing (the reset then sends no mail, as
   * for any unknown email).
   */
  async prepareReset(base: EmailPasswordFunctions, input: ResetInput): Promise<void> {
    await this.lock.run(migrationLockKey(input.tenantId, input.email), async (waited) => {
      if (waited && (await this.findAccount(input.tenantId, input.email, fresh(input.userContext)))) return;
      const legacy = await this.findLegacy(input.email);
      if (!legacy || legacy.disabled) return;
      const created = await this.createRecipeUser(base, input, temporaryPassword());
      if (created.status !== "OK") return; // made by another process meanwhile: reset that one
      await this.completeAccount(created, legacy, input, { via: "password-reset", temporary: true });
    });
  }

  /** Step 4: after a successful reset, the flag goes (and the migration record says when). */
  async finishReset(userId: string, userContext: UserContext): Promise<void> {
    const metadata = await this.metadataOf(userId, userContext);
    if (metadata[this.contract.temporaryPasswordKey] !== true) return;
    await UserMetadata.updateUserMetadata(userId, this.clearedFlag(metadata, "password-reset"), userContext);
  }

  // ---------------------------------------------------------------------------------------------

  /** Step 5 proper, under the identity's lock: re-read the flag, then the legacy password decides. */
  private async signInUnlocked(base: EmailPasswordFunctions, input: Input, account: Account, checked?: LegacyUser): Promise<SignInResult> {
    const metadata = await this.metadataOf(account.user.id, fresh(input.userContext));
    if (metadata[this.contract.temporaryPasswordKey] !== true) return base.signIn(input);
    const legacy =
      checked ??
      (await callLegacyProvider(this.provider, "the credential check", this.timeoutMs, (o) => this.provider.verifyCredentials(input.email, input.password, o)));
    // The temporary password itself never signs in, and neither does another legacy account's.
    if (!legacy || legacy.id !== account.user.id) return WRONG_CREDENTIALS;
    const updated = await base.updateEmailOrPassword({
      recipeUserId: account.loginMethod.recipeUserId,
      password: input.password,
      applyPasswordPolicy: false,
      tenantIdForPasswordPolicy: input.tenantId,
      userContext: input.userContext,
    });
    if (updated.status !== "OK") throw new MigrationFailedError(`setting the legacy password of ${account.user.id} failed: ${updated.status}`);
    await UserMetadata.updateUserMetadata(account.user.id, this.clearedFlag(metadata, "legacy-sign-in"), input.userContext);
    return { status: "OK", user: account.user, recipeUserId: account.loginMethod.recipeUserId };
  }

  private findLegacy(email: string): Promise<LegacyUser | undefined> {
    return callLegacyProvider(this.provider, "the lookup by email", this.timeoutMs, (o) => this.provider.findByEmail(email, o));
  }

  private createRecipeUser(base: EmailPasswordFunctions, input: ResetInput, password: string): Promise<SignUpResult> {
    // The recipe's own sign-up, below the kit's step-1 guard (which would refuse a legacy email).
    return base.signUp({ email: input.email, password, tenantId: input.tenantId, session: undefined, shouldTryLinkingWithSessionUser: false, userContext: input.userContext });
  }

  /**
   * Mapping, then email verification and metadata (in parallel: both need only the mapping). If
   * any of it fails, the user is deleted again, so a retry starts from nothing.
   */
  private async completeAccount(
    created: Extract<SignUpResult, { status: "OK" }>,
    legacy: LegacyUser,
    input: ResetInput,
    how: { via: MigrationRecord["via"]; temporary: boolean },
  ): Promise<User> {
    const superTokensId = created.recipeUserId.getAsString();
    try {
      const mapped = await supertokens.createUserIdMapping({
        superTokensUserId: superTokensId,
        externalUserId: legacy.id,
        externalUserIdInfo: `migrated from ${this.provider.name}`,
        userContext: input.userContext,
      });
      if (mapped.status !== "OK") throw new MigrationFailedError(`mapping ${superTokensId} to ${legacy.id} failed: ${mapped.status}`);
      const record: MigrationRecord = { legacyId: legacy.id, provider: this.provider.name, via: how.via, migratedAt: this.now() };
      const metadata: JsonObject = {
        ...this.provider.userData(legacy),
        [this.contract.migrationKey]: { ...record },
        ...(how.temporary ? { [this.contract.temporaryPasswordKey]: true } : {}),
      };
      await Promise.all([
        UserMetadata.updateUserMetadata(legacy.id, metadata, input.userContext),
        legacy.emailVerified ? this.markVerified(input.tenantId, legacy.id, input.email, input.userContext) : undefined,
      ]);
    } catch (err) {
      await this.undo(superTokensId, legacy.id, err, input.userContext);
    }
    return mappedUser(created.user, legacy);
  }

  private async markVerified(tenantId: string, userId: string, email: string, userContext: UserContext): Promise<void> {
    let token;
    try {
      token = await EmailVerification.createEmailVerificationToken(tenantId, supertokens.convertToRecipeUserId(userId), email, userContext);
    } catch (err) {
      if (err instanceof Error && /Initialisation not done/i.test(err.message)) {
        throw new MigrationFailedError("the legacy migration copies email verification: add EmailVerification.init() to the recipeList", { cause: err });
      }
      throw err;
    }
    if (token.status === "EMAIL_ALREADY_VERIFIED_ERROR") return;
    const verified = await EmailVerification.verifyEmailUsingToken(tenantId, token.token, false, userContext);
    if (verified.status !== "OK") throw new MigrationFailedError(`verifying the email of ${userId} failed: ${verified.status}`);
  }

  private async undo(superTokensId: string, legacyId: string, cause: unknown, userContext: UserContext): Promise<never> {
    const why = cause instanceof Error ? cause.message : String(cause);
    try {
      await supertokens.deleteUser(superTokensId, true, userContext);
    } catch (err) {
      throw new MigrationFailedError(
        `migrating ${legacyId} failed (${why}), and removing the half-made user ${superTokensId} failed too (${err instanceof Error ? err.message : String(err)}): delete it before that person tries again`,
        { cause },
      );
    }
    if (cause instanceof MigrationFailedError) throw cause;
    throw new MigrationFailedError(`migrating ${legacyId} failed, nothing was kept: ${why}`, { cause });
  }

  /**
   * The account and its metadata, once no migration is under way on it. An account made moments ago
   * that has no migration record yet, for an email the legacy provider has, is most likely being
   * migrated by another process right now (sign-up, mapping, then metadata): wait for the record,
   * so nobody signs in on a half-made account or under its SuperTokens id.
   */
  private async settle(input: Input, account: Account): Promise<{ account: Account; metadata: JsonObject }> {
    const metadata = await this.metadataOf(account.user.id, input.userContext);
    if (metadata[this.contract.migrationKey] !== undefined || Date.now() - account.user.timeJoined > this.raceWaitMs) return { account, metadata };
    let legacyEmail = false;
    try {
      legacyEmail = await this.isLegacyEmail(input.email);
    } catch {
      return { account, metadata }; // the provider cannot say: an ordinary sign-in, as for any account
    }
    return legacyEmail ? this.waitForMigration(input) : { account, metadata };
  }

  /** Another process's migration of this identity, once its metadata (the last write) is there. */
  private async waitForMigration(input: Input): Promise<{ account: Account; metadata: JsonObject }> {
    const deadline = Date.now() + this.raceWaitMs;
    for (;;) {
      // Fresh reads each time: the SDK caches reads per request and only forgets them on this process's own writes.
      const userContext = fresh(input.userContext);
      const account = await this.findAccount(input.tenantId, input.email, userContext);
      if (!account) throw new MigrationFailedError(`another sign-in was migrating ${input.email} and gave up (its account is gone)`);
      const metadata = await this.metadataOf(account.user.id, userContext);
      if (metadata[this.contract.migrationKey] !== undefined) return { account, metadata };
      if (Date.now() > deadline) throw new MigrationFailedError(`another sign-in was migrating ${input.email} and did not finish within ${this.raceWaitMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  private async metadataOf(userId: string, userContext: UserContext): Promise<JsonObject> {
    return (await UserMetadata.getUserMetadata(userId, userContext)).metadata as JsonObject;
  }

  /** The metadata update that clears the flag and notes how in the migration record (replaced whole, as the Core merges only the top level). */
  private clearedFlag(metadata: JsonObject, by: NonNullable<MigrationRecord["clearedBy"]>): JsonObject {
    const record = metadata[this.contract.migrationKey];
    const update: JsonObject = { [this.contract.temporaryPasswordKey]: null };
    if (typeof record === "object" && record !== null && !Array.isArray(record)) {
      update[this.contract.migrationKey] = { ...record, temporaryPasswordClearedAt: this.now(), clearedBy: by };
    }
    return update;
  }
}

/** The user context with the SDK's per-request cache of Core reads emptied, so a read sees other processes' writes. */
function fresh(userContext: UserContext): UserContext {
  const inner = (userContext as { _default?: Record<string, unknown> })._default;
  return { ...userContext, _default: { ...inner, coreCallCache: {} } } as UserContext;
}

/** The new user as the Core returns it once mapped: the legacy id everywhere, the email verified as at the provider. */
function mappedUser(created: User, legacy: LegacyUser): User {
  const json = created.toJson() as unknown as ConstructorParameters<typeof User>[0];
  return new supertokens.User({
    ...json,
    id: legacy.id,
    loginMethods: json.loginMethods.map((m) => ({ ...m, recipeUserId: legacy.id, verified: legacy.emailVerified })),
  });
}
