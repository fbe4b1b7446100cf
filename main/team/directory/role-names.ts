/**
 * Operator roles as UserRoles roles on the directory's Core. The prefix keeps them apart from an
 * app's own roles when the directory shares a Core with an app, and only a holder of one of them
 * is an operator: any other EmailPassword user of that Core cannot sign in to Gatehouse.
 */
import { OPERATOR_ROLES, type OperatorRole } from "../../../shared/contract/permissions.ts";

export const CORE_ROLE_PREFIX = "gatehouse-operator:";

export const coreRoleOf = (role: OperatorRole): string => `${CORE_ROLE_PREFIX}${role}`;

/** Least privilege first: an operator left holding two roles (a role change cut short) gets the lesser. */
const BY_PRIVILEGE: readonly OperatorRole[] = ["auditor", "support", "admin"];

/** The operator role among a user's Core roles (the least privileged when several), or null. */
export function operatorRoleFrom(coreRoles: readonly string[]): OperatorRole | null {
  const held = new Set(coreRoles);
  return BY_PRIVILEGE.find((role) => held.has(coreRoleOf(role))) ?? null;
}

export const ALL_CORE_ROLES = OPERATOR_ROLES.map(coreRoleOf);
