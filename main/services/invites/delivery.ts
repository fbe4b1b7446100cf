/**
 * A fresh magic link for a contact (Passwordless.createCode, then the link exactly as
 * createMagicLink builds it, on the profile's app URL), and its delivery: SMTP when set up for an
 * email, the outbox otherwise.
 */
import Passwordless from "supertokens-node/recipe/passwordless";
import type { InviteSettings } from "../../../shared/contract/operations/invites.ts";
import type { CoreClient } from "../../core/core-client.ts";
import { MailError, type Mailer, type SmtpConfig } from "../../mail/mailer.ts";
import { renderTemplate } from "../../mail/template.ts";
import type { Contact } from "./normalize.ts";
import type { Delivery, InviteRecords } from "./records.ts";

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
  settings: InviteSettings;
  smtp: SmtpConfig | undefined;
  mailer: Mailer;
  records: InviteRecords;
  now: () => number;
}

/** Delivers a link: a fresh one, or `made` when the caller already created it (e.g. alongside other Core calls). */
export async function deliverLink(deps: DeliverDeps, tenantId: string, userId: string, contact: Contact, made?: MagicLink): Promise<Delivered> {
  const magic = made ?? (await createMagicLink(deps.core, deps.settings, tenantId, contact));
  const message = renderTemplate(deps.settings.template, {
    link: magic.link,
    expiresInMinutes: Math.max(1, Math.round(magic.lifetimeMs / 60_000)),
    email: "email" in contact ? contact.email : "",
    phoneNumber: "phoneNumber" in contact ? contact.phoneNumber : "",
    appUrl: deps.settings.appUrl.replace(/\/+$/, ""),
  });
  if ("email" in contact && deps.smtp) {
    try {
      const { messageId } = await deps.mailer.send(deps.smtp, { to: contact.email, ...message });
      return { ...magic, delivery: "sent", messageId, error: null };
    } catch (err) {
      if (err instanceof MailError) return { ...magic, delivery: "failed", messageId: null, error: err };
      throw err;
    }
  }
  const id = deps.records.addToOutbox(deps.scope, {
    createdAt: deps.now(),
    tenantId,
    userId,
    to: "email" in contact ? contact.email : contact.phoneNumber,
    channel: "email" in contact ? "email" : "sms",
    subject: message.subject,
    text: message.text,
    link: magic.link,
    linkExpiresAt: magic.expiresAt,
  });
  return { ...magic, delivery: "outbox", messageId: `outbox:${id}`, error: null };
}
