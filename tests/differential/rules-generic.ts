/**
 * Rules every answer follows, whatever the state: the Core's status strings for each SDK call,
 * no 5xx and no dropped connection, and for raw requests the Core's forms of an answer (a JSON
 * object with a known status, or a one-line plain-text error in text/html). Recorded exchanges
 * must come back exactly as recorded.
 */
import { isDeepStrictEqual } from "node:util";
import type { Outcome } from "./execute.ts";
import type { Args } from "./op.ts";
import type { RawAnswer } from "./raw.ts";
import { RECORDED } from "./recorded.ts";

const STATUSES: Record<string, string[]> = {
  "EmailPassword.signUp": ["OK", "EMAIL_ALREADY_EXISTS_ERROR"],
  "EmailPassword.signIn": ["OK", "WRONG_CREDENTIALS_ERROR"],
  "EmailPassword.createResetPasswordToken": ["OK", "UNKNOWN_USER_ID_ERROR"],
  "EmailPassword.consumePasswordResetToken": ["OK", "RESET_PASSWORD_INVALID_TOKEN_ERROR"],
  "EmailPassword.updateEmailOrPassword": [
    "OK",
    "UNKNOWN_USER_ID_ERROR",
    "EMAIL_ALREADY_EXISTS_ERROR",
    "PASSWORD_POLICY_VIOLATED_ERROR",
    "EMAIL_CHANGE_NOT_ALLOWED_ERROR",
  ],
  "Passwordless.signInUp": ["OK"],
  "Passwordless.createCode": ["OK"],
  "Passwordless.consumeCode": ["OK", "INCORRECT_USER_INPUT_CODE_ERROR", "EXPIRED_USER_INPUT_CODE_ERROR", "RESTART_FLOW_ERROR"],
  "Passwordless.createNewCodeForDevice": ["OK", "RESTART_FLOW_ERROR", "USER_INPUT_CODE_ALREADY_USED_ERROR"],
  "Passwordless.revokeAllCodes": ["OK"],
  "Passwordless.revokeCode": ["OK"],
  "Passwordless.updateUser": [
    "OK",
    "UNKNOWN_USER_ID_ERROR",
    "EMAIL_ALREADY_EXISTS_ERROR",
    "PHONE_NUMBER_ALREADY_EXISTS_ERROR",
    "EMAIL_CHANGE_NOT_ALLOWED_ERROR",
    "PHONE_NUMBER_CHANGE_NOT_ALLOWED_ERROR",
  ],
  "EmailVerification.createEmailVerificationToken": ["OK", "EMAIL_ALREADY_VERIFIED_ERROR"],
  "EmailVerification.verifyEmailUsingToken": ["OK", "EMAIL_VERIFICATION_INVALID_TOKEN_ERROR"],
  "EmailVerification.revokeEmailVerificationTokens": ["OK"],
  "EmailVerification.unverifyEmail": ["OK"],
  createUserIdMapping: ["OK", "UNKNOWN_SUPERTOKENS_USER_ID_ERROR", "USER_ID_MAPPING_ALREADY_EXISTS_ERROR"],
  getUserIdMapping: ["OK", "UNKNOWN_MAPPING_ERROR"],
  deleteUserIdMapping: ["OK"],
  updateOrDeleteUserIdMappingInfo: ["OK", "UNKNOWN_MAPPING_ERROR"],
  deleteUser: ["OK"],
  "UserMetadata.getUserMetadata": ["OK"],
  "UserMetadata.updateUserMetadata": ["OK"],
  "UserMetadata.clearUserMetadata": ["OK"],
  "UserRoles.createNewRoleOrAddPermissions": ["OK"],
  "UserRoles.getPermissionsForRole": ["OK", "UNKNOWN_ROLE_ERROR"],
  "UserRoles.removePermissionsFromRole": ["OK", "UNKNOWN_ROLE_ERROR"],
  "UserRoles.deleteRole": ["OK"],
  "UserRoles.getAllRoles (this run's)": ["OK"],
  "UserRoles.getRolesThatHavePermission (this run's)": ["OK"],
  "UserRoles.addRoleToUser": ["OK", "UNKNOWN_ROLE_ERROR"],
  "UserRoles.removeUserRole": ["OK", "UNKNOWN_ROLE_ERROR"],
  "UserRoles.getRolesForUser": ["OK"],
  "UserRoles.getUsersThatHaveRole": ["OK", "UNKNOWN_ROLE_ERROR"],
  "Multitenancy.createOrUpdateTenant": ["OK"],
  "Multitenancy.deleteTenant": ["OK"],
  "Multitenancy.getTenant": ["OK"],
  "Multitenancy.listAllTenants (this run's)": ["OK"],
  "Multitenancy.associateUserToTenant": [
    "OK",
    "UNKNOWN_USER_ID_ERROR",
    "EMAIL_ALREADY_EXISTS_ERROR",
    "PHONE_NUMBER_ALREADY_EXISTS_ERROR",
    "THIRD_PARTY_USER_ALREADY_EXISTS_ERROR",
    "ASSOCIATION_NOT_ALLOWED_ERROR",
  ],
  "Multitenancy.disassociateUserFromTenant": ["OK", "UNKNOWN_USER_ID_ERROR"],
};

/** Status strings a raw JSON answer may carry (any the Core sends on the endpoints exercised). */
const RAW_STATUSES = new Set([
  ...Object.values(STATUSES).flat(),
  "UNAUTHORISED",
  "TRY_REFRESH_TOKEN",
  "TOKEN_THEFT_DETECTED",
  "TENANT_NOT_FOUND_ERROR",
  "USER_INPUT_CODE_ALREADY_USED_ERROR",
]);

const TEXT = "text/html;charset=UTF-8";
const JSON_TYPE = "application/json;charset=UTF-8";

function coreStatusCode(message: string): number | undefined {
  const m = /SuperTokens core threw an error for a \w+ request to path: '.*' with status code: (\d+)/s.exec(message);
  return m ? Number(m[1]) : undefined;
}

function checkRaw(answer: RawAnswer, args: Args, out: string[]): void {
  const { status, contentType, body } = answer;
  if (status >= 500 && status !== 501) {
    // The Core's one 5xx on these endpoints: a cdi-version header that is not a version.
    if (!(status === 500 && body === "java.lang.IllegalArgumentException: Invalid version format\n")) {
      out.push(`a raw request got ${status} ${JSON.stringify(body)}`);
    }
    return;
  }
  if (status === 501) {
    if (args.method !== "PATCH") out.push(`501 for ${String(args.method)}`);
    return;
  }
  if (status !== 200) {
    if (contentType !== TEXT) out.push(`a ${status} error came as ${contentType}, not ${TEXT}`);
    if (typeof body !== "string" || !body.endsWith("\n") || body.slice(0, -1).includes("\n") || body.length < 2) {
      out.push(`a ${status} error is not one line of text ending in a newline: ${JSON.stringify(body)}`);
    }
    if (![400, 401, 402, 403, 404, 405].includes(status)) out.push(`unexpected error status ${status}`);
    return;
  }
  if (typeof body === "string") {
    if (body !== "Hello\n") out.push(`a 200 answer in plain text that is not Hello: ${JSON.stringify(body)}`);
    return;
  }
  if (contentType !== JSON_TYPE) out.push(`a JSON answer came as ${contentType}`);
  const s = (body as { status?: unknown }).status;
  if (s !== undefined && !RAW_STATUSES.has(String(s))) out.push(`unknown status ${JSON.stringify(s)}`);
}

/** The rules that hold for one step whatever the Core held before it. */
export function genericViolations(kind: string, args: Args, outcome: Outcome): string[] {
  const out: string[] = [];
  if ("threw" in outcome) {
    const code = coreStatusCode(outcome.threw);
    if (code !== undefined && code >= 500) out.push(`the Core answered ${code}: ${outcome.threw}`);
    if (/fetch failed|ECONNRESET|socket hang up|ECONNREFUSED/.test(outcome.threw)) out.push(`the connection failed: ${outcome.threw}`);
    return out;
  }
  const value = outcome.ok;
  if (kind === "raw" || kind === "metadata bulk (raw)") {
    checkRaw(value as RawAnswer, args, out);
  } else if (kind === "recorded") {
    const e = RECORDED.get(args.name as string);
    const got = value as RawAnswer;
    if (e) {
      const want = { status: e.response.status, contentType: e.response.headers["content-type"] ?? null, body: e.response.body };
      // The API version list is a set; its order in the recording is a Java hash order.
      const sortVersions = (x: unknown) =>
        x !== null && typeof x === "object" && Array.isArray((x as { versions?: unknown }).versions)
          ? { versions: [...(x as { versions: string[] }).versions].sort() }
          : x;
      if (!isDeepStrictEqual({ ...got, body: sortVersions(got.body) }, { ...want, body: sortVersions(want.body) })) {
        out.push(`recorded exchange ${e.name}: expected ${JSON.stringify(want)}, got ${JSON.stringify(got)}`);
      }
    }
  } else {
    const allowed = STATUSES[kind];
    const s = value !== null && typeof value === "object" ? (value as { status?: unknown }).status : undefined;
    if (allowed && s !== undefined && !allowed.includes(String(s))) out.push(`status ${JSON.stringify(s)} is not one of ${allowed.join(", ")}`);
  }
  return out;
}
