/**
 * Seed 01's admin API: "create user and return the invite link". The caller needs a session whose
 * UserRoles claim holds the inviter role (`admin` by default, DataContract.inviterRole) in the
 * tenant the invite is for. Body: `{ "email": "…" }` or `{ "phoneNumber": "+…" }`, optionally
 * `"tenantId"` (default: the session's tenant). Answers
 * `{ status: "OK", userId, inviteLink, createdNewUser, invite }`; 400 for bad input, and the SDK's
 * own 401 (no session) / 403 (claim failed: not an admin) otherwise.
 *
 * The handler works on the SDK's custom-framework request/response (`PreParsedRequest`,
 * `CollectingResponse`), which any framework can build; node-http.ts does it for node:http.
 */
import { parsePhoneNumberFromString } from "libphonenumber-js";
import Session from "supertokens-node/recipe/session";
import UserRoles from "supertokens-node/recipe/userroles";
import { DEFAULT_DATA_CONTRACT, type DataContract } from "./data-contract.ts";
import { emailProblem } from "./email.ts";
import type { Contact } from "./contact.ts";
import { inviteUser, type InviteUserResult } from "./invite.ts";
import { handleSuperTokensError, sendJson, type Exchange } from "./node-http.ts";

export interface InviteApiOptions {
  contract?: DataContract;
  now?: () => number;
  /** Send the link (mail, SMS, …). Called after the user and link exist; a throw answers 502. */
  deliver?: (invite: InviteUserResult & { contact: Contact; tenantId: string }) => Promise<void>;
}


/** The contact and tenant of the request body, or a message saying what is wrong with it. */
export function parseInviteBody(body: unknown): { contact: Contact; tenantId: string | undefined } | { error: string } {
  if (typeof body !== "object" || body === null) return { error: "body must be a JSON object" };
  const { email, phoneNumber, tenantId } = body as Record<string, unknown>;
  if (tenantId !== undefined && (typeof tenantId !== "string" || tenantId === "")) return { error: "tenantId must be a non-empty string" };
  if ((email === undefined) === (phoneNumber === undefined)) return { error: "give exactly one of email or phoneNumber" };
  if (email !== undefined) {
    if (typeof email !== "string") return { error: "email must be a string" };
    const problem = emailProblem(email.trim());
    if (problem) return { error: `email is not a valid email address: ${problem}` };
    return { contact: { email: email.trim().toLowerCase() }, tenantId };
  }
  const phone = typeof phoneNumber === "string" ? parsePhoneNumberFromString(phoneNumber.trim()) : undefined;
  if (!phone?.isValid()) return { error: "phoneNumber must be a valid phone number in international format (E.164, e.g. +14155550123)" };
  return { contact: { phoneNumber: phone.format("E.164") }, tenantId };
}

export function createInviteHandler(options: InviteApiOptions = {}): (exchange: Exchange) => Promise<void> {
  const contract = options.contract ?? DEFAULT_DATA_CONTRACT;
  const role = contract.inviterRole;
  return async (exchange) => {
    let session;
    try {
      session = await Session.getSession(exchange.request, exchange.response, {
        overrideGlobalClaimValidators: (validators) => [...validators, UserRoles.UserRoleClaim.validators.includes(role)],
      });
    } catch (err) {
      if (await handleSuperTokensError(err, exchange)) return;
      throw err;
    }
    let body: unknown;
    try {
      body = await exchange.request.getJSONBody();
    } catch {
      return sendJson(exchange, 400, { status: "FIELD_ERROR", message: "body is not valid JSON" });
    }
    const parsed = parseInviteBody(body);
    if ("error" in parsed) return sendJson(exchange, 400, { status: "FIELD_ERROR", message: parsed.error });
    const tenantId = parsed.tenantId ?? session.getTenantId();
    // The claim was checked in the session's tenant; roles are per tenant, so check the target one too.
    if (tenantId !== session.getTenantId()) {
      const roles = await UserRoles.getRolesForUser(tenantId, session.getUserId());
      if (!roles.roles.includes(role)) return sendJson(exchange, 403, { message: `role "${role}" required in tenant ${tenantId}` });
    }
    const invite = await inviteUser({
      tenantId,
      contact: parsed.contact,
      invitedBy: session.getUserId(),
      contract,
      ...(options.now ? { now: options.now } : {}),
    });
    if (options.deliver) {
      try {
        await options.deliver({ ...invite, contact: parsed.contact, tenantId });
      } catch (err) {
        return sendJson(exchange, 502, {
          status: "DELIVERY_FAILED",
          message: `user created, but the invite could not be sent: ${err instanceof Error ? err.message : String(err)}`,
          userId: invite.userId,
          inviteLink: invite.inviteLink,
        });
      }
    }
    sendJson(exchange, 200, { status: "OK", userId: invite.userId, inviteLink: invite.inviteLink, createdNewUser: invite.createdNewUser, invite: invite.record ?? null });
  };
}
