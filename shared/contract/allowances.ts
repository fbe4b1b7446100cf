/**
 * Which operations a role may call where a deployment may ask more than the contract's permission
 * for some of them (the team server makes switching and testing profiles an admin's). Main answers
 * it in session.whoami; the renderer hides a button per operation from it.
 */
import { OPERATIONS, type OperationName } from "./index.ts";
import { can, ROLE_PERMISSIONS, type OperatorRole, type Permission } from "./permissions.ts";

/** Where a deployment asks more than the contract's permission for an operation. */
export type PermissionOf = (name: OperationName, declared: Permission) => Permission;

export const permissionFor = (name: OperationName, permissionOf?: PermissionOf): Permission => permissionOf?.(name, OPERATIONS[name].permission) ?? OPERATIONS[name].permission;

export function allowedOperations(role: OperatorRole, permissionOf?: PermissionOf): OperationName[] {
  return (Object.keys(OPERATIONS) as OperationName[]).filter((n) => can(role, permissionFor(n, permissionOf)));
}

/**
 * What a role may really do where `permissionOf` asks more than the contract: its permissions,
 * less any whose every operation now needs one the role lacks (on a team server, support's
 * profiles:switch). session.whoami answers this, so the renderer hides what would be refused.
 */
export function effectivePermissions(role: OperatorRole, permissionOf?: PermissionOf): Permission[] {
  const held = ROLE_PERMISSIONS[role];
  if (!permissionOf) return [...held];
  const names = Object.keys(OPERATIONS) as OperationName[];
  return held.filter((p) => {
    const declaring = names.filter((n) => OPERATIONS[n].permission === p);
    return declaring.length === 0 || declaring.some((n) => can(role, permissionOf(n, p)));
  });
}
