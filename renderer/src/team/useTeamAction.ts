/** Like useAsyncAction, for the team endpoints: keeps the TeamApiError (its code, field and retry time). */
import { useCallback, useEffect, useRef, useState } from "react";
import { TeamApiError } from "../api/team.ts";

export interface TeamAction<A extends unknown[]> {
  run: (...args: A) => Promise<boolean>;
  pending: boolean;
  error: TeamApiError | null;
  reset: () => void;
}

export function useTeamAction<A extends unknown[]>(action: (...args: A) => Promise<unknown>): TeamAction<A> {
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<TeamApiError | null>(null);
  const mounted = useRef(true);
  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
    };
  }, []);
  const latest = useRef(action);
  latest.current = action;
  const run = useCallback(async (...args: A) => {
    setPending(true);
    setError(null);
    try {
      await latest.current(...args);
      return true;
    } catch (err) {
      if (mounted.current) setError(err instanceof TeamApiError ? err : new TeamApiError("INTERNAL", err instanceof Error ? err.message : String(err), 0));
      return false;
    } finally {
      if (mounted.current) setPending(false);
    }
  }, []);
  const reset = useCallback(() => setError(null), []);
  return { run, pending, error, reset };
}

/** The error's message for one field (VALIDATION naming it), else undefined. */
export function teamFieldError(error: TeamApiError | null, field: string): string | undefined {
  if (!error || error.field !== field) return undefined;
  return error.message.startsWith(`${field}: `) ? error.message.slice(field.length + 2) : error.message;
}
