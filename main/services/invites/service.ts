/**
 * Invites (seed 01): create an invited Passwordless user with a magic link, resend a link,
 * revoke an invite that was never accepted, and list invites with their status. The Core holds
 * the truth about acceptance (the invite record in the user's metadata, which the backend kit
 * completes on first sign-in); Gatehouse's SQLite holds the links, deliveries and revocations.
 */
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
import { deliverLink, type Delivered } from "./delivery.ts";
import { contactLabel, normalizeContact, type Contact } from "./normalize.ts";
import type { InviteRecords } from "./records.ts";
import type { InviteSettingsStore } from "./settings.ts";

type Out<N extends keyof typeof inviteOps> = z.output<(typeof inviteOps)[N]["output"]>;
type In<N extends keyof typeof inviteOps> = z.output<(typeof inviteOps)[N]["input"]>;
type SdkUser = NonNullable<Awaited<ReturnType<typeof supertokens.getUser>>>;

export interface InvitesDeps {
  connection: () => ActiveConnection;
  /** Which Core a connection is to: invites and the outbox are kept per Core, so every profile on it sees them. */
  scopeOf: (active: ActiveConnection) => string;
  settings: InviteSettingsStore;
  records: InviteRecords;
  mailer: Mailer;
  now: () => number;
  /** Who invites (the operator), for the invite record. */
  operator: string;
  /** Called after Gatehouse gave or took roles (the role index drops its cache). */
  rolesChanged: () => void;
}

export class InvitesService {
  constructor(private readonly deps: InvitesDeps) {}

  async create(input: In<"invites.create">): Promise<Out<"invites.create">> {
    const active = this.deps.connection();
    const { core, profile } = active;
    const scope = this.deps.scopeOf(active);
    const settings = this.deps.settings.get(profile.id);
    const contact = normalizeContact(input, settings.defaultRegion);
    const roles = [...new Set(input.roles)];
    if (roles.length > 0) {
      const { roles: known } = await core.sdk(() => UserRoles.getAllRoles());
      const unknown = roles.filter((r) => !known.includes(r));
      if (unknown.length > 0) {
        throw new GatehouseError({ code: "NOT_FOUND", message: `There is no role ${unknown.map((r) => `"${r}"`).join(", ")}. Create it under Roles first; nobody was invited.` });
      }
    }
    const existing = await core.sdk(() => supertokens.listUsersByAccountInfo(input.tenantId, contact));
    const [found] = existing;
    if (found) return { status: "exists", userId: found.id };

    const signedUp = await core.sdk(() => Passwordless.signInUp({ ...contact, tenantId: input.tenantId }));
    if (!signedUp.createdNewRecipeUser) return { status: "exists", userId: signedUp.user.id };
    const userId = signedUp.user.id;
    const invitedAt = this.deps.now();
    const record: InviteRecord = { invitedAt, invitedBy: this.deps.operator };
    await core.sdk(async () => {
      await UserMetadata.updateUserMetadata(userId, { [profile.contract.inviteKey]: { ...record } });
      for (const role of roles) await UserRoles.addRoleToUser(input.tenantId, userId, role);
    });
    if (roles.length > 0) this.deps.rolesChanged();
    this.deps.records.insert({
      scope,
      user_id: userId,
      tenant_id: input.tenantId,
      email: "email" in contact ? contact.email : null,
      phone_number: "phoneNumber" in contact ? contact.phoneNumber : null,
      invited_at: invitedAt,
      invited_by: this.deps.operator,
      link_expires_at: null,
      delivery: "failed",
      message_id: null,
      delivery_error: "no link sent yet",
      revoked_at: null,
    });
    const sent = await this.send(core, profile.id, scope, input.tenantId, userId, contact);
    return { status: "invited", ...sent };
  }

  async resend(input: In<"invites.resend">): Promise<Out<"invites.resend">> {
    const active = this.deps.connection();
    const { core, profile } = active;
    const scope = this.deps.scopeOf(active);
    const user = await this.requireUser(core, input.userId);
    const record = this.deps.records.get(scope, user.id);
    const tenantId = record?.tenant_id ?? (user.tenantIds.includes(profile.defaultTenant) ? profile.defaultTenant : user.tenantIds[0]);
    if (!tenantId) throw new GatehouseError({ code: "CONFLICT", message: `User ${user.id} belongs to no tenant, so no sign-in link can be made.` });
    const contact = contactOf(user, tenantId, record);
    if (!contact) throw new GatehouseError({ code: "CONFLICT", message: `User ${user.id} has no email address or phone number to send a link to.` });
    return this.send(core, profile.id, scope, tenantId, user.id, contact);
  }

  async revoke(input: In<"invites.revoke">): Promise<Out<"invites.revoke">> {
    const active = this.deps.connection();
    const { core, profile } = active;
    const scope = this.deps.scopeOf(active);
    const user = await this.requireUser(core, input.userId);
    const { metadata } = await core.sdk(() => UserMetadata.getUserMetadata(user.id));
    const invite = inviteRecordOf(metadata as JsonObject, profile.contract.inviteKey);
    if (!invite) {
      throw new GatehouseError({
        code: "CONFLICT",
        message: `${labelOf(user)} was not invited (their metadata has no "${profile.contract.inviteKey}" record), so there is no invite to revoke. To remove the account, delete the user under Users.`,
      });
    }
    if (invite.acceptedAt !== undefined) {
      throw new GatehouseError({
        code: "CONFLICT",
        message: `${labelOf(user)} accepted the invite on ${new Date(invite.acceptedAt).toISOString()} and has signed in; revoking would delete an active account. Delete the user under Users if that is what you mean.`,
      });
    }
    await core.sdk(() => supertokens.deleteUser(user.id));
    this.deps.rolesChanged();
    const at = this.deps.now();
    const local = this.deps.records.get(scope, user.id);
    if (local) this.deps.records.revoked(scope, user.id, at);
    else {
      const contact = contactOf(user, user.tenantIds[0] ?? profile.defaultTenant, undefined);
      this.deps.records.insert({
        scope,
        user_id: user.id,
        tenant_id: user.tenantIds[0] ?? profile.defaultTenant,
        email: contact && "email" in contact ? contact.email : null,
        phone_number: contact && "phoneNumber" in contact ? contact.phoneNumber : null,
        invited_at: invite.invitedAt,
        invited_by: invite.invitedBy,
        link_expires_at: null,
        delivery: "failed",
        message_id: null,
        delivery_error: "invited outside this console",
        revoked_at: at,
      });
    }
    return { revoked: true };
  }

  async list(input: In<"invites.list">): Promise<Out<"invites.list">> {
    const active = this.deps.connection();
    const { core, profile } = active;
    const rows = this.deps.records.list(this.deps.scopeOf(active), input.tenantId);
    const live = rows.filter((r) => r.revoked_at === null).map((r) => r.user_id);
    const metadata = await core.metadataOf(live);
    const now = this.deps.now();
    const invites = rows.map((r): InviteRow => {
      const record = inviteRecordOf(metadata.get(r.user_id) ?? {}, profile.contract.inviteKey);
      const acceptedAt = record?.acceptedAt ?? null;
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
    });
    return { invites };
  }

  /** A new link for the user, delivered; the local record follows. A mail failure is recorded, then thrown. */
  private async send(core: CoreClient, profileId: string, scope: string, tenantId: string, userId: string, contact: Contact): Promise<Out<"invites.resend">> {
    const settings = this.deps.settings.get(profileId);
    const sent: Delivered = await deliverLink(
      { core, scope, settings, smtp: this.deps.settings.smtp(profileId), mailer: this.deps.mailer, records: this.deps.records, now: this.deps.now },
      tenantId,
      userId,
      contact,
    );
    this.deps.records.linkSent(scope, userId, { expiresAt: sent.expiresAt, delivery: sent.delivery, messageId: sent.messageId, error: sent.error?.reason ?? null });
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

function inviteRecordOf(metadata: JsonObject, key: string): InviteRecord | undefined {
  const value = metadata[key];
  if (typeof value !== "object" || value === null || Array.isArray(value)) return undefined;
  const v = value as Record<string, unknown>;
  return {
    invitedAt: typeof v.invitedAt === "number" ? v.invitedAt : 0,
    invitedBy: typeof v.invitedBy === "string" ? v.invitedBy : "",
    ...(typeof v.acceptedAt === "number" ? { acceptedAt: v.acceptedAt } : {}),
  };
}

/** Where a link for this user goes: the invite's contact, else their passwordless login, else any email or phone. */
function contactOf(user: SdkUser, tenantId: string, record: { email: string | null; phone_number: string | null } | undefined): Contact | undefined {
  if (record?.email) return { email: record.email };
  if (record?.phone_number) return { phoneNumber: record.phone_number };
  const pless = user.loginMethods.find((m) => m.recipeId === "passwordless" && m.tenantIds.includes(tenantId) && (m.email || m.phoneNumber));
  if (pless?.email) return { email: pless.email };
  if (pless?.phoneNumber) return { phoneNumber: pless.phoneNumber };
  const [email] = user.emails;
  if (email) return { email };
  const [phoneNumber] = user.phoneNumbers;
  return phoneNumber ? { phoneNumber } : undefined;
}

const labelOf = (user: SdkUser): string => user.emails[0] ?? user.phoneNumbers[0] ?? user.id;
