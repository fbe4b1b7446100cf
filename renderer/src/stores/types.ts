/** Output shapes of the operations the stores keep, named for readability. */
import type { ErrorBody } from "../../../shared/contract/errors.ts";
import type { OutputOf } from "../../../shared/contract/index.ts";

export type Whoami = OutputOf<"session.whoami">;
export type ConnectionStatus = OutputOf<"connection.status">;
export type UserDetail = OutputOf<"users.get">;
export type SessionInfo = OutputOf<"users.sessions">["sessions"][number];
export type RoleSummary = OutputOf<"roles.list">["roles"][number];
export type RoleUser = OutputOf<"roles.users">["users"][number];
export type DeletePreview = OutputOf<"roles.deletePreview">;
export type AuditVerification = OutputOf<"audit.verify">;
export type ProfileTestResult = OutputOf<"profiles.test">;
export type OperatorView = OutputOf<"operators.list">["operators"][number];
export type Invited = OutputOf<"operators.invite">;
export type QuickSearchHit = OutputOf<"users.quickSearch">["hits"][number];

/** Where a screen's data is: not asked for yet, on its way, here, or failed (with why). */
export type LoadStatus = "idle" | "loading" | "ready" | "error";

export interface Loadable {
  status: LoadStatus;
  error: ErrorBody | null;
}
