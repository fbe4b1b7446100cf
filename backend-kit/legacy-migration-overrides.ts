/**
 * Seed 04's EmailPassword overrides on supertokens-node 24: `EmailPassword.init({ override:
 * legacyMigration({ provider }).override })`.
 *
 * Functions (what EmailPassword.signUp / signIn and the APIs below call):
 * - signUp: EMAIL_ALREADY_EXISTS_ERROR for an email the legacy provider has (step 1);
 * - signIn: no account yet → the legacy credentials create it (step 2); an account with the
 *   temporary-password flag → only the valid legacy password signs in (step 5).
 *
 * APIs (the HTTP routes the frontend SDK calls):
 * - signInPOST: supertokens-node 24 answers WRONG_CREDENTIALS_ERROR before calling signIn when
 *   no user has the email, so the migration of step 2 runs here first;
 * - generatePasswordResetTokenPOST: makes the account of step 3 before the reset mail;
 * - passwordResetPOST: clears the flag after a successful reset (step 4);
 * - all of them, and signUpPOST: a legacy provider that is down or slow, or a migration that
 *   could not finish, is `{ status: "GENERAL_ERROR", message }` for the person; nothing is left
 *   half-made (see legacy-migration.ts).
 */
import type { APIInterface, RecipeInterface } from "supertokens-node/recipe/emailpassword";
import { LegacyMigration, type LegacyMigrationOptions, type MigratedSignIn } from "./legacy-migration.ts";
import { LegacyProviderUnavailableError, MigrationFailedError } from "./legacy-provider.ts";

export const LEGACY_MIGRATION_MESSAGES = {
  providerUnavailable: "We can't check your account with our previous sign-in service right now. Please try again in a few minutes.",
  migrationFailed: "We couldn't finish moving your account to our new sign-in. Nothing was changed; please try again.",
};

export interface LegacyMigrationOverrideOptions extends LegacyMigrationOptions {
  /** The GENERAL_ERROR messages the person sees. */
  messages?: Partial<typeof LEGACY_MIGRATION_MESSAGES>;
  /** Told about every failure turned into a GENERAL_ERROR (default console.error), so operators see the cause. */
  onError?: (err: Error) => void;
}

/** Skip the step-1 guard for a sign-up your backend makes on purpose: `EmailPassword.signUp(t, e, p, allowLegacyEmail())`. */
const ALLOW_LEGACY_EMAIL = "gatehouse.allowLegacyEmail";
export function allowLegacyEmail(userContext: Record<string, unknown> = {}): Record<string, unknown> {
  return { ...userContext, [ALLOW_LEGACY_EMAIL]: true };
}

/** The sign-in that signInPOST's migration produced, handed to signIn through the user context. */
const MIGRATED = "gatehouse.migratedSignIn";

/**
 * `{ ...original, ...patch }`, safe to stack: the SDK's override proxy calls `this._call`, wired
 * only after every override ran, so `_call` is read from the original at call time.
 */
export function extendImplementation<T extends object>(original: T, patch: Partial<T>): T {
  const result = { ...original, ...patch } as T;
  if ("_call" in original) {
    Object.defineProperty(result, "_call", { get: () => (original as { _call?: unknown })._call, enumerable: true, configurable: true });
  }
  return result;
}

const formValue = (formFields: { id: string; value: unknown }[], id: string): string | undefined => {
  const value = formFields.find((f) => f.id === id)?.value;
  return typeof value === "string" ? value : undefined;
};

export interface LegacyMigrationOverrides {
  /** The steps themselves, for backends that call them directly. */
  migration: LegacyMigration;
  functions: (original: RecipeInterface) => RecipeInterface;
  apis: (original: APIInterface) => APIInterface;
  /** `{ functions, apis }`, for `EmailPassword.init({ override })`. */
  override: { functions: (original: RecipeInterface) => RecipeInterface; apis: (original: APIInterface) => APIInterface };
}

export function legacyMigration(options: LegacyMigrationOverrideOptions): LegacyMigrationOverrides {
  const migration = new LegacyMigration(options);
  const messages = { ...LEGACY_MIGRATION_MESSAGES, ...options.messages };
  const onError = options.onError ?? ((err: Error) => console.error(`legacy migration: ${err.message}`));
  /** The recipe functions below the kit's, which the APIs use to create accounts. */
  let base: RecipeInterface | undefined;
  const baseFunctions = (): RecipeInterface => {
    if (!base) throw new Error("legacyMigration: pass both `functions` and `apis` to EmailPassword.init (use `.override`)");
    return base;
  };

  /** Provider down or slow, or a migration undone: a GENERAL_ERROR the frontend shows as is. */
  async function generalErrorOnFailure<T>(run: () => Promise<T>): Promise<T | { status: "GENERAL_ERROR"; message: string }> {
    try {
      return await run();
    } catch (err) {
      if (err instanceof LegacyProviderUnavailableError) {
        onError(err);
        return { status: "GENERAL_ERROR", message: messages.providerUnavailable };
      }
      if (err instanceof MigrationFailedError) {
        onError(err);
        return { status: "GENERAL_ERROR", message: messages.migrationFailed };
      }
      throw err;
    }
  }

  const functions = (original: RecipeInterface): RecipeInterface => {
    base = original;
    return extendImplementation(original, {
      async signUp(input) {
        if (input.userContext[ALLOW_LEGACY_EMAIL] !== true && (await migration.isLegacyEmail(input.email))) {
          return { status: "EMAIL_ALREADY_EXISTS_ERROR" };
        }
        return original.signUp(input);
      },
      async signIn(input) {
        const migrated = input.userContext[MIGRATED] as { email: string; result: MigratedSignIn } | undefined;
        if (migrated && migrated.email === input.email) {
          delete input.userContext[MIGRATED];
          return migrated.result;
        }
        const account = await migration.findAccount(input.tenantId, input.email, input.userContext);
        if (!account) return migration.signInFirstTime(original, input);
        return migration.signInExisting(original, input, account);
      },
    });
  };

  const apis = (original: APIInterface): APIInterface =>
    extendImplementation(original, {
      signUpPOST: original.signUpPOST && ((input) => generalErrorOnFailure(() => original.signUpPOST!(input))),
      signInPOST:
        original.signInPOST &&
        ((input) =>
          generalErrorOnFailure(async () => {
            const email = formValue(input.formFields, "email");
            const password = formValue(input.formFields, "password");
            if (email !== undefined && password !== undefined && !(await migration.findAccount(input.tenantId, email, input.userContext))) {
              const first = await migration.signInFirstTime(baseFunctions(), {
                email,
                password,
                tenantId: input.tenantId,
                session: input.session,
                shouldTryLinkingWithSessionUser: input.shouldTryLinkingWithSessionUser,
                userContext: input.userContext,
              });
              if (first.status === "WRONG_CREDENTIALS_ERROR") return first;
              // The SDK's signInPOST now finds the account and calls signIn, which returns this.
              if (first.status === "OK") input.userContext[MIGRATED] = { email, result: first };
            }
            return original.signInPOST!(input);
          })),
      generatePasswordResetTokenPOST:
        original.generatePasswordResetTokenPOST &&
        ((input) =>
          generalErrorOnFailure(async () => {
            const email = formValue(input.formFields, "email");
            if (email !== undefined && !(await migration.findAccount(input.tenantId, email, input.userContext))) {
              await migration.prepareReset(baseFunctions(), { email, tenantId: input.tenantId, userContext: input.userContext });
            }
            return original.generatePasswordResetTokenPOST!(input);
          })),
      passwordResetPOST:
        original.passwordResetPOST &&
        ((input) =>
          generalErrorOnFailure(async () => {
            const result = await original.passwordResetPOST!(input);
            if (result.status === "OK") await migration.finishReset(result.user.id, input.userContext);
            return result;
          })),
    });

  return { migration, functions, apis, override: { functions, apis } };
}
