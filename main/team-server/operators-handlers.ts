/**
 * The contract's operators.* operations on the team server, done by the team module's
 * OperatorAdmin for the caller the dispatcher hands over (it has checked operators:manage and
 * writes the audit entry; OperatorAdmin's own admin check stays as a second lock). Team errors
 * become the contract's error codes, so the console shows them like any other.
 */
import type { OperatorHandlers } from "../app.ts";
import type { Caller } from "../../shared/contract/caller.ts";
import { GatehouseError, type ErrorCode } from "../../shared/contract/errors.ts";
import { TeamError, type TeamErrorCode } from "../team/errors.ts";
import type { OperatorAdmin } from "../team/operators/admin.ts";

const CODES: Record<TeamErrorCode, ErrorCode> = {
  VALIDATION: "VALIDATION",
  FORBIDDEN: "FORBIDDEN",
  NOT_FOUND: "NOT_FOUND",
  CONFLICT: "CONFLICT",
  // The operator directory is a SuperTokens Core: said as the console says it of any Core.
  DIRECTORY_UNAVAILABLE: "CORE_UNREACHABLE",
  // None of these can come from an admin operation on a live session; if one does, it is a refusal.
  UNAUTHENTICATED: "FORBIDDEN",
  CSRF: "FORBIDDEN",
  SIGN_IN_FAILED: "FORBIDDEN",
  LINK_INVALID: "NOT_FOUND",
  RATE_LIMITED: "FORBIDDEN",
  INTERNAL: "INTERNAL",
};

export function toGatehouseError(err: unknown): unknown {
  if (!(err instanceof TeamError)) return err;
  return new GatehouseError({ code: CODES[err.code], message: err.message, ...(err.field !== undefined ? { field: err.field } : {}) });
}

/** The operator as OperatorAdmin knows them: the email the audit records, and the role. */
const actor = (caller: Caller) => ({ email: caller.operator, role: caller.role });

async function mapped<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    throw toGatehouseError(err);
  }
}

export function operatorHandlers(admin: OperatorAdmin): OperatorHandlers {
  return {
    "operators.list": (_input, caller) => mapped(async () => ({ operators: await admin.list(actor(caller)) })),
    "operators.invite": (input, caller) => mapped(() => admin.invite(actor(caller), input)),
    "operators.setRole": (input, caller) => mapped(() => admin.setRole(actor(caller), input)),
    "operators.remove": (input, caller) => mapped(() => admin.remove(actor(caller), input)),
    "operators.resetSecondFactor": (input, caller) => mapped(() => admin.resetSecondFactor(actor(caller), input)),
  };
}
