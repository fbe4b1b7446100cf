/**
 * The team server's rule for operators' passwords (main/team/passwords.ts), checked here too so
 * the form can say what is wrong before the one-time link is tried; the server checks again and
 * alone knows the email (a password equal to it is refused there). tests/renderer keep the two
 * in step.
 */
export const PASSWORD_MIN = 12;
export const PASSWORD_MAX = 256;

export const PASSWORD_RULE = `At least ${PASSWORD_MIN} characters; a long phrase is best. No space at the start or end, and not your email address.`;

/** Why the password cannot be used (a sentence), or null when it may be. */
export function passwordProblem(password: string): string | null {
  if (password.length < PASSWORD_MIN) return `The password must have at least ${PASSWORD_MIN} characters.`;
  if (password.length > PASSWORD_MAX) return `The password must have at most ${PASSWORD_MAX} characters.`;
  if (password.trim() !== password) return "The password cannot start or end with a space.";
  if (new Set(password).size < 4) return "The password repeats too few characters.";
  return null;
}
