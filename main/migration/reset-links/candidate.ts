/**
 * Who may get a reset link: a user with an email-password login whose metadata carries the
 * temporary-password flag (seed 04). Looked up on the Core each time, so a user who has reset
 * their password since the list was made is not sent another link.
 */
import supertokens from "supertokens-node";
import UserMetadata from "supertokens-node/recipe/usermetadata";
import { GatehouseError } from "../../../shared/contract/errors.ts";
import type { DataContract } from "../../../shared/data-contract.ts";
import type { CoreClient } from "../../core/core-client.ts";
import type { Recipient } from "./deliver.ts";

export type Candidate = { ok: true; recipient: Recipient } | { ok: false; why: string };

/** The user's reset recipient, or why they get none. `tenantId`: the tenant to prefer when the login is in several. */
export async function resetCandidate(core: CoreClient, contract: DataContract, userId: string, tenantId: string): Promise<Candidate> {
  const [user, metadata] = await core.sdk(() => Promise.all([supertokens.getUser(userId), UserMetadata.getUserMetadata(userId).then((m) => m.metadata as Record<string, unknown>)]));
  if (!user) return { ok: false, why: `there is no user ${userId} on the Core` };
  const login = user.loginMethods.find((m) => m.recipeId === "emailpassword" && m.email !== undefined);
  if (!login?.email) return { ok: false, why: `user ${userId} has no email-password login (${user.loginMethods.map((m) => m.recipeId).join(", ") || "none"}), so there is no password to reset` };
  if (metadata[contract.temporaryPasswordKey] !== true) return { ok: false, why: `user ${userId} is not on a temporary password (no "${contract.temporaryPasswordKey}" flag): they have set their own` };
  const tenant = login.tenantIds.includes(tenantId) ? tenantId : (login.tenantIds[0] ?? tenantId);
  return { ok: true, recipient: { tenantId: tenant, userId: user.id, email: login.email } };
}

export async function requireCandidate(core: CoreClient, contract: DataContract, userId: string, tenantId: string): Promise<Recipient> {
  const found = await resetCandidate(core, contract, userId, tenantId);
  if (!found.ok) throw new GatehouseError({ code: found.why.startsWith("there is no user") ? "NOT_FOUND" : "CONFLICT", message: `No reset link: ${found.why}.` });
  return found.recipient;
}
