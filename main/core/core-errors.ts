/**
 * Turns whatever a Core call threw (supertokens-node's errors, fetch failures, timeouts) into
 * the console's typed errors, with a message that says what to do.
 */
import { GatehouseError } from "../../shared/contract/errors.ts";
import { isTimeout } from "./fetch-guard.ts";

const SDK_CORE_ERROR = /SuperTokens core threw an error for a (\w+) request to path: '([^']*)' with status code: (\d+) and message: ([\s\S]*)$/;

export function toGatehouseError(err: unknown, where: string): GatehouseError {
  if (err instanceof GatehouseError) return err;
  if (isTimeout(err)) {
    return new GatehouseError({ code: "TIMEOUT", message: `The SuperTokens Core at ${where} did not answer in time. Check its load and network, or raise the profile's timeout.` });
  }
  const message = err instanceof Error ? err.message : String(err);
  const core = SDK_CORE_ERROR.exec(message);
  if (core) {
    const [, , path, status, text] = core;
    const detail = (text ?? "").trim();
    if (status === "401") {
      return new GatehouseError({ code: "CORE_AUTH", message: `The SuperTokens Core at ${where} refused the API key (${detail}). Check the profile's API key.` });
    }
    if (status === "402") {
      return new GatehouseError({ code: "CORE_ERROR", message: `This Core has no licence for that feature: ${detail}` });
    }
    return new GatehouseError({ code: "CORE_ERROR", message: `The SuperTokens Core answered ${status} on ${path}: ${detail}` });
  }
  if (/not compatible with this NodeJS SDK/.test(message)) {
    return new GatehouseError({ code: "CDI_MISMATCH", message: `The SuperTokens Core at ${where} speaks no CDI version this console supports (it needs 5.x; SuperTokens Core 9 or newer).` });
  }
  if (isConnectionFailure(err)) {
    return new GatehouseError({ code: "CORE_UNREACHABLE", message: `Cannot reach the SuperTokens Core at ${where}. Check that it is running and the URI is right.` });
  }
  return new GatehouseError({ code: "INTERNAL", message: `Core call failed: ${message}` });
}

function isConnectionFailure(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const cause = (err as { cause?: { code?: string } }).cause;
  const code = cause?.code ?? (err as { code?: string }).code;
  return (
    (code !== undefined && ["ECONNREFUSED", "ECONNRESET", "ENOTFOUND", "EHOSTUNREACH", "EAI_AGAIN", "UND_ERR_SOCKET"].includes(code)) ||
    err.message === "fetch failed" ||
    /No SuperTokens core available to query/.test(err.message)
  );
}
