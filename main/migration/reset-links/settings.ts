/**
 * The reset mail of each profile: its template (subject and text with {{link}}). Where the link
 * lands (app URL, website base path) and how mail goes out (SMTP or the outbox) are the profile's
 * invite settings, so a profile is set up once for both kinds of link. The template is kept in a
 * ResetTemplateStore (SQLite, or PostgreSQL shared by several team-server instances).
 */
import type { ResetLinkSettings } from "../../../shared/contract/operations/migration-end.ts";
import type { MailTemplate } from "../../mail/template.ts";
import type { InviteSettingsStore } from "../../services/invites/settings.ts";
import type { ResetTemplateStore } from "./template-store.ts";

export const DEFAULT_RESET_TEMPLATE: Readonly<MailTemplate> = Object.freeze({
  subject: "Set a new password for {{appUrl}}",
  text: [
    "Hello,",
    "",
    "Your account has moved to our new sign-in. Before you sign in again, choose a new password with this link:",
    "",
    "{{link}}",
    "",
    "The link expires in {{expiresInMinutes}} minutes. After that, use \"Forgot password\" on the sign-in page at {{appUrl}} with {{email}} to get a new one.",
    "",
  ].join("\n"),
});

export class ResetLinkSettingsStore {
  constructor(
    private readonly templates: ResetTemplateStore,
    private readonly invites: InviteSettingsStore,
    private readonly now: () => number,
  ) {}

  async template(profileId: string): Promise<MailTemplate> {
    return { ...DEFAULT_RESET_TEMPLATE, ...(await this.templates.get(profileId)) };
  }

  async view(profileId: string): Promise<ResetLinkSettings> {
    const [template, invite] = await Promise.all([this.template(profileId), this.invites.get(profileId)]);
    return { template, appUrl: invite.appUrl, websiteBasePath: invite.websiteBasePath, smtp: invite.smtp !== null };
  }

  async update(profileId: string, template: MailTemplate): Promise<ResetLinkSettings> {
    await this.templates.put(profileId, template, this.now());
    return this.view(profileId);
  }
}
