/**
 * One roster user's account on the plain supertokens-node path, as seed 04's backend makes it:
 * sign-up (a random temporary password) or the Core's password-hash import (the legacy hash),
 * then the user-id mapping to the legacy id (before any metadata: the Core refuses metadata for
 * a mapped user's SuperTokens id), then the metadata and the email verification.
 *
 * Never a second account: "signing-up" is journaled before the sign-up, so a repeat after a
 * crash looks on the Core first and adopts the account it finds (mapped to this legacy id, or
 * unmapped with this email and made after the mark), completing what is missing. Without the
 * mark (nothing of ours was tried), an account found is someone else's: the user migrated
 * meanwhile, or a conflict. An item never tried before signs up at once (the dry run looked);
 * the sign-up refusing the email is then the look.
 */
import supertokens from "supertokens-node";
import EmailPassword from "supertokens-node/recipe/emailpassword";
import EmailVerification from "supertokens-node/recipe/emailverification";
import UserMetadata from "supertokens-node/recipe/usermetadata";
import { GatehouseError } from "../../../shared/contract/errors.ts";
import type { MigrationEndItem } from "../../../shared/contract/operations/migration-end.ts";
import type { DataContract } from "../../../shared/data-contract.ts";
import type { CoreClient } from "../../core/core-client.ts";
import type { RosterEntry } from "../roster/types.ts";
import type { Mark, Marks } from "./marks.ts";
import { accountMetadata, temporaryPassword } from "./record.ts";

type Metadata = Parameters<typeof UserMetadata.updateUserMetadata>[1];

/** A made account (its SuperTokens id; whether this job created it), or why the item is skipped. */
export type AccountOutcome = { superTokensId: string; created: boolean } | { skip: string };

export interface AccountContext {
  core: CoreClient;
  contract: DataContract;
  provider: string;
  marks: Marks;
  jobId: string;
  index: number;
  /** Nothing was ever tried for the item. */
  fresh: boolean;
  now: () => number;
}

/** A clock skew allowance between Gatehouse and the Core when telling our account from an older one. */
const SKEW_MS = 5 * 60_000;

const tenantPath = (tenantId: string, path: string) => (tenantId === "public" ? path : `/${tenantId}${path}`);

interface Found {
  /** The account mapped to the legacy id, with its metadata. */
  mapped?: { superTokensId: string; metadata: Record<string, unknown> };
  /** An account with the email in the tenant, if it is not the mapped one. */
  byEmail?: { id: string; superTokensId: string; timeJoined: number; mapped: boolean; methods: string };
}

async function lookUp(core: CoreClient, item: MigrationEndItem): Promise<Found> {
  const [mapping, users] = await core.sdk(() =>
    Promise.all([supertokens.getUserIdMapping({ userId: item.legacyId, userIdType: "EXTERNAL" }), supertokens.listUsersByAccountInfo(item.tenantId, { email: item.email })]),
  );
  const found: Found = {};
  if (mapping.status === "OK") {
    const metadata = (await core.sdk(() => UserMetadata.getUserMetadata(item.legacyId))).metadata as Record<string, unknown>;
    found.mapped = { superTokensId: mapping.superTokensUserId, metadata };
  }
  const user = users.find((u) => u.id !== item.legacyId && u.loginMethods.some((m) => m.recipeId === "emailpassword")) ?? users.find((u) => u.id !== item.legacyId);
  if (user) {
    const login = user.loginMethods.find((m) => m.recipeId === "emailpassword") ?? user.loginMethods[0];
    const superTokensId = login?.recipeUserId.getAsString() ?? user.id;
    found.byEmail = { id: user.id, superTokensId, timeJoined: user.timeJoined, mapped: superTokensId !== user.id, methods: [...new Set(user.loginMethods.map((m) => m.recipeId))].join(", ") };
  }
  return found;
}

const conflictText = (item: MigrationEndItem, u: NonNullable<Found["byEmail"]>) => `conflict: an account with this email (user ${u.id}, ${u.methods}) is not mapped to ${item.legacyId}; nothing created`;

export async function ensureAccountSdk(ctx: AccountContext, item: MigrationEndItem, entry: RosterEntry, mark: Mark | undefined): Promise<AccountOutcome> {
  const ours = mark?.phase === "signing-up" || mark?.phase === "account";
  // The legacy hash is imported by an endpoint that would overwrite an existing account's hash: always look first.
  if (!(ctx.fresh && !mark && !entry.passwordHash)) {
    const found = await lookUp(ctx.core, item);
    if (found.mapped) {
      const record = found.mapped.metadata[ctx.contract.migrationKey] as { via?: string } | undefined;
      // Ours only if the account is this path's (a sign-in may have migrated the person meanwhile).
      if (!ours || (record !== undefined && record.via !== "bulk")) return { skip: `already migrated (${record?.via ? `via ${record.via}` : "mapped"}) before this job reached it; nothing sent` };
      await complete(ctx, item, entry, found.mapped.superTokensId, false, found.mapped.metadata);
      return { superTokensId: found.mapped.superTokensId, created: false };
    }
    if (found.byEmail) {
      const adopt = mark?.phase === "signing-up" && !found.byEmail.mapped && found.byEmail.timeJoined >= mark.updatedAt - SKEW_MS;
      if (!adopt) return { skip: conflictText(item, found.byEmail) };
      return (await complete(ctx, item, entry, found.byEmail.superTokensId, true)) ?? { superTokensId: found.byEmail.superTokensId, created: true };
    }
  }
  await ctx.marks.set(ctx.jobId, ctx.index, "signing-up");
  const superTokensId = await createRecipeUser(ctx, item, entry);
  if (superTokensId === undefined) {
    const found = await lookUp(ctx.core, item);
    if (found.mapped) return { skip: "migrated meanwhile (the email has an account mapped to this legacy id); nothing sent" };
    return { skip: found.byEmail ? conflictText(item, found.byEmail) : "conflict: the Core refused the email as taken; nothing created" };
  }
  return (await complete(ctx, item, entry, superTokensId, true)) ?? { superTokensId, created: true };
}

/** The new user's SuperTokens id, or undefined when the Core says the email is taken. */
async function createRecipeUser(ctx: AccountContext, item: MigrationEndItem, entry: RosterEntry): Promise<string | undefined> {
  if (entry.passwordHash && entry.hashAlgorithm) {
    const res = await ctx.core.raw<{ status: string; user: { id: string }; didUserAlreadyExist: boolean }>("POST", tenantPath(item.tenantId, "/recipe/user/passwordhash/import"), {
      email: item.email,
      passwordHash: entry.passwordHash,
      hashingAlgorithm: entry.hashAlgorithm,
    });
    if (res.status !== "OK") throw new GatehouseError({ code: "CORE_ERROR", message: `The Core did not import the password hash of ${item.legacyId}: ${res.status}` });
    return res.user.id;
  }
  const res = await ctx.core.sdk(() => EmailPassword.signUp(item.tenantId, item.email, temporaryPassword()));
  if (res.status === "EMAIL_ALREADY_EXISTS_ERROR") return undefined;
  if (res.status !== "OK") throw new GatehouseError({ code: "CORE_ERROR", message: `The Core did not sign up ${item.email}: ${(res as { status: string }).status}` });
  return res.recipeUserId.getAsString();
}

/**
 * Mapping, then metadata and email verification (both need only the mapping). Each is safe to
 * repeat. Undefined when done; a skip when the legacy id turns out mapped to another account
 * (then the account this job just made is removed again, so nothing is left half-made).
 */
async function complete(ctx: AccountContext, item: MigrationEndItem, entry: RosterEntry, superTokensId: string, created: boolean, metadata?: Record<string, unknown>): Promise<AccountOutcome | undefined> {
  const { core, contract } = ctx;
  if (!metadata) {
    const mapped = await core.sdk(() =>
      supertokens.createUserIdMapping({ superTokensUserId: superTokensId, externalUserId: item.legacyId, externalUserIdInfo: `migrated from ${ctx.provider} (end of migration)` }),
    );
    if (mapped.status === "USER_ID_MAPPING_ALREADY_EXISTS_ERROR") {
      const now = await core.sdk(() => supertokens.getUserIdMapping({ userId: item.legacyId, userIdType: "EXTERNAL" }));
      if (now.status !== "OK" || now.superTokensUserId !== superTokensId) {
        if (created) await core.sdk(() => supertokens.deleteUser(superTokensId));
        return { skip: `conflict: ${item.legacyId} is mapped to another account${now.status === "OK" ? ` (${now.superTokensUserId})` : ""}; nothing kept` };
      }
    } else if (mapped.status !== "OK") {
      throw new GatehouseError({ code: "CORE_ERROR", message: `Mapping ${superTokensId} to ${item.legacyId} failed: ${mapped.status}` });
    }
  }
  const record = metadata?.[contract.migrationKey];
  await core.sdk(() =>
    Promise.all([
      UserMetadata.updateUserMetadata(item.legacyId, accountMetadata(entry, contract, ctx.provider, ctx.now(), record) as Metadata),
      item.emailVerified ? verify(item) : undefined,
    ]),
  );
  return undefined;
}

async function verify(item: MigrationEndItem): Promise<void> {
  const token = await EmailVerification.createEmailVerificationToken(item.tenantId, supertokens.convertToRecipeUserId(item.legacyId), item.email);
  if (token.status === "EMAIL_ALREADY_VERIFIED_ERROR") return;
  const verified = await EmailVerification.verifyEmailUsingToken(item.tenantId, token.token, false);
  if (verified.status !== "OK") throw new GatehouseError({ code: "CORE_ERROR", message: `Verifying the email of ${item.legacyId} failed: ${verified.status}` });
}
