/**
 * Where each profile's reset-mail template is kept (as JSON text): Gatehouse's SQLite by default
 * (sqlite-template-store.ts), PostgreSQL for team servers with two or more instances
 * (postgres-template-store.ts), so every instance sends the same mail.
 */
import type { MailTemplate } from "../../mail/template.ts";

export interface ResetTemplateStore {
  /** The stored template, or undefined when the profile has none (the default applies). */
  get(profileId: string): Promise<Partial<MailTemplate> | undefined>;
  put(profileId: string, template: MailTemplate, at: number): Promise<void>;
}

/** What both stores keep of a template. */
export const templateJson = (template: MailTemplate) => JSON.stringify({ template: { subject: template.subject, text: template.text } });
export const templateOf = (json: string): Partial<MailTemplate> | undefined => (JSON.parse(json) as { template?: MailTemplate }).template;
