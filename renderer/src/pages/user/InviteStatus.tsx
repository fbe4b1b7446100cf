/**
 * The user's invite, when their metadata holds an invite record under the active profile's
 * `contract.inviteKey` (written by Gatehouse or the backend kit's invite API; `acceptedAt` is set
 * by the backend kit on the first sign-in): "Invited <date> by <who> — accepted <date>" or
 * "— pending". Nothing when the user was not invited.
 */
import { useStore } from "zustand";
import type { JsonObject } from "../../../../shared/contract/schemas.ts";
import { DEFAULT_DATA_CONTRACT } from "../../../../shared/data-contract.ts";
import { useStores } from "../../app/StoresContext.tsx";
import { formatDateTime } from "../../lib/format.ts";

interface Invite {
  invitedAt: number | null;
  invitedBy: string | null;
  acceptedAt: number | null;
}

/** The invite record under `key`, or null when there is none (or it is not an object). */
export function inviteOf(metadata: JsonObject, key: string): Invite | null {
  const value = metadata[key];
  if (typeof value !== "object" || value === null || Array.isArray(value)) return null;
  const v = value as Record<string, unknown>;
  const time = (x: unknown) => (typeof x === "number" && Number.isFinite(x) && x > 0 ? x : null);
  return {
    invitedAt: time(v.invitedAt),
    invitedBy: typeof v.invitedBy === "string" && v.invitedBy.trim() !== "" ? v.invitedBy : null,
    acceptedAt: time(v.acceptedAt),
  };
}

export function InviteStatus({ metadata }: { metadata: JsonObject }) {
  const { session } = useStores();
  const key = useStore(session, (s) => s.whoami?.profile?.contract.inviteKey) ?? DEFAULT_DATA_CONTRACT.inviteKey;
  const invite = inviteOf(metadata, key);
  if (!invite) return null;
  return (
    <div>
      <dt>Invite</dt>
      <dd data-testid="user-invite-status" data-status={invite.acceptedAt !== null ? "accepted" : "pending"}>
        Invited{invite.invitedAt !== null ? ` ${formatDateTime(invite.invitedAt)}` : ""}
        {invite.invitedBy !== null ? ` by ${invite.invitedBy}` : ""} —{" "}
        {invite.acceptedAt !== null ? <span className="badge badge--ok">accepted {formatDateTime(invite.acceptedAt)}</span> : <span className="badge">pending</span>}
      </dd>
    </div>
  );
}
