/**
 * Records that an invited person accepted: on their first successful sign-in, `acceptedAt` is set
 * in their invite record (metadata `inviteKey`). Users without an invite record, and invites
 * already accepted, are left alone. Recording never fails the sign-in itself.
 */
import UserMetadata from "supertokens-node/recipe/usermetadata";
import { DEFAULT_DATA_CONTRACT, type DataContract } from "./data-contract.ts";
import { readInviteRecord } from "./invite.ts";
import { extendAPIs, type PasswordlessAPIOverride } from "./types.ts";

export interface InviteAcceptanceOptions {
  contract?: DataContract;
  now?: () => number;
  /** Called when recording fails (the sign-in still succeeds); default logs a warning. */
  onError?: (err: unknown, userId: string) => void;
}

/** Set `acceptedAt` if the user has an invite record without one. True when it was set now. */
export async function markInviteAccepted(userId: string, options: InviteAcceptanceOptions = {}, userContext?: Record<string, unknown>): Promise<boolean> {
  const contract = options.contract ?? DEFAULT_DATA_CONTRACT;
  const record = await readInviteRecord(userId, contract, userContext);
  if (record === undefined || record.acceptedAt !== undefined) return false;
  // The record is an object inside the metadata, which the Core replaces whole: write it all back,
  // keeping whatever else the console stored in it.
  await UserMetadata.updateUserMetadata(userId, { [contract.inviteKey]: { ...record, acceptedAt: (options.now ?? Date.now)() } }, userContext);
  return true;
}

/** A `consumeCodePOST` override that calls `markInviteAccepted` after every successful sign-in. */
export function recordInviteAcceptance(options: InviteAcceptanceOptions = {}): PasswordlessAPIOverride {
  const onError = options.onError ?? ((err, userId) => console.warn(`backend-kit: could not record invite acceptance of ${userId}:`, err));
  return (original) => {
    const consumeCodePOST = original.consumeCodePOST?.bind(original);
    if (consumeCodePOST === undefined) return original;
    return extendAPIs(original, {
      consumeCodePOST: async (input) => {
        const result = await consumeCodePOST(input);
        if (result.status === "OK") {
          try {
            await markInviteAccepted(result.user.id, options, input.userContext);
          } catch (err) {
            onError(err, result.user.id);
          }
        }
        return result;
      },
    });
  };
}
