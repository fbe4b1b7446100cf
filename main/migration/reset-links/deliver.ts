/**
 * A reset link made and delivered: by mail through the profile's SMTP, else to the profile's
 * outbox (the same outbox as invites: messages for an operator to send by hand), with the
 * profile's reset template.
 *
 * Inside a job (`item` given) the delivery happens once per item whatever crashes in between:
 * the outbox message (its origin the item, so a repeat finds it and queues no second) and the
 * "delivered" mark are one transaction, on SQLite as on PostgreSQL (marks.queueMarked), the mark
 * right after only when the outbox is kept in another database than the marks; a mail commits "mailing" right before its end mark goes to the server (mailer.ts). A repeat that
 * finds either returns that delivery and sends nothing.
 */
import { GatehouseError } from "../../../shared/contract/errors.ts";
import type { InviteSettings } from "../../../shared/contract/operations/invites.ts";
import type { JsonObject } from "../../../shared/contract/schemas.ts";
import type { CoreClient } from "../../core/core-client.ts";
import { MailError, type SmtpConfig } from "../../mail/mailer.ts";
import { renderTemplate, type MailTemplate } from "../../mail/template.ts";
import type { InviteStore, Queued } from "../../services/invites/store/invite-store.ts";
import type { Mark, Marks, Phase } from "../end/marks.ts";
import { createResetLink, type ResetLink } from "./link.ts";
import type { CommittingMailer } from "./mailer.ts";

export interface DeliveryContext {
  core: CoreClient;
  profileId: string;
  /** The invites' outbox scope of the profile's Core. */
  scope: string;
  invite: InviteSettings;
  smtp: SmtpConfig | undefined;
  template: MailTemplate;
  mailer: CommittingMailer;
  records: InviteStore;
  now: () => number;
}

export interface Recipient {
  tenantId: string;
  /** The id the Core reports (the legacy id once mapped). */
  userId: string;
  email: string;
}

export interface Delivered {
  link: string;
  expiresAt: number;
  delivery: "sent" | "outbox";
  messageId: string | null;
  [key: string]: string | number | null;
}

/** A job's item, for once-only delivery. */
export interface ItemRef {
  marks: Marks;
  jobId: string;
  index: number;
}

/** The Message-ID of an item's reset mail: the same on every try, so a mail system can tell a repeat. */
const itemMessageId = (item: ItemRef) => `<reset.${item.jobId}.${item.index}@gatehouse.invalid>`;

/** The delivery an earlier try of the item already made, if any ("mailing" becomes "delivered": its end mark was on its way). */
export async function deliveredBefore(item: ItemRef, known?: Mark): Promise<Delivered | undefined> {
  const mark = known ?? (await item.marks.get(item.jobId, item.index));
  if (!mark?.result || (mark.phase !== "delivered" && mark.phase !== "mailing")) return undefined;
  if (mark.phase === "mailing") await item.marks.set(item.jobId, item.index, "delivered");
  return mark.result as Delivered;
}

export function composeReset(ctx: Pick<DeliveryContext, "template" | "invite">, who: Recipient, link: ResetLink): { subject: string; text: string } {
  return renderTemplate(ctx.template, {
    link: link.link,
    expiresInMinutes: Math.max(1, Math.round(link.lifetimeMs / 60_000)),
    email: who.email,
    phoneNumber: "",
    appUrl: ctx.invite.appUrl.replace(/\/+$/, ""),
  });
}

export async function deliverResetLink(ctx: DeliveryContext, who: Recipient, item?: ItemRef): Promise<Delivered> {
  const before = item ? await item.marks.get(item.jobId, item.index) : undefined;
  if (item) {
    const done = await deliveredBefore(item, before);
    if (done) return done;
  }
  const link = await createResetLink(ctx.core, ctx.invite, who, ctx.now);
  const message = composeReset(ctx, who, link);

  if (!ctx.smtp) {
    const draft = {
      createdAt: ctx.now(),
      tenantId: who.tenantId,
      userId: who.userId,
      to: who.email,
      channel: "email" as const,
      subject: message.subject,
      text: message.text,
      link: link.link,
      linkExpiresAt: link.expiresAt,
      ...(item ? { origin: `reset:${item.jobId}:${item.index}` } : {}),
    };
    // A repeat gets the message its item queued before (and the link in it), not a second one.
    const delivered = (queued: Queued): Delivered => ({ link: queued.link, expiresAt: queued.linkExpiresAt, delivery: "outbox", messageId: `outbox:${queued.id}` });
    if (!item) return delivered(await ctx.records.addToOutbox(ctx.scope, ctx.profileId, draft));
    return item.marks.queueMarked(ctx.records, { scope: ctx.scope, profileId: ctx.profileId, draft }, item.jobId, item.index, (queued) => {
      const value = delivered(queued);
      return { value, mark: { phase: "delivered", fields: { result: value } } };
    });
  }

  const messageId = item ? itemMessageId(item) : undefined;
  const pending: Delivered = { link: link.link, expiresAt: link.expiresAt, delivery: "sent", messageId: messageId ?? null };
  let committed = false;
  try {
    const sent = await ctx.mailer.send(ctx.smtp, { to: who.email, ...message }, {
      ...(messageId ? { messageId } : {}),
      commit: async () => {
        if (item) await item.marks.set(item.jobId, item.index, "mailing", { result: pending });
        committed = true;
      },
    });
    const delivered: Delivered = { ...pending, messageId: sent.messageId || pending.messageId };
    if (item) await item.marks.set(item.jobId, item.index, "delivered", { result: delivered });
    return delivered;
  } catch (err) {
    // Refused (or cut off) after all: the item is not delivered; a retry mails again.
    if (item && committed) await item.marks.set(item.jobId, item.index, (before?.phase ?? "account") as Phase, { result: (before?.result ?? null) as JsonObject | null });
    if (err instanceof MailError) throw new GatehouseError({ code: "MAIL_FAILED", message: `${err.message}; no reset link reached ${who.email}.` });
    throw err;
  }
}
