/** Like useAsyncAction, for the team endpoints: keeps the TeamApiError (its code, field and retry time). */
import { TeamApiError } from "../api/team.ts";
import { type AsyncAction, useActionWithError } from "../lib/hooks.ts";

export type TeamAction<A extends unknown[]> = AsyncAction<A, TeamApiError>;

const toTeamError = (err: unknown): TeamApiError =>
  err instanceof TeamApiError ? err : new TeamApiError("INTERNAL", err instanceof Error ? err.message : String(err), 0);

export function useTeamAction<A extends unknown[]>(action: (...args: A) => Promise<unknown>): TeamAction<A> {
  return useActionWithError(action, toTeamError);
}

/** The error's message for one field (VALIDATION naming it), else undefined. */
export function teamFieldError(error: TeamApiError | null, field: string): string | undefined {
  if (!error || error.field !== field) return undefined;
  return error.message.startsWith(`${field}: `) ? error.message.slice(field.length + 2) : error.message;
}
