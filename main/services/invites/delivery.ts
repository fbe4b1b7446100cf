/**
 * A fresh magic link for a contact (Passwordless.createCode, then the link exactly as
 * createMagicLink builds it, on the profile's app URL), and its delivery: SMTP when set up for an
 * email, the outbox otherwise.
 */
import Passwordless from "supertokens-node/recipe/passwordless";
import type { InviteSettings } from "../../../shared/contract/operations/invites.ts";
import type { CoreClient } from "../../core/core-client.ts";
import { MailError, type Mailer, type SmtpConfig } from "../../mail/mailer.ts";
import { SMS_INVITE_SUBJECT, renderSmsTemplate, renderTemplate } from "../../mail/template.ts";
import type { Contact } from "./normalize.ts";
import type { Delivery, InviteStore, OutboxDraft } from "./store/invite-store.ts";

export interface MagicLink {
  link: string;
  expiresAt: number;
  lifetimeMs: number;
}

export interface Delivered extends MagicLink {
  delivery: Delivery;
  messageId: string | null;
  /** Why the mail could not be sent (delivery "failed"). */
  error: MailError | null;
}

export async function createMagicLink(core: CoreClient, settings: Pick<InviteSettings, "appUrl" | "websiteBasePath">, tenantId: string, contact: Contact): Promise<MagicLink> {
  const code = await core.sdk(() => Passwordless.createCode({ ...contact, tenantId }));
  const origin = settings.appUrl.trim().replace(/\/+$/, "");
  const trimmed = settings.websiteBasePath.trim().replace(/^\/+|\/+$/g, "");
  const basePath = trimmed ? `/${trimmed}` : "";
  return {
    link: `${origin}${basePath}/verify?preAuthSessionId=${code.preAuthSessionId}&tenantId=${tenantId}#${code.linkCode}`,
    expiresAt: code.timeCreated + code.codeLifetime,
    lifetimeMs: code.codeLifetime,
  };
}

export interface DeliverDeps {
  core: CoreClient;
  scope: string;
  /** The profile the message is made for: only it shows the message (and its link) in the outbox. */
  profileId: string;
  settings: InviteSettings;
  smtp: SmtpConfig | undefined;
  mailer: Mailer;
  records: InviteStore;
  now: () => number;
}

export interface InviteMessage {
  subject: string;
  text: string;
}

/**
 * The invite for this contact and link: an email from the profile's email template; a phone number
 * gets the SMS template's text (a text message has no subject: a fixed label stands in for it).
 */
export function composeInvite(settings: InviteSettings, contact: Contact, magic: MagicLink): InviteMessage {
  const values = {
    link: magic.link,
    expiresInMinutes: Math.max(1, Math.round(magic.lifetimeMs / 60_000)),
    email: "email" in contact ? contact.email : "",
    phoneNumber: "phoneNumber" in contact ? contact.phoneNumber : "",
    appUrl: settings.appUrl.replace(/\/+$/, ""),
  };
  if ("email" in contact) return renderTemplate(settings.template, values);
  return { subject: SMS_INVITE_SUBJECT, text: renderSmsTemplate(settings.smsTemplate, values) };
}

/**
 * Mails the message when the contact is an email and the profile has SMTP; undefined otherwise
 * (the message goes to the outbox: see queueInOutbox). A mail server's refusal is a result, not a throw.
 */
export async function mailIfPossible(
  deps: Pick<DeliverDeps, "smtp" | "mailer">,
  contact: Contact,
  message: InviteMessage,
): Promise<Pick<Delivered, "delivery" | "messageId" | "error"> | undefined> {
  if (!("email" in contact) || !deps.smtp) return undefined;
  try {
    const { messageId } = await deps.mailer.send(deps.smtp, { to: contact.email, ...message });
    return { delivery: "sent", messageId, error: null };
  } catch (err) {
    if (err instanceof MailError) return { delivery: "failed", messageId: null, error: err };
    throw err;
  }
}

/** The outbox message for this contact and link (see queueInOutbox). */
export function outboxDraft(createdAt: number, tenantId: string, userId: string, contact: Contact, message: InviteMessage, magic: MagicLink): OutboxDraft {
  return {
    createdAt,
    tenantId,
    userId,
    to: "email" in contact ? contact.email : contact.phoneNumber,
    channel: "email" in contact ? "email" : "sms",
    subject: message.subject,
    text: message.text,
    link: magic.link,
    linkExpiresAt: magic.expiresAt,
  };
}

/** How a message put in the outbox is delivered. */
export const queuedAs = (outboxId: number): Pick<Delivered, "delivery" | "messageId" | "error"> => ({ delivery: "outbox", messageId: `outbox:${outboxId}`, error: null });

/** Puts the message in the outbox. */
export async function queueInOutbox(
  deps: Pick<DeliverDeps, "scope" | "profileId" | "records" | "now">,
  tenantId: string,
  userId: string,
  contact: Contact,
  message: InviteMessage,
  magic: MagicLink,
): Promise<Pick<Delivered, "delivery" | "messageId" | "error">> {
  const { id } = await deps.records.addToOutbox(deps.scope, deps.profileId, outboxDraft(deps.now(), tenantId, userId, contact, message, magic));
  return queuedAs(id);
}

/** Delivers a fresh link: by mail when possible, else to the outbox. */
export async function deliverLink(deps: DeliverDeps, tenantId: string, userId: string, contact: Contact): Promise<Delivered> {
  const magic = await createMagicLink(deps.core, deps.settings, tenantId, contact);
  const message = composeInvite(deps.settings, contact, magic);
  const sent = (await mailIfPossible(deps, contact, message)) ?? (await queueInOutbox(deps, tenantId, userId, contact, message, magic));
  return { ...magic, ...sent };
}
