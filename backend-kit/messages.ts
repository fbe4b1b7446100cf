/**
 * The message the seeds' guards send to the frontend when a sign-up is refused (seeds 01 and 02).
 * The frontend shows it as it is, so it is part of the contract: keep it byte for byte.
 */
export const SIGN_UP_DISABLED_MESSAGE = "Sign up disabled. Please contact the admin.";

/** The `GENERAL_ERROR` body a guard returns instead of creating a code. */
export function signUpDisabled(): { status: "GENERAL_ERROR"; message: string } {
  return { status: "GENERAL_ERROR", message: SIGN_UP_DISABLED_MESSAGE };
}
