/** The invite message: a default template and {{placeholder}} filling. */
export interface MailTemplate {
  subject: string;
  text: string;
}

export const DEFAULT_INVITE_TEMPLATE: Readonly<MailTemplate> = Object.freeze({
  subject: "You are invited to {{appUrl}}",
  text: [
    "Hello,",
    "",
    "You have been invited. Open this link to sign in for the first time:",
    "",
    "{{link}}",
    "",
    "The link expires in {{expiresInMinutes}} minutes. After that, or once you have used it, you can sign in any time at {{appUrl}} with your email address or phone number: we send you a new code or link each time.",
    "",
  ].join("\n"),
});

/**
 * The text message of a phone invite (no subject): what the email says, in short, with the link on
 * a line of its own so that phones make it tappable.
 */
export const DEFAULT_SMS_INVITE_TEMPLATE = [
  "You are invited to {{appUrl}}. Sign in for the first time with this link, which expires in {{expiresInMinutes}} minutes:",
  "{{link}}",
  "After that, you can sign in any time with this phone number.",
].join("\n");

/** A text message has no subject: this label stands in the outbox entry's subject (and its export). */
export const SMS_INVITE_SUBJECT = "SMS invite";

export interface TemplateValues {
  link: string;
  expiresInMinutes: number;
  email: string;
  phoneNumber: string;
  appUrl: string;
}

/** Replaces {{name}} (spaces allowed inside the braces); unknown placeholders stay as typed. */
function fill(s: string, values: TemplateValues): string {
  return s.replace(/\{\{\s*(\w+)\s*\}\}/g, (whole, name: string) => (Object.hasOwn(values, name) ? String(values[name as keyof TemplateValues]) : whole));
}

/** The mail: placeholders filled in subject and text; the subject on one line. */
export function renderTemplate(template: MailTemplate, values: TemplateValues): MailTemplate {
  return { subject: fill(template.subject, values).replace(/[\r\n]+/g, " "), text: fill(template.text, values) };
}

/** The text message: placeholders filled, surrounding blank space dropped (line breaks inside are kept). */
export function renderSmsTemplate(template: string, values: TemplateValues): string {
  return fill(template, values).trim();
}
