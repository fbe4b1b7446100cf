/**
 * The provider users are migrated from (seed 04, "just in time" without password hashes). The
 * kit's migration overrides ask it three things: are these credentials valid, is there a user
 * with this email, and what of the user's data goes into SuperTokens. Plug in your own, or use
 * httpLegacyProvider for the demo's LegacyAuth service.
 */

/** JSON that can go into UserMetadata. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/** A user as the legacy provider knows them. */
export interface LegacyUser {
  /** The legacy id; it becomes the user's id in SuperTokens through a user-id mapping. */
  id: string;
  email: string;
  emailVerified: boolean;
  /** A disabled legacy account is never migrated, but its email still cannot sign up. */
  disabled?: boolean;
  /** Whatever else the provider returned; `LegacyProvider.userData` picks what to import. */
  raw?: unknown;
}

export interface LegacyCallOptions {
  /** Aborted when the kit stops waiting (its timeout): stop the request then. */
  signal: AbortSignal;
}

export interface LegacyProvider {
  /** Recorded with each migrated user ("migrated from <name>"). */
  readonly name: string;
  /**
   * The user if `password` is theirs and the account is usable; `undefined` for a wrong password,
   * an unknown email or a disabled account. Throw when the provider cannot answer (down, 5xx):
   * the kit then tells the person to try again and creates nothing.
   */
  verifyCredentials(email: string, password: string, options: LegacyCallOptions): Promise<LegacyUser | undefined>;
  /** The user with this email (disabled ones too), or `undefined`. Throw when the provider cannot answer. */
  findByEmail(email: string, options: LegacyCallOptions): Promise<LegacyUser | undefined>;
  /**
   * What to import into the new user's UserMetadata (a shallow merge at the top level, as the
   * Core does). The kit's own keys (the migration record, the temporary-password flag) win.
   */
  userData(user: LegacyUser): JsonObject;
}

/** The legacy provider did not answer in time or answered with an error: nothing was created. */
export class LegacyProviderUnavailableError extends Error {
  override readonly name = "LegacyProviderUnavailableError";
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** A migration step on the Core failed; what had been created for the user was removed again. */
export class MigrationFailedError extends Error {
  override readonly name = "MigrationFailedError";
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/**
 * Calls the provider with a deadline. Any failure or a missed deadline becomes a
 * LegacyProviderUnavailableError naming the provider and the call, so the overrides can answer
 * the person with one clear general error.
 */
export async function callLegacyProvider<T>(
  provider: LegacyProvider,
  what: string,
  timeoutMs: number,
  call: (options: LegacyCallOptions) => Promise<T>,
): Promise<T> {
  const controller = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const err = new LegacyProviderUnavailableError(`${provider.name} did not answer ${what} within ${timeoutMs} ms`);
      controller.abort(err);
      reject(err);
    }, timeoutMs);
  });
  try {
    return await Promise.race([call({ signal: controller.signal }), deadline]);
  } catch (err) {
    if (err instanceof LegacyProviderUnavailableError) throw err;
    throw new LegacyProviderUnavailableError(`${provider.name} failed ${what}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  } finally {
    clearTimeout(timer);
  }
}
