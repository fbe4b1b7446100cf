/** Types the kit's Passwordless overrides share. */
import type { APIInterface } from "supertokens-node/recipe/passwordless";

/** The Passwordless API interface, as `Passwordless.init({ override: { apis } })` hands it over. */
export type PasswordlessAPIs = APIInterface;

/** An API override: takes the implementation so far and returns a wrapped one, so overrides compose. */
export type PasswordlessAPIOverride = (original: PasswordlessAPIs) => PasswordlessAPIs;

/** The input of `createCodePOST`. */
export type CreateCodePOSTInput = Parameters<NonNullable<PasswordlessAPIs["createCodePOST"]>>[0];

/** Apply overrides in order: the last one listed runs first when a request comes in. */
export function composeOverrides(...overrides: PasswordlessAPIOverride[]): PasswordlessAPIOverride {
  return (original) => overrides.reduce((impl, override) => override(impl), original);
}

/**
 * `{ ...original, ...patch }`, safe to stack. supertokens-node hands an override a proxy whose
 * methods call `this._call`, which it only wires up after every override has run; a plain spread
 * copies the not-yet-wired `_call`, so calling the copy's methods later would throw. The copy made
 * here reads `_call` from the original at call time instead.
 */
export function extendAPIs(original: PasswordlessAPIs, patch: Partial<PasswordlessAPIs>): PasswordlessAPIs {
  const result: PasswordlessAPIs = { ...original, ...patch };
  if ("_call" in original) {
    Object.defineProperty(result, "_call", {
      get: () => (original as { _call?: unknown })._call,
      enumerable: true,
      configurable: true,
    });
  }
  return result;
}
