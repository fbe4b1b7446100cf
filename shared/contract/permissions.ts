/**
 * Operator roles and what each may do. The main process checks these on every call; the
 * renderer only uses them to hide what would be refused.
 */
export const OPERATOR_ROLES = ["admin", "support", "auditor"] as const;
export type OperatorRole = (typeof OPERATOR_ROLES)[number];

export const PERMISSIONS = [
  "profiles:read",
  "profiles:switch",
  "profiles:write",
  "users:read",
  "users:export",
  "users:write",
  "sessions:revoke",
  "second-factor:reset",
  "roles:read",
  "roles:write",
  "audit:read",
  "invites:read",
  "invites:write",
  "invites:resend",
  "allowlists:read",
  "allowlists:write",
  "jobs:read",
  "jobs:control",
  /** Read migration progress (roster, index, snapshots, lists, reports) and refresh the user index. */
  "migration:read",
  /** Set the migration source (roster) and the end criterion. */
  "migration:write",
  /** Plan and run the end of the migration (bulk-create every roster user not yet migrated). */
  "migration:end",
  /** Send password-reset links to users on a temporary password (one, or all of them as a job with jobs:control). */
  "reset-links:send",
  /** May see working sign-in links (magic links, reset links): the roles that may send them. */
  "links:read",
  /** May see phone numbers in full (everyone else gets them masked, in every answer and export). */
  "phones:read",
  /** On a team server: invite and remove operators, set their roles, reset their second factor. */
  "operators:manage",
  /** On the desktop: keep the list of Gatehouse team servers (a link grants nothing: the server gives the role). */
  "servers:write",
] as const;
export type Permission = (typeof PERMISSIONS)[number];

const READ: Permission[] = [
  "profiles:read",
  "profiles:switch",
  "users:read",
  "users:export",
  "roles:read",
  "audit:read",
  "invites:read",
  "allowlists:read",
  "jobs:read",
  "migration:read",
];

/** What every role may do: read, and keep its own list of Gatehouse servers. */
const EVERY_ROLE: Permission[] = [...READ, "servers:write"];

export const ROLE_PERMISSIONS: Readonly<Record<OperatorRole, readonly Permission[]>> = {
  admin: PERMISSIONS,
  support: [...EVERY_ROLE, "sessions:revoke", "invites:resend", "second-factor:reset", "reset-links:send", "links:read", "phones:read"],
  auditor: EVERY_ROLE,
};

export const can = (role: OperatorRole, permission: Permission): boolean => ROLE_PERMISSIONS[role].includes(permission);
