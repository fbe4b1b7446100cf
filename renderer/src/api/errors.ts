/** Turning whatever an operation threw into the envelope's error, and saying what to do about it. */
import { type ErrorBody, GatehouseError } from "../../../shared/contract/errors.ts";

export function toErrorBody(err: unknown): ErrorBody {
  if (err instanceof GatehouseError) return err.toBody();
  if (err instanceof Error) return { code: "INTERNAL", message: err.message };
  return { code: "INTERNAL", message: String(err) };
}

export function adviceFor(error: ErrorBody, role?: string): string {
  switch (error.code) {
    case "VALIDATION":
      return error.field ? `Correct the field "${error.field}" and try again.` : "Correct the input and try again.";
    case "FORBIDDEN":
      return `Your operator role${role ? ` (${role})` : ""} on this connection does not allow this. Ask an admin, or switch to a profile whose role may.`;
    case "NOT_FOUND":
      return "It may have been deleted or renamed meanwhile. Refresh, and check the id.";
    case "CONFLICT":
      return "Something else already uses this. Refresh to see the current state, then try again.";
    case "CORE_UNREACHABLE":
      return "Check that the SuperTokens Core is running and that the profile's Core URI is right (Connections → Test connection).";
    case "TIMEOUT":
      return "The Core is slow or overloaded. Try again, or raise the profile's timeout under Connections.";
    case "CORE_AUTH":
      return "Check the profile's API key under Connections: it must be one of the Core's api_keys.";
    case "CDI_MISMATCH":
      return "This Core's version is not supported. Test connection under Connections lists the CDI versions it speaks.";
    case "CORE_ERROR":
      return "The Core refused the request; its answer is above. The Core's logs may say more.";
    case "NO_PROFILE":
      return "Add a connection profile, or switch to one, under Connections.";
    case "MAIL_FAILED":
      return "Check the SMTP settings under Invites → Invite settings; the invite was recorded and can be resent from the list.";
    case "INTERNAL":
      return "Try again. If it keeps happening, restart Gatehouse and report this message.";
  }
}

/** Codes about the connection, where the Connections page is the place to fix things. */
export const isConnectionProblem = (error: ErrorBody): boolean =>
  ["CORE_UNREACHABLE", "TIMEOUT", "CORE_AUTH", "CDI_MISMATCH", "NO_PROFILE"].includes(error.code);

/** The message of a VALIDATION error for one form field (or a nested path under it). */
export function fieldError(error: ErrorBody | null, field: string): string | undefined {
  if (!error || error.code !== "VALIDATION" || !error.field) return undefined;
  const f = error.field;
  if (f !== field && !f.startsWith(`${field}.`) && !f.startsWith(`${field}[`)) return undefined;
  const prefix = `${f}: `;
  return error.message.startsWith(prefix) ? error.message.slice(prefix.length) : error.message;
}
