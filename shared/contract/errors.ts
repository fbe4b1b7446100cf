/**
 * The error envelope every operation answers with when it fails, on every transport. Codes are
 * few and mean one thing each, so the renderer can say what to do about them.
 */
export const ERROR_CODES = {
  VALIDATION: "The input is not valid; the message names the field.",
  FORBIDDEN: "The operator's role on this connection does not allow this.",
  NOT_FOUND: "The user, role, profile or entry does not exist (any more).",
  CONFLICT: "The change clashes with existing data (e.g. the email belongs to another user).",
  CORE_UNREACHABLE: "The SuperTokens Core did not answer: check that it runs and the URI is right.",
  TIMEOUT: "The SuperTokens Core took too long to answer.",
  CORE_AUTH: "The SuperTokens Core refused the API key.",
  CDI_MISMATCH: "The SuperTokens Core speaks no CDI version this console supports.",
  CORE_ERROR: "The SuperTokens Core answered with an error.",
  NO_PROFILE: "No connection profile is active.",
  MAIL_FAILED: "The mail server could not be reached or refused the message.",
  INTERNAL: "Something went wrong inside Gatehouse.",
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export interface ErrorBody {
  code: ErrorCode;
  message: string;
  /** For VALIDATION: the path of the offending field, e.g. "uris[1]". */
  field?: string;
}

export type Envelope<T> = { ok: true; value: T } | { ok: false; error: ErrorBody };

/** What a client throws when an operation fails: the envelope's error, as an Error. */
export class GatehouseError extends Error {
  readonly code: ErrorCode;
  readonly field: string | undefined;

  constructor(body: ErrorBody) {
    super(body.message);
    this.name = "GatehouseError";
    this.code = body.code;
    this.field = body.field;
  }

  toBody(): ErrorBody {
    return this.field === undefined ? { code: this.code, message: this.message } : { code: this.code, message: this.message, field: this.field };
  }
}
