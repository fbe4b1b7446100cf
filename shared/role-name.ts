/**
 * What the console accepts as the name of a role it creates. The Core takes any string, but a
 * name with spaces or list separators breaks what comes after: role claims compared by eye, the
 * bulk-invite CSV's roles cell (split on ";" and "|"), and searches. Roles that exist already
 * keep whatever name they have; only new ones are held to this. Plain module: the renderer
 * checks it as the operator types, the contract checks it again in main.
 */
export const ROLE_NAME_MAX = 100;

const ALLOWED = /^[\p{L}\p{N}_.:/-]+$/u;

export const ROLE_NAME_RULE = 'letters, digits and - _ . : / only, no spaces (e.g. "support-lead")';

/** Why `name` (already trimmed) cannot be a new role's name, or null when it can. */
export function roleNameProblem(name: string): string | null {
  if (name === "") return "a role name is required";
  if (name.length > ROLE_NAME_MAX) return `a role name has at most ${ROLE_NAME_MAX} characters`;
  if (/\s/u.test(name)) return `a role name has no spaces: use ${ROLE_NAME_RULE}`;
  if (!ALLOWED.test(name)) return `a role name uses ${ROLE_NAME_RULE}`;
  return null;
}
