/** Reading what a person sent, with errors that name the field. */
import { emailProblem } from "../../shared/email.ts";
import { OPERATOR_ROLES, type OperatorRole } from "../../shared/contract/permissions.ts";
import { TeamError } from "./errors.ts";

/** The Core's own normalisation of an email (trimmed, lower case), after the console's check. */
export function readEmail(value: unknown, field = "email"): string {
  if (typeof value !== "string") throw new TeamError("VALIDATION", `${field}: give the email address.`, { field });
  const email = value.trim().toLowerCase();
  const problem = emailProblem(email);
  if (problem) throw new TeamError("VALIDATION", `${field}: this is not an email address: ${problem}.`, { field });
  return email;
}

export function readString(value: unknown, field: string, max = 1024): string {
  if (typeof value !== "string" || value === "") throw new TeamError("VALIDATION", `${field}: is missing.`, { field });
  if (value.length > max) throw new TeamError("VALIDATION", `${field}: is longer than ${max} characters.`, { field });
  return value;
}

export function readRole(value: unknown, field = "role"): OperatorRole {
  if (typeof value === "string" && (OPERATOR_ROLES as readonly string[]).includes(value)) return value as OperatorRole;
  throw new TeamError("VALIDATION", `${field}: must be one of ${OPERATOR_ROLES.join(", ")}.`, { field });
}
