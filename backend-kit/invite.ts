/**
 * Seed 01's invite: create the Passwordless user (`signInUp`) and a magic link for them
 * (`createMagicLink`), and record the invite in the user's metadata under the data contract's
 * `inviteKey` as `{ invitedAt, invitedBy }` so the console can show it as pending until the
 * person's first sign-in sets `acceptedAt` (see invite-acceptance.ts).
 */
import Passwordless from "supertokens-node/recipe/passwordless";
import UserMetadata from "supertokens-node/recipe/usermetadata";
import { DEFAULT_DATA_CONTRACT, type DataContract, type InviteRecord } from "./data-contract.ts";
import type { Contact } from "./contact.ts";

export interface InviteUserInput {
  tenantId: string;
  contact: Contact;
  /** Who invites (recorded as `invitedBy`): the admin's user id, or an operator name. */
  invitedBy: string;
  contract?: DataContract;
  now?: () => number;
  userContext?: Record<string, unknown>;
}

export interface InviteUserResult {
  userId: string;
  /** The magic link; it expires with the Core's Passwordless code lifetime (15 min by default). */
  inviteLink: string;
  /** false when the person already had an account: they get a fresh link, and no new invite record. */
  createdNewUser: boolean;
  /** The user's invite record after the call (undefined for an existing user who was never invited). */
  record: InviteRecord | undefined;
}

/** Reads the invite record of a user, if it has one of the right shape. */
export async function readInviteRecord(userId: string, contract: DataContract = DEFAULT_DATA_CONTRACT, userContext?: Record<string, unknown>): Promise<InviteRecord | undefined> {
  const { metadata } = await UserMetadata.getUserMetadata(userId, userContext);
  const value: unknown = metadata[contract.inviteKey];
  if (typeof value !== "object" || value === null) return undefined;
  const record = value as Partial<InviteRecord>;
  if (typeof record.invitedAt !== "number" || typeof record.invitedBy !== "string") return undefined;
  return record as InviteRecord;
}

export async function inviteUser(input: InviteUserInput): Promise<InviteUserResult> {
  const contract = input.contract ?? DEFAULT_DATA_CONTRACT;
  const now = input.now ?? Date.now;
  const { tenantId, contact, userContext } = input;
  // Creates the user when they do not exist yet (the invite-only guard then lets them sign in).
  const signedUp = await Passwordless.signInUp({ tenantId, ...contact, ...(userContext ? { userContext } : {}) });
  const userId = signedUp.user.id;
  let record = await readInviteRecord(userId, contract, userContext);
  if (signedUp.createdNewRecipeUser && record === undefined) {
    record = { invitedAt: now(), invitedBy: input.invitedBy };
    await UserMetadata.updateUserMetadata(userId, { [contract.inviteKey]: { ...record } }, userContext);
  }
  const inviteLink = await Passwordless.createMagicLink({ tenantId, ...contact, ...(userContext ? { userContext } : {}) });
  return { userId, inviteLink, createdNewUser: signedUp.createdNewRecipeUser, record };
}
