/**
 * Errors of the team server's sign-in and operator management. Each code has its HTTP status, so
 * the routes answer them without a table of their own; messages say what to do and never carry a
 * secret. (When the server is wired, these codes join shared/contract/errors.ts.)
 */
export const TEAM_ERROR_STATUS = {
  VALIDATION: 400,
  /** Wrong email, password or code: said the same way whichever it was. */
  SIGN_IN_FAILED: 401,
  /** No session, or one that is forged, expired, ended or no longer matches the operator. */
  UNAUTHENTICATED: 401,
  /** A state-changing request without the session's CSRF token. */
  CSRF: 403,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  /** A set-password or second-factor link that is unknown, used or expired. */
  LINK_INVALID: 410,
  /** Too many failed sign-ins for the account or from the address. */
  RATE_LIMITED: 429,
  /** The operator directory's Core did not answer as expected. */
  DIRECTORY_UNAVAILABLE: 503,
  INTERNAL: 500,
} as const;

export type TeamErrorCode = keyof typeof TEAM_ERROR_STATUS;

export class TeamError extends Error {
  readonly code: TeamErrorCode;
  readonly field: string | undefined;
  /** For RATE_LIMITED: seconds until the next attempt may be made (the Retry-After header). */
  readonly retryAfterSec: number | undefined;

  constructor(code: TeamErrorCode, message: string, extra: { field?: string; retryAfterSec?: number } = {}) {
    super(message);
    this.name = "TeamError";
    this.code = code;
    this.field = extra.field;
    this.retryAfterSec = extra.retryAfterSec;
  }

  get status(): number {
    return TEAM_ERROR_STATUS[this.code];
  }

  toBody(): { code: TeamErrorCode; message: string; field?: string; retryAfterSec?: number } {
    return {
      code: this.code,
      message: this.message,
      ...(this.field !== undefined ? { field: this.field } : {}),
      ...(this.retryAfterSec !== undefined ? { retryAfterSec: this.retryAfterSec } : {}),
    };
  }
}
