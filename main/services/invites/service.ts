/**
 * Invites (seed 01): create an invited Passwordless user with a magic link, resend a link,
 * revoke an invite that was never accepted, and list invites with their status. The Core holds
 * the truth about acceptance (the invite record in the user's metadata, which the backend kit
 * completes on first sign-in); Gatehouse's store (store/) holds the links, deliveries and revocations,
 * and remembers an acceptance once seen.
 */
import type { Caller } from "../../../shared/contract/caller.ts";
import supertokens from "supertokens-node";
import Passwordless from "supertokens-node/recipe/passwordless";
import UserMetadata from "supertokens-node/recipe/usermetadata";
import UserRoles from "supertokens-node/recipe/userroles";
import type { z } from "zod";
import { GatehouseError } from "../../../shared/contract/errors.ts";
import type { InviteRow, inviteOps } from "../../../shared/contract/operations/invites.ts";
import type { JsonObject } from "../../../shared/contract/schemas.ts";
import type { InviteRecord } from "../../../shared/data-contract.ts";
import type { CoreClient } from "../../core/core-client.ts";
import type { Mailer } from "../../mail/mailer.ts";
import type { ActiveConnection } from "../connection.ts";
import { revokeSignInCodes, signInContacts } from "../sign-in-codes.ts";
import { type SdkUser, describeLoginMethods, inviteRecordOf, passwordlessContactOf } from "./accounts.ts";
import { deliverLink, type Delivered } from "./delivery.ts";
import { contactLabel, normalizeContact, type Contact } from "./normalize.ts";
import type { InviteRecordRow, InviteStore } from "./store/invite-store.ts";
import type { InviteSettingsStore } from "./settings.ts";

type Out<N extends keyof typeof inviteOps> = z.output<(typeof inviteOps)[N]["output"]>;
type In<N extends keyof typeof inviteOps> = z.output<(typeof inviteOps)[N]["input"]>;

export interface InvitesDeps {
  connection: () => ActiveConnection;
  /** Which Core a connection is to: invites are kept per Core, so every profile on it sees them. */
  scopeOf: (active: ActiveConnection) => string;
  settings: InviteSettingsStore;
  records: InviteStore;
  mailer: Mailer;
  now: () => number;
  /** Called after Gatehouse gave or took roles (the role index drops its cache). */
  rolesChanged: () => void;
}

/** How long a tenant's acceptances read from the Core stay fresh while paging through its invites. */
const ACCEPTANCE_FRESH_MS = 15_000;

export class InvitesService {
  private readonly acceptanceReadAt = new Map<string, number>();

  constructor(private readonly deps: InvitesDeps) {}

  /**
   * Signs the person up and records the invite, then sends the link. Someone who already has an
   * account is not invited again: "exists" says whether a sign-in link would reach that account.
   * A sign-up whose invite record was not written yet (the Core went away) is noted locally first,
   * so running the same invite again finishes it instead of answering "exists".
   */
  async create(input: In<"invites.create">, by: Caller): Promise<Out<"invites.create">> {
    const active = this.deps.connection();
    const { core, profile } = active;
    const scope = this.deps.scopeOf(active);
    const settings = await this.deps.settings.get(profile.id);
    const contact = normalizeContact(input, settings.defaultRegion);
    const key = contactLabel(contact);
    const roles = [...new Set(input.roles)];
    if (roles.length > 0) {
      const { roles: known } = await core.sdk(() => UserRoles.getAllRoles());
      const unknown = roles.filter((r) => !known.includes(r));
      if (unknown.length > 0) {
        throw new GatehouseError({ code: "NOT_FOUND", message: `There is no role ${unknown.map((r) => `"${r}"`).join(", ")}. Create it under Roles first; nobody was invited.` });
      }
    }
    const existing = await core.sdk(() => supertokens.listUsersByAccountInfo(input.tenantId, contact));
    const own = existing.find((u) => passwordlessContactOf(u, input.tenantId, contact) !== undefined);
    let userId: string;
    if (own && (await this.deps.records.pendingSince(scope, input.tenantId, key)) !== undefined) {
      userId = own.id; // an earlier run signed them up, then failed before recording the invite
    } else if (existing.length > 0) {
      return exists(existing, own, contact);
    } else {
      await this.deps.records.pendingStart(scope, input.tenantId, key, this.deps.now());
      const signedUp = await core.sdk(() => Passwordless.signInUp({ ...contact, tenantId: input.tenantId }));
      if (!signedUp.createdNewRecipeUser) {
        await this.deps.records.pendingEnd(scope, input.tenantId, key);
        return exists([signedUp.user], signedUp.user, contact);
      }
      userId = signedUp.user.id;
    }
    const invitedAt = this.deps.now();
    const record: InviteRecord = { invitedAt, invitedBy: by.operator };
    await core.sdk(async () => {
      await UserMetadata.updateUserMetadata(userId, { [profile.contract.inviteKey]: { ...record } });
      for (const role of roles) await UserRoles.addRoleToUser(input.tenantId, userId, role);
    });
    if (roles.length > 0) this.deps.rolesChanged();
    await this.deps.records.recordInvite(
      {
        scope,
        user_id: userId,
        tenant_id: input.tenantId,
        email: "email" in contact ? contact.email : null,
        phone_number: "phoneNumber" in contact ? contact.phoneNumber : null,
        invited_at: invitedAt,
        invited_by: by.operator,
        link_expires_at: null,
        delivery: "failed",
        message_id: null,
        delivery_error: "no link sent yet",
        revoked_at: null,
      },
      { tenantId: input.tenantId, contact: key },
    );
    const sent = await this.send(core, profile.id, scope, input.tenantId, userId, contact);
    return { status: "invited", ...sent };
  }

  /** A new link to a user who signs in with one (Passwordless); refused for anyone a link would give a second account. */
  async resend(input: In<"invites.resend">): Promise<Out<"invites.resend">> {
    const active = this.deps.connection();
    const { core, profile } = active;
    const scope = this.deps.scopeOf(active);
    const user = await this.requireUser(core, input.userId);
    const record = await this.deps.records.get(scope, user.id);
    if (record?.revoked_at !== null && record?.revoked_at !== undefined) {
      throw new GatehouseError({ code: "CONFLICT", message: `The invite of ${labelOf(user)} was revoked; invite them again instead.` });
    }
    const tenants = record ? [record.tenant_id, ...user.tenantIds] : [profile.defaultTenant, ...user.tenantIds];
    const wanted: Contact | undefined = record?.email ? { email: record.email } : record?.phone_number ? { phoneNumber: record.phone_number } : undefined;
    const target = tenants.map((tenantId) => ({ tenantId, contact: passwordlessContactOf(user, tenantId, wanted) })).find((t) => t.contact !== undefined);
    if (!target?.contact) {
      throw new GatehouseError({
        code: "CONFLICT",
        message: `${labelOf(user)} signs in ${describeLoginMethods(user)}, not with a sign-in link: a link would create a second, separate account. Nothing was sent. Open the user to send a password reset or change their roles.`,
      });
    }
    return this.send(core, profile.id, scope, target.tenantId, user.id, target.contact);
  }

  /**
   * Revoking an invite kills its links (their codes on the Core, for every contact and tenant the
   * invitee could use), removes its unsent messages from the outbox, and deletes the invited user,
   * who never signed in. The codes go first: a failure half-way leaves no working link behind, and
   * running the revoke again finishes it.
   */
  async revoke(input: In<"invites.revoke">): Promise<Out<"invites.revoke">> {
    const active = this.deps.connection();
    const { core, profile } = active;
    const scope = this.deps.scopeOf(active);
    const local = await this.deps.records.get(scope, input.userId);
    const user = (await core.sdk(() => supertokens.getUser(input.userId))) ?? undefined;
    if (!user && !local) throw new GatehouseError({ code: "NOT_FOUND", message: `There is no user ${input.userId} (any more), and no invite of theirs.` });
    let invite: InviteRecord | undefined;
    if (user) {
      const { metadata } = await core.sdk(() => UserMetadata.getUserMetadata(user.id));
      invite = inviteRecordOf(metadata as JsonObject, profile.contract.inviteKey);
      if (!invite && !local) {
        throw new GatehouseError({
          code: "CONFLICT",
          message: `${labelOf(user)} was not invited (their metadata has no "${profile.contract.inviteKey}" record), so there is no invite to revoke. To remove the account, delete the user under Users.`,
        });
      }
      if (invite?.acceptedAt !== undefined) {
        throw new GatehouseError({
          code: "CONFLICT",
          message: `${labelOf(user)} accepted the invite on ${new Date(invite.acceptedAt).toISOString()} and has signed in; revoking would delete an active account. Delete the user under Users if that is what you mean.`,
        });
      }
    }
    const tenants = [...new Set([...(local ? [local.tenant_id] : []), ...(user?.tenantIds ?? [])])];
    const contacts = signInContacts(user, local);
    await revokeSignInCodes(core, contacts, tenants.length ? tenants : [profile.defaultTenant]);
    if (user) await core.sdk(() => supertokens.deleteUser(user.id));
    this.deps.rolesChanged();
    const at = this.deps.now();
    const unknown = foundRow(scope, input.userId, user?.tenantIds[0] ?? profile.defaultTenant, contacts[0], invite, "invited outside this console", at);
    const outboxRemoved = await this.deps.records.revoke(scope, input.userId, at, unknown);
    return { revoked: true, outboxRemoved };
  }

  async list(input: In<"invites.list">): Promise<Out<"invites.list">> {
    const active = this.deps.connection();
    const scope = this.deps.scopeOf(active);
    await this.readTenantAcceptances(active, scope, input.tenantId);
    const now = this.deps.now();
    const query = { status: input.status, search: input.search, now, offset: input.offset, limit: input.limit };
    let page = await this.deps.records.page(scope, input.tenantId, query);
    // What is on screen is always fresh; when one of them was accepted meanwhile, the page is read again.
    const open = page.rows.filter((r) => r.revoked_at === null && (r.accepted_at ?? null) === null).map((r) => r.user_id);
    if ((await this.readAcceptances(active, scope, open)) > 0) page = await this.deps.records.page(scope, input.tenantId, query);
    return {
      invites: page.rows.map((r) => toRow(r, now)),
      total: page.total,
      counts: await this.deps.records.counts(scope, input.tenantId, now),
      sync: await this.deps.records.syncState(scope, input.tenantId),
    };
  }

  /**
   * Invites recorded on the Core that this console does not know (made by the app's invite API,
   * another console, or before this console kept records): one pass over the tenant's users,
   * metadata in bulk, added to the list with delivery "elsewhere".
   */
  async sync(input: In<"invites.sync">): Promise<Out<"invites.sync">> {
    const active = this.deps.connection();
    const { core, profile } = active;
    const scope = this.deps.scopeOf(active);
    let scanned = 0;
    let found = 0;
    let added = 0;
    let token: string | undefined;
    do {
      const page = await core.sdk(() => supertokens.getUsersOldestFirst({ tenantId: input.tenantId, limit: Math.min(500, input.max - scanned), ...(token ? { paginationToken: token } : {}) }));
      scanned += page.users.length;
      const metadata = page.users.length ? await core.metadataOf(page.users.map((u) => u.id)) : new Map<string, JsonObject>();
      for (const user of page.users) {
        const invite = inviteRecordOf(metadata.get(user.id) ?? {}, profile.contract.inviteKey);
        if (!invite) continue;
        found++;
        const contact = signInContacts(user, undefined)[0];
        if (await this.deps.records.insertFound(foundRow(scope, user.id, input.tenantId, contact, invite, null, null))) added++;
        if (invite.acceptedAt !== undefined) await this.deps.records.accepted(scope, [{ userId: user.id, at: invite.acceptedAt }]);
      }
      token = page.nextPaginationToken;
    } while (token && scanned < input.max);
    const state = { syncedAt: this.deps.now(), scanned, found, truncated: token !== undefined };
    await this.deps.records.synced(scope, input.tenantId, state);
    return { ...state, added };
  }

  /** Acceptance of every open invite of the tenant (for counts and filters), read again at most every few seconds. */
  private async readTenantAcceptances(active: ActiveConnection, scope: string, tenantId: string): Promise<void> {
    const key = `${scope}\u0000${tenantId}`;
    const now = this.deps.now();
    if (now - (this.acceptanceReadAt.get(key) ?? Number.NEGATIVE_INFINITY) < ACCEPTANCE_FRESH_MS) return;
    await this.readAcceptances(active, scope, await this.deps.records.openUserIds(scope, tenantId));
    this.acceptanceReadAt.set(key, now);
  }

  /** Reads from the Core (in bulk) whether these invites were accepted, and keeps it; returns how many were. */
  private async readAcceptances({ core, profile }: ActiveConnection, scope: string, userIds: string[]): Promise<number> {
    if (userIds.length === 0) return 0;
    const metadata = await core.metadataOf(userIds);
    const seen: { userId: string; at: number }[] = [];
    for (const [userId, m] of metadata) {
      const acceptedAt = inviteRecordOf(m, profile.contract.inviteKey)?.acceptedAt;
      if (acceptedAt !== undefined) seen.push({ userId, at: acceptedAt });
    }
    if (seen.length > 0) await this.deps.records.accepted(scope, seen);
    return seen.length;
  }

  /** A new link for the user, delivered; the local record follows. A mail failure is recorded, then thrown. */
  private async send(core: CoreClient, profileId: string, scope: string, tenantId: string, userId: string, contact: Contact): Promise<Out<"invites.resend">> {
    const { settings, smtp } = await this.deps.settings.withSmtp(profileId);
    const sent: Delivered = await deliverLink(
      { core, scope, profileId, settings, smtp, mailer: this.deps.mailer, records: this.deps.records, now: this.deps.now },
      tenantId,
      userId,
      contact,
    );
    await this.deps.records.linkSent(scope, userId, { expiresAt: sent.expiresAt, delivery: sent.delivery, messageId: sent.messageId, error: sent.error?.reason ?? null });
    if (sent.error) {
      throw new GatehouseError({
        code: "MAIL_FAILED",
        message: `${sent.error.message}. The invite for ${contactLabel(contact)} is recorded (user ${userId}, delivery "failed"); resend it once the mail server works.`,
      });
    }
    return { userId, link: sent.link, expiresAt: sent.expiresAt, delivery: sent.delivery, messageId: sent.messageId };
  }

  private async requireUser(core: CoreClient, userId: string): Promise<SdkUser> {
    const user = await core.sdk(() => supertokens.getUser(userId));
    if (!user) throw new GatehouseError({ code: "NOT_FOUND", message: `There is no user ${userId} (any more).` });
    return user;
  }
}

/** The answer for someone who has an account already: whether a link reaches it, and what to do. */
function exists(users: SdkUser[], own: SdkUser | undefined, contact: Contact): Out<"invites.create"> {
  const who = contactLabel(contact);
  if (own) {
    return {
      status: "exists",
      userId: own.id,
      loginMethods: [...new Set(own.loginMethods.map((m) => m.recipeId))],
      canSendLink: true,
      detail: `${who} already has an account that signs in with a link or code (user ${own.id}). Nobody was invited; you can send them a new sign-in link.`,
    };
  }
  const user = users[0] as SdkUser;
  return {
    status: "exists",
    userId: user.id,
    loginMethods: [...new Set(user.loginMethods.map((m) => m.recipeId))],
    canSendLink: false,
    detail: `${who} already has an account that signs in ${describeLoginMethods(user)} (user ${user.id}). A sign-in link would create a second, separate account, so nothing was sent. Open the user to send a password reset or change their roles.`,
  };
}

function toRow(r: InviteRecordRow, now: number): InviteRow {
  const acceptedAt = r.accepted_at ?? null;
  const status: InviteRow["status"] =
    r.revoked_at !== null ? "revoked" : acceptedAt !== null ? "accepted" : r.link_expires_at !== null && r.link_expires_at <= now ? "link-expired" : "pending";
  return {
    userId: r.user_id,
    tenantId: r.tenant_id,
    email: r.email,
    phoneNumber: r.phone_number,
    invitedAt: r.invited_at,
    invitedBy: r.invited_by,
    acceptedAt,
    status,
    linkExpiresAt: r.link_expires_at,
    delivery: r.delivery,
    deliveryError: r.delivery_error,
    revokedAt: r.revoked_at,
  };
}

/** A local row for an invite this console did not send (found on the Core, or revoked from here). */
function foundRow(scope: string, userId: string, tenantId: string, contact: Contact | undefined, invite: InviteRecord | undefined, note: string | null, revokedAt: number | null): InviteRecordRow {
  return {
    scope,
    user_id: userId,
    tenant_id: tenantId,
    email: contact && "email" in contact ? contact.email : null,
    phone_number: contact && "phoneNumber" in contact ? contact.phoneNumber : null,
    invited_at: invite?.invitedAt ?? 0,
    invited_by: invite?.invitedBy ?? "",
    link_expires_at: null,
    delivery: "elsewhere",
    message_id: null,
    delivery_error: note,
    revoked_at: revokedAt,
    accepted_at: invite?.acceptedAt ?? null,
  };
}

const labelOf = (user: SdkUser): string => user.emails[0] ?? user.phoneNumbers[0] ?? user.id;
