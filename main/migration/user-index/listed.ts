/**
 * What the local user index keeps of a SuperTokens user, from its listing and its metadata, the
 * same on SQLite and PostgreSQL: the listed user with a signature of its listing's fields, the
 * metadata columns the console filters on, its search keys, and what a write of listed users
 * changes (write-plan.ts).
 */
import { createHash } from "node:crypto";
import type supertokens from "supertokens-node";
import type { JsonObject } from "../../../shared/contract/schemas.ts";
import type { DataContract } from "../../../shared/data-contract.ts";

export type SdkUser = NonNullable<Awaited<ReturnType<typeof supertokens.getUser>>>;

/** A user as the listing shows it, ready to be indexed. */
export interface ListedUser {
  id: string;
  timeJoined: number;
  emails: string[];
  phones: string[];
  recipes: string[];
  tenantIds: string[];
  emailVerified: boolean;
  plPhone: string | null;
  sig: string;
}

/** What the index keeps of a user's metadata. */
export interface MetaColumns {
  temp: boolean;
  sfLink: string | null;
  invite: "invited" | "accepted" | null;
  migLegacyId: string | null;
  migAt: number | null;
  migVia: string | null;
}

export function listedUser(u: SdkUser): ListedUser {
  const methods = u.loginMethods.map((m) => [m.recipeId, m.recipeUserId.getAsString(), m.email ?? null, m.phoneNumber ?? null, m.verified, m.tenantIds, m.thirdParty?.id ?? null]);
  const sig = createHash("sha1")
    .update(JSON.stringify([u.id, u.timeJoined, u.emails, u.phoneNumbers, u.tenantIds, methods]))
    .digest("base64")
    .slice(0, 16);
  return {
    id: u.id,
    timeJoined: u.timeJoined,
    emails: u.emails,
    phones: u.phoneNumbers,
    recipes: [...new Set(u.loginMethods.map((m) => m.recipeId))],
    tenantIds: u.tenantIds,
    emailVerified: u.loginMethods.some((m) => m.email !== undefined && m.verified),
    plPhone: u.loginMethods.find((m) => m.recipeId === "passwordless" && m.phoneNumber)?.phoneNumber ?? null,
    sig,
  };
}

const isObject = (v: unknown): v is JsonObject => typeof v === "object" && v !== null && !Array.isArray(v);

/** A user's search keys: emails, their domains as "@domain" (a search matches an email's start or its domain's), phones; lower case. */
export function searchKeys(emails: readonly string[], phones: readonly string[]): string[] {
  const domains = emails.map((e) => `@${e.slice(e.indexOf("@") + 1)}`);
  return [...new Set([...emails, ...domains, ...phones].map((k) => k.toLowerCase()))];
}

export function metaColumns(meta: JsonObject, contract: DataContract): MetaColumns {
  const link = meta[contract.secondFactorUserIdKey];
  const invite = meta[contract.inviteKey];
  const mig = meta[contract.migrationKey];
  return {
    temp: meta[contract.temporaryPasswordKey] === true,
    // An empty link is no link (as the Users list and the backend kit read it).
    sfLink: typeof link === "string" && link !== "" ? link : null,
    invite: isObject(invite) && typeof invite.invitedAt === "number" ? (typeof invite.acceptedAt === "number" ? "accepted" : "invited") : null,
    migLegacyId: isObject(mig) && typeof mig.legacyId === "string" ? mig.legacyId : null,
    migAt: isObject(mig) && typeof mig.migratedAt === "number" ? mig.migratedAt : null,
    migVia: isObject(mig) && typeof mig.via === "string" ? mig.via : null,
  };
}

/** A user's row as indexed: its signature, and what its tenant and key rows were made from. */
export interface Indexed {
  sig: string;
  time_joined: number;
  emails: string;
  phones: string;
  tenant_ids: string;
  temp_password: number;
  sf_link: string | null;
  invite_state: string | null;
  roster_rel: string;
  sf_state: string;
  mig_legacy_id: string | null;
  mig_at: number | null;
  mig_via: string | null;
}

export const INDEXED = "sig, time_joined, emails, phones, tenant_ids, temp_password, sf_link, invite_state, roster_rel, sf_state, mig_legacy_id, mig_at, mig_via";

export const EMPTY_META: Readonly<MetaColumns> = Object.freeze({ temp: false, sfLink: null, invite: null, migLegacyId: null, migAt: null, migVia: null });

/** A linked second factor is "linked" until the end of the scan resolves it (enrolled or broken). */
export const sfOf = (link: string | null) => (link === null ? "none" : "linked");

/** Whether what the index keeps of a user's metadata differs from what was just read. */
export function metaChanged(old: Indexed, m: MetaColumns): boolean {
  return (
    (old.temp_password === 1) !== m.temp ||
    old.sf_link !== m.sfLink ||
    old.invite_state !== m.invite ||
    old.mig_legacy_id !== m.migLegacyId ||
    old.mig_at !== m.migAt ||
    old.mig_via !== m.migVia
  );
}

/** A staged user's columns (user_index_stage, after job_id), as a full scan appends them. */
export function stageValues(u: ListedUser, m: MetaColumns): unknown[] {
  return [u.id, u.timeJoined, JSON.stringify(u.emails), JSON.stringify(u.phones), JSON.stringify(u.recipes), JSON.stringify(u.tenantIds), u.emailVerified ? 1 : 0, u.sig, u.plPhone, m.temp ? 1 : 0, m.sfLink, m.invite, m.migLegacyId, m.migAt, m.migVia];
}
