/** The connection-profile form's values, and turning them into profiles.create / update / test input. */
import type { ProfileView } from "../../../../shared/contract/schemas.ts";
import { DEFAULT_DATA_CONTRACT, type DataContract } from "../../../../shared/data-contract.ts";
import type { OperatorRole } from "../../../../shared/contract/permissions.ts";
import type { ProfileCreate, ProfileTest, ProfileUpdate } from "../../stores/profiles.ts";

export interface ProfileFormValues {
  name: string;
  /** One URI per line, or ";"-separated. */
  uris: string;
  /** A newly typed key; empty keeps the stored one (or none). */
  apiKey: string;
  /** Set when the operator pressed "Remove key". */
  removeKey: boolean;
  role: OperatorRole;
  defaultTenant: string;
  timeoutMs: string;
  contract: DataContract;
}

export const CONTRACT_LABELS: Record<keyof DataContract, string> = {
  emailAllowListId: "Email allow-list metadata id",
  phoneAllowListId: "Phone allow-list metadata id",
  allowListKey: "Allow-list key",
  secondFactorUserIdKey: "2FA Passwordless user id key",
  secondFactorClaim: "2FA session claim",
  phoneNumberPayloadKey: "Access-token phone key",
  temporaryPasswordKey: "Temporary-password flag key",
  inviterRole: "Inviter role",
  inviteKey: "Invite record key",
  migrationKey: "Migration record key",
};

export function emptyForm(): ProfileFormValues {
  return { name: "", uris: "http://localhost:3567", apiKey: "", removeKey: false, role: "admin", defaultTenant: "public", timeoutMs: "10000", contract: { ...DEFAULT_DATA_CONTRACT } };
}

export function formFromProfile(p: ProfileView): ProfileFormValues {
  return { name: p.name, uris: p.uris.join("\n"), apiKey: "", removeKey: false, role: p.role, defaultTenant: p.defaultTenant, timeoutMs: String(p.timeoutMs), contract: { ...p.contract } };
}

export const splitUris = (text: string): string[] =>
  text
    .split(/[\n;]/)
    .map((u) => u.trim())
    .filter(Boolean);

const timeout = (v: ProfileFormValues): number => (v.timeoutMs.trim() === "" ? Number.NaN : Number(v.timeoutMs));

export function toCreateInput(v: ProfileFormValues): ProfileCreate {
  const key = v.apiKey.trim();
  return { name: v.name, uris: splitUris(v.uris), role: v.role, defaultTenant: v.defaultTenant, timeoutMs: timeout(v), contract: v.contract, ...(key ? { apiKey: key } : {}) };
}

export function toUpdateInput(id: string, v: ProfileFormValues): ProfileUpdate {
  const key = v.apiKey.trim();
  const { apiKey: _typed, ...rest } = toCreateInput(v);
  return { id, ...rest, ...(key ? { apiKey: key } : v.removeKey ? { apiKey: null } : {}) };
}

/** Testing unsaved settings; while editing, the stored key is used unless a new one is typed or it is removed. */
export function toTestInput(v: ProfileFormValues, editingId: string | undefined): ProfileTest {
  const key = v.apiKey.trim();
  return {
    uris: splitUris(v.uris),
    timeoutMs: timeout(v),
    ...(key ? { apiKey: key } : editingId && !v.removeKey ? { keyFrom: editingId } : {}),
  };
}
