/**
 * The rule for a team server's operators' passwords (NIST SP 800-63B: length over composition
 * rules), one rule for both sides: the server applies it before the directory's Core is asked
 * (the Core stores what it is given); the set-password page applies it as you type, without the
 * email (which only the server knows: a password equal to it is refused there).
 */
export const PASSWORD_MIN = 12;
export const PASSWORD_MAX = 256;

export const PASSWORD_RULE = `At least ${PASSWORD_MIN} characters; a long phrase is best. No space at the start or end, and not your email address.`;

/** Why the password cannot be used (a sentence), or null when it can. */
export function passwordProblem(password: string, email?: string): string | null {
  if (password.length < PASSWORD_MIN) return `The password must have at least ${PASSWORD_MIN} characters.`;
  if (password.length > PASSWORD_MAX) return `The password must have at most ${PASSWORD_MAX} characters.`;
  if (password.trim() !== password) return "The password cannot start or end with a space.";
  if (new Set(password).size < 4) return "The password repeats too few characters.";
  const lower = password.toLowerCase();
  if (email !== undefined && (lower === email.toLowerCase() || lower === email.split("@")[0]?.toLowerCase())) return "The password cannot be your email address.";
  return null;
}
