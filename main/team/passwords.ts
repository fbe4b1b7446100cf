/**
 * The rule for operators' passwords (NIST SP 800-63B: length over composition rules). The Core
 * stores what it is given, so the rule is applied here before the Core is asked.
 */
export const PASSWORD_MIN = 12;
export const PASSWORD_MAX = 256;

/** Why the password cannot be used (a sentence), or null when it can. */
export function passwordProblem(password: string, email: string): string | null {
  if (password.length < PASSWORD_MIN) return `The password must have at least ${PASSWORD_MIN} characters.`;
  if (password.length > PASSWORD_MAX) return `The password must have at most ${PASSWORD_MAX} characters.`;
  if (password.trim() !== password) return "The password cannot start or end with a space.";
  if (new Set(password).size < 4) return "The password repeats too few characters.";
  const lower = password.toLowerCase();
  if (lower === email.toLowerCase() || lower === email.split("@")[0]?.toLowerCase()) return "The password cannot be your email address.";
  return null;
}
