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

export interface TemplateValues {
  link: string;
  expiresInMinutes: number;
  email: string;
  phoneNumber: string;
  appUrl: string;
}

/** Replaces {{name}} (spaces allowed inside the braces); unknown placeholders stay as typed. */
export function renderTemplate(template: MailTemplate, values: TemplateValues): MailTemplate {
  const fill = (s: string) =>
    s.replace(/\{\{\s*(\w+)\s*\}\}/g, (whole, name: string) => (Object.hasOwn(values, name) ? String(values[name as keyof TemplateValues]) : whole));
  return { subject: fill(template.subject).replace(/[\r\n]+/g, " "), text: fill(template.text) };
}
