import type { OperatorRole } from "../../../../shared/contract/permissions.ts";

/** What each operator role may do, in a phrase (shared/contract/permissions.ts is the rule). */
export const ROLE_SUMMARY: Record<OperatorRole, string> = {
  admin: "everything, including operators and the server's connections",
  support: "reads everything, ends sessions, resends invites and sign-in links, resets second factors",
  auditor: "reads everything, changes nothing; phone numbers masked",
};
