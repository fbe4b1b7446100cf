/**
 * Which failures of an item are worth another attempt, and how long to wait before it:
 * transport errors (Core unreachable, timeout) and Core 5xx are; everything else is final. And how
 * often a job that waits for an unreachable Core looks again.
 */
import { GatehouseError } from "../../shared/contract/errors.ts";

export interface RetryPolicy {
  /** Attempts per item, counted across restarts, before it fails with the last error. */
  maxAttempts: number;
  /** Delay before the second attempt; doubled for each further one, up to capMs. */
  baseMs: number;
  capMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 6, baseMs: 500, capMs: 30_000 };

/** How often a job waiting for its Core looks again: from baseMs, doubled each time, up to capMs. */
export interface ProbePolicy {
  baseMs: number;
  capMs: number;
}

export const DEFAULT_PROBE: ProbePolicy = { baseMs: 500, capMs: 15_000 };

const CORE_5XX = /answered 5\d\d\b/;

export function isTransient(err: unknown): boolean {
  if (!(err instanceof GatehouseError)) return false;
  if (err.code === "CORE_UNREACHABLE" || err.code === "TIMEOUT") return true;
  return err.code === "CORE_ERROR" && CORE_5XX.test(err.message);
}

/** The Core could not be reached or did not answer in time (not an answer it gave, such as a 5xx). */
export function isOutage(err: unknown): boolean {
  return err instanceof GatehouseError && (err.code === "CORE_UNREACHABLE" || err.code === "TIMEOUT");
}

/** Exponential backoff with "equal jitter": half the step fixed, half random, so retries spread out. */
export function backoffMs(policy: RetryPolicy, attempt: number, random: () => number = Math.random): number {
  const step = Math.min(policy.capMs, policy.baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(step / 2 + random() * (step / 2));
}

export function errorText(err: unknown): string {
  if (err instanceof GatehouseError) return `${err.code}: ${err.message}`;
  return err instanceof Error ? err.message : String(err);
}
