/** Small React hooks the pages share. */
import { useCallback, useEffect, useRef, useState } from "react";
import type { ErrorBody } from "../../../shared/contract/errors.ts";
import { toErrorBody } from "../api/errors.ts";

/** `value`, once it has stopped changing for `delayMs`. */
export function useDebounced<T>(value: T, delayMs: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), delayMs);
    return () => clearTimeout(timer);
  }, [value, delayMs]);
  return settled;
}

export interface AsyncAction<A extends unknown[], E = ErrorBody> {
  run: (...args: A) => Promise<boolean>;
  pending: boolean;
  error: E | null;
  reset: () => void;
}

/** Runs an operation from a button or form, tracking pending and the error to show; resolves true on success. */
export function useAsyncAction<A extends unknown[]>(action: (...args: A) => Promise<unknown>): AsyncAction<A> {
  return useActionWithError(action, toErrorBody);
}

/**
 * useAsyncAction with the caught error turned into `E` by `toError`, for callers that need more than the
 * envelope's error (the team endpoints keep their TeamApiError). `toError` is read once, so pass a stable function.
 */
export function useActionWithError<A extends unknown[], E>(action: (...args: A) => Promise<unknown>, toError: (err: unknown) => E): AsyncAction<A, E> {
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<E | null>(null);
  const mounted = useRef(true);
  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
    };
  }, []);
  const latest = useRef(action);
  latest.current = action;
  const convert = useRef(toError);
  const run = useCallback(async (...args: A) => {
    setPending(true);
    setError(null);
    try {
      await latest.current(...args);
      return true;
    } catch (err) {
      if (mounted.current) setError(convert.current(err));
      return false;
    } finally {
      if (mounted.current) setPending(false);
    }
  }, []);
  const reset = useCallback(() => setError(null), []);
  return { run, pending, error, reset };
}
