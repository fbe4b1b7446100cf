/**
 * A bulk-import user as the Core keeps it (plugin interface BulkImportUser): its fields in the
 * Core's order, absent when null, as Gson writes them. The staged JSON is what
 * GET /bulk-import/users lists (plain-text passwords included, as sent); the id is the primary
 * login method's SuperTokens user id, which becomes the imported user's id.
 */
import type { JsonObject } from "../http/input.ts";

export type BulkImportStatus = "NEW" | "PROCESSING" | "FAILED";
export const BULK_IMPORT_STATUSES: readonly BulkImportStatus[] = ["NEW", "PROCESSING", "FAILED"];

export type HashingAlgorithm = "BCRYPT" | "ARGON2" | "FIREBASE_SCRYPT";

export interface BulkLoginMethod {
  tenantIds: string[];
  isVerified: boolean;
  isPrimary: boolean;
  timeJoinedInMSSinceEpoch: number;
  recipeId: string;
  email?: string;
  passwordHash?: string;
  /** The normalised name (upper case) when it is one the Core knows, else as sent. */
  hashingAlgorithm?: string;
  plainTextPassword?: string;
  thirdPartyId?: string;
  thirdPartyUserId?: string;
  phoneNumber?: string;
  superTokensUserId: string;
  /** Set on the primary login method once its user-id mapping is made (never staged). */
  externalUserId?: string;
}

export interface BulkUserRole {
  role: string;
  tenantIds: string[];
}

export interface BulkImportUser {
  id: string;
  externalUserId?: string;
  userMetadata?: JsonObject;
  userRoles?: BulkUserRole[];
  totpDevices?: JsonObject[];
  loginMethods: BulkLoginMethod[];
}

/** BulkImportUserUtils.getPrimaryLoginMethod: the one marked primary, else the oldest (the first of equals). */
export function primaryLoginMethod(methods: readonly BulkLoginMethod[]): BulkLoginMethod {
  const [first] = methods;
  if (!first) throw new Error("a bulk-import user has at least one login method");
  let oldest = first;
  for (const m of methods) {
    if (m.isPrimary) return m;
    if (m.timeJoinedInMSSinceEpoch < oldest.timeJoinedInMSSinceEpoch) oldest = m;
  }
  return oldest;
}

/** A login method's fields in the Core's order (Gson serialises declared fields in order, skipping nulls). */
export function loginMethodJson(m: BulkLoginMethod): JsonObject {
  const keys: (keyof BulkLoginMethod)[] = [
    "tenantIds",
    "isVerified",
    "isPrimary",
    "timeJoinedInMSSinceEpoch",
    "recipeId",
    "email",
    "passwordHash",
    "hashingAlgorithm",
    "plainTextPassword",
    "thirdPartyId",
    "thirdPartyUserId",
    "phoneNumber",
    "superTokensUserId",
    "externalUserId",
  ];
  const out: JsonObject = {};
  for (const k of keys) if (m[k] !== undefined) out[k] = m[k];
  return out;
}

/** The staged JSON (BulkImportUser.toRawDataForDbStorage), fields in the Core's order. */
export function stagedJson(u: BulkImportUser): JsonObject {
  const out: JsonObject = { id: u.id };
  if (u.externalUserId !== undefined) out.externalUserId = u.externalUserId;
  if (u.userMetadata !== undefined) out.userMetadata = u.userMetadata;
  if (u.userRoles !== undefined) out.userRoles = u.userRoles;
  if (u.totpDevices !== undefined) out.totpDevices = u.totpDevices;
  out.loginMethods = u.loginMethods.map(loginMethodJson);
  return out;
}

/** BulkImportUser.toResponseJson: what POST /bulk-import/users answers for each staged user. */
export function stagedResponseJson(u: BulkImportUser): JsonObject {
  return {
    userId: u.externalUserId ?? u.id,
    loginMethods: u.loginMethods.map((m) => {
      const lm: JsonObject = { recipeId: m.recipeId, userId: m.externalUserId ?? m.superTokensUserId, tenants: m.tenantIds };
      // Gson's addProperty keeps a null here, and the response is written with nulls.
      if (m.recipeId === "emailpassword") lm.email = m.email ?? null;
      else if (m.recipeId === "thirdparty") Object.assign(lm, { email: m.email ?? null, thirdpartyId: m.thirdPartyId ?? null, thirdpartyUserId: m.thirdPartyUserId ?? null });
      else if (m.recipeId === "passwordless") Object.assign(lm, { email: m.email ?? null, phoneNumber: m.phoneNumber ?? null });
      return lm;
    }),
  };
}
