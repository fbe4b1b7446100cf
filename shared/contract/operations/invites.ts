import { isSupportedCountry } from "libphonenumber-js/min";
import { z } from "zod";
import { INVITE_FILTERS, INVITE_STATUSES } from "../invite-statuses.ts";
import { SMS_TEMPLATE_MAX } from "../limits.ts";
import { op } from "../define.ts";
import { roleName, tenantId, userId } from "../schemas.ts";

export { INVITE_FILTERS, INVITE_STATUSES, type InviteFilter } from "../invite-statuses.ts";
/** "elsewhere": invited outside this console (the app's invite API, another console), found on the Core. */
export const DELIVERIES = ["sent", "outbox", "failed", "elsewhere"] as const;

const delivery = z.enum(DELIVERIES);

/** A fresh magic link and how it went out. */
const linkSent = z.object({
  userId: z.string(),
  link: z.string(),
  expiresAt: z.number(),
  delivery,
  /** The SMTP server's message id when sent; the outbox entry's id ("outbox:<n>") otherwise. */
  messageId: z.string().nullable(),
});

export const inviteRow = z.object({
  userId: z.string(),
  tenantId: z.string(),
  email: z.string().nullable(),
  phoneNumber: z.string().nullable(),
  invitedAt: z.number(),
  invitedBy: z.string(),
  acceptedAt: z.number().nullable(),
  status: z.enum(INVITE_STATUSES),
  linkExpiresAt: z.number().nullable(),
  delivery,
  deliveryError: z.string().nullable(),
  revokedAt: z.number().nullable(),
});
export type InviteRow = z.infer<typeof inviteRow>;

export const outboxEntry = z.object({
  id: z.number(),
  createdAt: z.number(),
  tenantId: z.string(),
  userId: z.string(),
  to: z.string(),
  channel: z.enum(["email", "sms"]),
  subject: z.string(),
  text: z.string(),
  /** Null for roles that may not see sign-in links (main/disclosure.ts); the text then holds a placeholder. */
  link: z.string().nullable(),
  linkExpiresAt: z.number(),
  handledAt: z.number().nullable(),
});
export type OutboxEntry = z.infer<typeof outboxEntry>;

const template = z.object({
  subject: z.string().trim().min(1, "a subject is required").max(500),
  text: z.string().min(1, "a text is required").max(20_000).refine((t) => t.includes("{{link}}"), "the text must contain {{link}}"),
});

/** The text message of a phone invite (no subject): short, and useless without its link. */
const smsTemplate = z
  .string()
  .trim()
  .min(1, "the SMS template is required")
  .max(SMS_TEMPLATE_MAX, `the SMS template must be at most ${SMS_TEMPLATE_MAX} characters`)
  .refine((t) => /\{\{\s*link\s*\}\}/.test(t), "the SMS template must contain {{link}}");

const smtp = z.object({
  host: z.string().trim().min(1, "an SMTP host is required").max(255),
  port: z.number().int().min(1).max(65_535),
  /** TLS from the start (port 465); otherwise STARTTLS when the server offers it. */
  secure: z.boolean(),
  username: z.string().trim().max(255),
  from: z.string().trim().min(3, "a from address is required").max(320),
});

/** A region libphonenumber knows (ISO 3166 alpha-2), as phone numbers without + are read in it. */
const region = z
  .string()
  .trim()
  .toUpperCase()
  .regex(/^[A-Z]{2}$/, "a region is two letters, like US or DE")
  .refine((r) => isSupportedCountry(r), { error: (issue) => `"${String(issue.input)}" is not a region phone numbers can be read in; use a country code like US, GB or DE` });

const appUrl = z
  .string()
  .trim()
  .url("the app URL must be a URL like http://localhost:3000")
  .refine((u) => /^https?:\/\//i.test(u), "the app URL must start with http:// or https://");

export const inviteSettings = z.object({
  appUrl,
  websiteBasePath: z.string().trim().max(200),
  defaultRegion: z.string(),
  smtp: smtp.nullable(),
  /** Whether an SMTP password is stored (it is never sent out). */
  hasPassword: z.boolean(),
  template,
  /** The text of phone invites (they always go to the outbox, channel "sms"). */
  smsTemplate,
});
export type InviteSettings = z.infer<typeof inviteSettings>;

const page = {
  offset: z.number().int().min(0).default(0),
  limit: z.number().int().min(1).max(500).default(100),
};

/** When the tenant's invites were last looked for on the Core (invites.sync), and what was found. */
const inviteSync = z.object({ syncedAt: z.number(), scanned: z.number(), found: z.number(), truncated: z.boolean() });

export const inviteOps = {
  "invites.create": op({
    summary: "Invite one person by email or phone (creates a Passwordless user and sends a magic link)",
    permission: "invites:write",
    mutates: true,
    input: z.object({
      tenantId,
      email: z.string().max(320).optional(),
      phoneNumber: z.string().max(50).optional(),
      roles: z.array(roleName).max(50).default([]),
    }),
    output: z.discriminatedUnion("status", [
      linkSent.extend({ status: z.literal("invited") }),
      z.object({
        status: z.literal("exists"),
        userId: z.string(),
        /** The person's sign-in methods on the Core (recipe ids), e.g. ["emailpassword"]. */
        loginMethods: z.array(z.string()),
        /**
         * True when they sign in with a Passwordless login for this contact in the tenant, so a new
         * sign-in link reaches that account. False: a link would create a second account, so none is offered.
         */
        canSendLink: z.boolean(),
        /** What happened and what the admin can do, in a sentence. */
        detail: z.string(),
      }),
    ]),
    target: (i) => i.email ?? i.phoneNumber,
  }),
  "invites.resend": op({
    summary: "Send a new magic link to an invited (or existing Passwordless) user",
    permission: "invites:resend",
    mutates: true,
    input: z.object({ userId }),
    output: linkSent,
    target: (i) => i.userId,
  }),
  "invites.revoke": op({
    summary: "Revoke an invite: its links stop working, its unsent messages leave the outbox, the invited user who never signed in is deleted",
    permission: "invites:write",
    mutates: true,
    input: z.object({ userId }),
    output: z.object({ revoked: z.boolean(), outboxRemoved: z.number() }),
    target: (i) => i.userId,
  }),
  "invites.list": op({
    summary: "Invites to a tenant (sent from this console or found on the Core), a page at a time, with their status",
    permission: "invites:read",
    mutates: false,
    input: z.object({
      tenantId,
      status: z.enum(INVITE_FILTERS).default("all"),
      /** Start of the invitee's email or phone number. */
      search: z.string().trim().max(320).default(""),
      ...page,
    }),
    output: z.object({
      invites: z.array(inviteRow),
      /** Rows matching the status and search (the page is a slice of them). */
      total: z.number(),
      /** Invites of the tenant per status, whatever the filter. */
      counts: z.object({ all: z.number(), pending: z.number(), accepted: z.number(), "link-expired": z.number(), revoked: z.number() }),
      sync: inviteSync.nullable(),
    }),
  }),
  "invites.sync": op({
    summary: "Look for invites recorded on the Core (by the app's invite API or another console) and list them here",
    permission: "invites:read",
    // Reads the Core and notes what it found in this console's list; changes nothing an operator did.
    mutates: false,
    input: z.object({ tenantId, max: z.number().int().min(1).max(1_000_000).default(200_000) }),
    output: inviteSync.extend({ added: z.number() }),
  }),
  "invites.outbox.list": op({
    summary: "Invite messages of this profile waiting to be sent by hand, newest first, a page at a time",
    permission: "invites:read",
    mutates: false,
    input: z.object({ includeHandled: z.boolean().default(false), ...page }),
    output: z.object({ entries: z.array(outboxEntry), total: z.number() }),
  }),
  "invites.outbox.export": op({
    summary: "The outbox as JSON lines",
    permission: "invites:read",
    mutates: false,
    input: z.object({ includeHandled: z.boolean().default(false) }),
    output: z.object({ jsonl: z.string(), count: z.number() }),
  }),
  "invites.outbox.markHandled": op({
    summary: "Mark outbox messages as sent by hand",
    // Whoever may send a link may say it went out.
    permission: "invites:resend",
    mutates: true,
    input: z
      .object({ ids: z.array(z.number().int()).max(10_000).default([]), all: z.boolean().default(false) })
      .refine((i) => i.all || i.ids.length > 0, { message: "name the messages (ids) or all of them (all)", path: ["ids"] }),
    output: z.object({ marked: z.number() }),
    target: (i) => (i.all ? "all" : i.ids.join(",")),
  }),
  "invites.settings.get": op({
    summary: "The active profile's invite settings (app URL, SMTP, email and SMS templates; never the password)",
    permission: "invites:read",
    mutates: false,
    input: z.object({}),
    output: inviteSettings,
  }),
  "invites.settings.update": op({
    summary: "Change the active profile's invite settings",
    permission: "profiles:write",
    mutates: true,
    input: z.object({
      appUrl: appUrl.optional(),
      websiteBasePath: z.string().trim().max(200).optional(),
      defaultRegion: region.optional(),
      smtp: smtp.nullable().optional(),
      /** A new SMTP password; null removes it; absent keeps it. Sealed at rest, never returned. */
      smtpPassword: z.string().max(1000).nullable().optional(),
      template: template.optional(),
      smsTemplate: smsTemplate.optional(),
    }),
    output: inviteSettings,
    // The profile whose settings these are is the audit entry's profile.
    target: () => "invite settings",
  }),
};
